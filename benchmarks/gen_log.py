"""Write a realistic synthetic nafta-log log of N meetings, byte for byte in the style nafta-log itself writes.

    python benchmarks/gen_log.py DIR --meetings N [--seed S]

The log has ~40 topics, 400 stakeholders at every size (a fifth of them organizations) and N meetings whose
participants are drawn Zipf-like, so a few people are in many meetings. "Jerry Dias" (alias "Dias") takes part
in exactly 24 meetings at every size, so `--person Dias` asks the same question of a small and a large log.
The same seed always writes the same log.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import random
import re
import sys
import time
import unicodedata
from pathlib import Path
from typing import NamedTuple, Sequence, TypeVar

# --- vocabulary --------------------------------------------------------------------------------------------

TOPICS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("auto-sector", "Auto sector", ("auto", "autos", "automotive"),
     "Car making and the auto industry's place in the trade talks."),
    ("canada-china-trade", "Canada–China free-trade talks", ("China trade",),
     "Whether Canada and China would open negotiations toward a free-trade agreement."),
    ("nafta", "NAFTA renegotiation", ("NAFTA",),
     "The talks among Canada, the United States and Mexico to rework the North American Free Trade Agreement."),
    ("rules-of-origin", "Rules of origin", ("ROO",),
     "Requirements on where a product must be made to count under the agreement."),
    ("trade", "Trade", (), "Trade relations in general, beyond any one agreement."),
    ("dairy", "Dairy supply management", ("supply management",),
     "Canada's quotas and tariffs on dairy, poultry and eggs, and U.S. demands for access."),
    ("softwood-lumber", "Softwood lumber", ("lumber", "softwood"),
     "The long-running dispute over U.S. duties on Canadian softwood lumber."),
    ("steel-aluminum", "Steel and aluminum tariffs", ("steel", "aluminum", "section 232"),
     "U.S. national-security tariffs on steel and aluminum, and the retaliation they drew."),
    ("dispute-settlement", "Dispute settlement", ("chapter 19", "ISDS"),
     "How trade and investment disputes are heard: binational panels and investor-state arbitration."),
    ("sunset-clause", "Sunset clause", ("sunset",),
     "The U.S. proposal that the agreement expire unless the three countries renew it."),
    ("labour-standards", "Labour standards", ("labour", "labor"),
     "Workers' rights, union freedom and enforcement of labour law in the three countries."),
    ("environment", "Environmental provisions", (),
     "Environmental commitments and how they are enforced."),
    ("digital-trade", "Digital trade", ("e-commerce",),
     "Data flows, online sales and the taxation of digital services."),
    ("intellectual-property", "Intellectual property", ("IP", "patents"),
     "Patents, copyright terms and data protection for biologic drugs."),
    ("procurement", "Government procurement", ("Buy American",),
     "Access to public contracts and Buy American rules."),
    ("agriculture", "Agriculture", ("farm", "farming"),
     "Farm trade beyond dairy: grain, beef, pork and produce."),
    ("energy", "Energy", ("oil", "pipelines"),
     "Oil, gas and electricity trade, and Mexico's energy reform."),
    ("investment", "Investment", ("FDI",), "Rules protecting foreign investors and their investments."),
    ("customs", "Customs and trade facilitation", ("border",),
     "Border procedures, customs paperwork and wait times."),
    ("pharmaceuticals", "Pharmaceuticals", ("pharma", "drugs"), "Drug pricing, patents and market access."),
    ("textiles", "Textiles and apparel", ("apparel",), "Yarn-forward rules and tariff preference levels."),
    ("financial-services", "Financial services", ("banking", "finance"),
     "Cross-border banking, insurance and payment services."),
    ("telecommunications", "Telecommunications", ("telecom",), "Telecom market access and ownership limits."),
    ("cultural-exemption", "Cultural exemption", ("culture",),
     "Canada's exemption of its cultural industries from the agreement."),
    ("currency", "Currency manipulation", (), "Commitments against competitive devaluation."),
    ("seasonal-produce", "Seasonal produce", ("produce",),
     "U.S. growers' push for relief against Mexican fruit and vegetable imports."),
    ("de-minimis", "De minimis thresholds", ("de minimis",),
     "The value below which parcels cross the border duty-free."),
    ("temporary-entry", "Temporary entry of business persons", ("temporary entry", "visas"),
     "Work permits for professionals under the agreement."),
    ("state-owned-enterprises", "State-owned enterprises", ("SOE", "SOEs"),
     "Rules on subsidies and preferences for state-owned companies."),
    ("small-business", "Small and medium-sized businesses", ("SME", "SMEs"),
     "Making the agreement usable by small exporters."),
    ("indigenous-rights", "Indigenous peoples' rights", ("indigenous",),
     "Provisions on Indigenous peoples and their rights."),
    ("gender", "Gender and trade", (), "Commitments on gender equality in trade."),
    ("anti-corruption", "Anti-corruption", ("corruption",), "Commitments against bribery of officials."),
    ("auto-wages", "Wages in the auto sector", ("auto wages",),
     "The proposal that part of a car's content be made by workers paid at least 16 dollars an hour."),
    ("trade-remedies", "Trade remedies", ("anti-dumping", "countervailing duties"),
     "Anti-dumping and countervailing duties, and appeals against them."),
    ("sanitary-measures", "Sanitary and phytosanitary measures", ("SPS",),
     "Food safety and plant and animal health rules at the border."),
    ("trucking", "Trucking and transport", ("transport",), "Cross-border trucking and cabotage."),
    ("mexican-elections", "Mexican elections", (),
     "How Mexico's 2018 elections bore on the timing of the talks."),
    ("ratification", "Ratification", ("Congress vote",),
     "Approval of the new agreement by Congress, Parliament and the Mexican Senate."),
    ("tpp", "Trans-Pacific Partnership", ("TPP", "CPTPP"), "The Pacific trade pact the United States left."),
    ("ceta", "Canada–EU trade agreement", ("CETA",), "Canada's comprehensive trade agreement with the EU."),
)
PROPER_WORDS = {"Mexican", "Indigenous"}  # first words of topic names that keep their capital inside a sentence

ANGLO_FIRST = ("James", "Mary", "Robert", "Patricia", "Michael", "Jennifer", "William", "Linda", "David",
               "Elizabeth", "Richard", "Barbara", "Joseph", "Susan", "Thomas", "Jessica", "Charles", "Sarah",
               "Christopher", "Karen", "Daniel", "Nancy", "Matthew", "Lisa", "Anthony", "Margaret", "Mark",
               "Sandra", "Steven", "Ashley", "Paul", "Emily", "Andrew", "Donna", "Kevin", "Michelle", "Brian",
               "Carol", "George", "Amanda", "Ryan", "Melissa", "Gary", "Deborah", "Eric", "Stephanie",
               "Jonathan", "Rebecca", "Scott", "Laura", "Brandon", "Helen", "Gregory", "Chrystia", "Wilbur")
ANGLO_LAST = ("Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson",
              "Taylor", "Thomas", "Moore", "Martin", "Jackson", "Thompson", "White", "Harris", "Clark", "Lewis",
              "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Hill", "Green", "Adams",
              "Baker", "Nelson", "Carter", "Mitchell", "Roberts", "Turner", "Phillips", "Campbell", "Parker",
              "Evans", "Edwards", "Collins", "Stewart", "Morris", "Murphy", "Cook", "Rogers", "Morgan",
              "Cooper", "Peterson", "Reed", "Bailey", "Bell", "Kelly", "Howard", "Ward", "Cox", "Richardson",
              "Wood", "Watson", "Brooks", "Bennett", "Gray", "Hughes", "Price", "Sanders", "Myers", "Long",
              "Ross", "Foster", "Lighthizer", "MacDonald", "O'Brien", "McKenna", "Freeland")
FRENCH_FIRST = ("Jean", "Marie", "Pierre", "Isabelle", "François", "Sylvie", "Luc", "Geneviève", "André",
                "Nathalie", "Mélanie", "Stéphane", "Hélène", "Jacques", "Chantal", "Benoît", "Josée", "Rémi")
FRENCH_LAST = ("Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie", "Fortin",
               "Gagné", "Ouellet", "Pelletier", "Bélanger", "Lévesque", "Bergeron", "Leblanc", "Paquette",
               "Girard", "Simard", "Boucher", "Caron", "Beaulieu", "Cloutier", "Dubé", "Poirier", "Lefebvre")
HISPANIC_FIRST = ("José", "María", "Juan", "Guadalupe", "Luis", "Sofía", "Carlos", "Ana", "Jesús", "Verónica",
                  "Miguel", "Alejandra", "Francisco", "Gabriela", "Ildefonso", "Mónica", "Raúl", "Adriana",
                  "Ricardo", "Patricia", "Fernando", "Lucía", "Andrés", "Claudia", "Héctor", "Daniela",
                  "Javier", "Ximena", "Ángel", "Paola", "Enrique", "Marcela", "Rodrigo", "Leticia", "Moisés")
HISPANIC_LAST = ("Hernández", "García", "Martínez", "López", "González", "Rodríguez", "Pérez", "Sánchez",
                 "Ramírez", "Cruz", "Flores", "Gómez", "Morales", "Vázquez", "Reyes", "Jiménez", "Torres",
                 "Díaz", "Gutiérrez", "Ruiz", "Mendoza", "Aguilar", "Ortiz", "Moreno", "Castillo", "Romero",
                 "Álvarez", "Méndez", "Chávez", "Rivera", "Juárez", "Ramos", "Domínguez", "Herrera", "Medina",
                 "Castro", "Vargas", "Guzmán", "Velázquez", "Rojas", "Guajardo", "Videgaray", "Seade", "Núñez")
# (first names, surnames, countries, share of people)
NAME_POOLS = ((ANGLO_FIRST, ANGLO_LAST, ("US", "US", "US", "CA", "CA", "GB"), 0.55),
              (FRENCH_FIRST, FRENCH_LAST, ("CA",), 0.12),
              (HISPANIC_FIRST, HISPANIC_LAST, ("MX", "MX", "MX", "US"), 0.33))

FIXED_ORGANIZATIONS: tuple[tuple[str, str, tuple[str, ...], str, str], ...] = (  # id, name, aliases, country, about
    ("unifor", "Unifor", (), "CA", "Canada's largest private-sector union."),
    ("office-of-the-us-trade-representative", "Office of the U.S. Trade Representative", ("USTR",), "US",
     "The U.S. trade office that leads trade negotiations."),
    ("us-department-of-commerce", "U.S. Department of Commerce", ("Commerce Department",), "US",
     "U.S. federal department responsible for trade and industry."),
    ("global-affairs-canada", "Global Affairs Canada", ("GAC",), "CA",
     "Canada's foreign affairs and trade department."),
    ("secretaria-de-economia", "Secretaría de Economía", ("Economía",), "MX", "Mexico's economy ministry."),
    ("afl-cio", "AFL-CIO", (), "US", "The largest federation of unions in the United States."),
    ("canada-trade-delegation", "Canadian trade delegation", (), "CA", "Canada's team of trade negotiators."),
    ("us-trade-delegation", "U.S. trade delegation", (), "US", "The United States' team of trade negotiators."),
    ("mexico-trade-delegation", "Mexican trade delegation", (), "MX", "Mexico's team of trade negotiators."),
    ("business-council-of-canada", "Business Council of Canada", (), "CA",
     "Association of the chief executives of Canada's largest companies."),
)
PLACES = (("Ontario", "CA"), ("Québec", "CA"), ("Alberta", "CA"), ("British Columbia", "CA"),
          ("Manitoba", "CA"), ("Saskatchewan", "CA"), ("Nova Scotia", "CA"), ("Canadian", "CA"),
          ("Windsor", "CA"), ("Michigan", "US"), ("Ohio", "US"), ("Texas", "US"), ("California", "US"),
          ("Indiana", "US"), ("Wisconsin", "US"), ("Iowa", "US"), ("Kentucky", "US"), ("Tennessee", "US"),
          ("Pennsylvania", "US"), ("Illinois", "US"), ("American", "US"), ("Midwest", "US"),
          ("Mexican", "MX"), ("Nuevo León", "MX"), ("Jalisco", "MX"), ("Coahuila", "MX"),
          ("Guanajuato", "MX"), ("Puebla", "MX"), ("Michoacán", "MX"), ("Chihuahua", "MX"))
SECTORS = ("Auto Parts", "Steel", "Dairy", "Lumber", "Beef", "Pork", "Grain", "Aluminum", "Energy", "Textile",
           "Trucking", "Rail", "Aerospace", "Chemical", "Pharmaceutical", "Wine", "Software", "Retail",
           "Seafood", "Potato", "Sugar", "Egg", "Poultry", "Tomato", "Avocado", "Cement", "Glass", "Tire",
           "Machinery", "Electronics")
ORG_KINDS = ("Association", "Council", "Alliance", "Coalition", "Institute", "Federation", "Workers Union",
             "Manufacturers Association", "Producers", "Chamber of Commerce", "Board", "Growers")
TITLES = ("President", "Vice-President", "Chief Negotiator", "Director of Government Relations",
          "Policy Analyst", "Senior Economist", "Trade Counsel", "Chief of Staff", "Deputy Minister",
          "Legislative Director", "Spokesperson", "Research Director", "Executive Director", "Chair",
          "General Counsel", "Senior Adviser", "Lobbyist", "Secretary-Treasurer")
LOCATIONS = ("Washington, D.C.", "Ottawa", "Mexico City", "Toronto", "Montreal", "Windsor, Ont.", "Detroit",
             "Chicago", "Monterrey", "Guadalajara", "Beijing", "Brussels", "Geneva", "New York", "Houston",
             "Calgary", "Vancouver", "Québec City", "Puebla", "Lansing, Mich.", "By phone", "Video call",
             "USTR, Winder Building, Washington, D.C.", "Global Affairs Canada, Ottawa",
             "Secretaría de Economía, Mexico City", "Chateau Laurier, Ottawa", "The White House, Washington, D.C.")
TIMEZONES = ("America/New_York", "America/New_York", "America/Toronto", "America/Mexico_City", "America/Chicago")
PUBLISHERS = ("CBC News", "The Globe and Mail", "Reuters", "Politico", "El Financiero", "Toronto Star",
              "Inside U.S. Trade", "The Canadian Press", "Bloomberg", "La Jornada", "Automotive News")
GROUP_SUBJECTS = ("Both sides", "The participants", "Officials", "The delegations", "Negotiators")
VERBS = ("discussed", "raised concerns about", "pressed for changes to", "reviewed", "outlined a position on",
         "agreed to revisit", "compared notes on", "set out proposals on", "disagreed over",
         "sought common ground on", "questioned", "defended")
ADJECTIVES = ("regional", "proposed", "current", "draft", "American", "Canadian", "Mexican", "technical",
              "contested", "long-standing", "new", "stricter", "looser", "interim")
NOUNS = ("content thresholds", "tariff schedules", "dispute panels", "enforcement mechanisms", "wage floors",
         "supply chains", "phase-in periods", "exemptions", "quotas", "reporting rules", "market access",
         "investment protections", "review clauses", "side letters", "certification rules")
TAILS = ("ahead of the next round", "before the deadline", "according to people briefed on the meeting",
         "without reaching agreement", "and planned a follow-up call", "in a closed-door session",
         "as talks entered a difficult phase", "at the request of industry groups", "for more than an hour")

FIRST_DAY = dt.date(2012, 1, 1)
LAST_DAY = dt.date(2024, 12, 31)
INLINE_ARRAY_WIDTH = 88  # nafta-log writes an array on one line when it fits in this many characters

# --- records -----------------------------------------------------------------------------------------------

Value = int | str | dt.date | dt.time | Sequence[str]
Pairs = list[tuple[str, Value | None]]
T = TypeVar("T")


class Stakeholder(NamedTuple):
    """What meetings need to know of a stakeholder: its id and the short name used in titles."""

    id: str
    short: str


class Organization(NamedTuple):
    """An organization's record."""

    id: str
    name: str
    aliases: tuple[str, ...]
    country: str
    description: str


class Role(NamedTuple):
    """A [[roles]] table of a person."""

    title: str
    organization: str
    since: dt.date | str | None
    until: dt.date | str | None

    def pairs(self) -> Pairs:
        """The role's keys in file order."""
        return [("title", self.title), ("organization", self.organization), ("since", self.since),
                ("until", self.until)]


def slugify(text: str, max_length: int = 48) -> str:
    """A lower-case ASCII slug of `text`, made the way nafta-log makes ids from names."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:max_length].rstrip("-")


def toml_value(value: Value) -> str:
    """One value as TOML, as nafta-log writes it (generated text holds no control characters)."""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return "[" + ", ".join(toml_value(v) for v in value) + "]"


def toml_line(key: str, value: Value) -> str:
    """`key = value`; an array too wide for one line is written one item a line, as nafta-log does."""
    text = toml_value(value)
    if isinstance(value, (list, tuple)) and len(text) > INLINE_ARRAY_WIDTH:
        text = "[\n" + "".join(f"    {toml_value(v)},\n" for v in value) + "]"
    return f"{key} = {text}"


def toml_table(pairs: Pairs) -> list[str]:
    """The lines of a table, leaving out keys whose value is None or empty."""
    return [toml_line(k, v) for k, v in pairs if v is not None and v != ()]


def record_text(pairs: Pairs, array_name: str = "", items: Sequence[Pairs] = ()) -> str:
    """A whole record file: its keys, then each item as a [[array_name]] table after a blank line."""
    lines = toml_table(pairs)
    for item in items:
        lines += ["", f"[[{array_name}]]", *toml_table(item)]
    return "\n".join(lines) + "\n"


def partial_date(rng: random.Random, year: int) -> dt.date | str:
    """A date in `year` known to the day (half the time), to the month, or only to the year."""
    r = rng.random()
    if r < 0.5:
        return dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
    if r < 0.8:
        return f"{year:04d}-{rng.randint(1, 12):02d}"
    return f"{year:04d}"


def phrase(topic_name: str) -> str:
    """A topic name as it reads inside a sentence: "Rules of origin" -> "rules of origin", "NAFTA ..." kept."""
    first = topic_name.split()[0]
    if first in PROPER_WORDS or any(c.isupper() for c in first[1:]):
        return topic_name
    return topic_name[0].lower() + topic_name[1:]


# --- the log -----------------------------------------------------------------------------------------------

class Writer:
    """Writes new record files under the log root, making each folder once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.folders: set[str] = set()

    def write(self, relative: str, text: str) -> None:
        """Write `text` as UTF-8 to the new file at `relative`, a path under the root; never overwrite."""
        folder, _, _ = relative.rpartition("/")
        if folder not in self.folders:
            (self.root / folder).mkdir(parents=True, exist_ok=True)
            self.folders.add(folder)
        # os.open and os.write take a fifth of the time of open() with its text layer, per file.
        fd = os.open(self.root / relative, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            os.write(fd, text.encode())
        finally:
            os.close(fd)


def write_header(out: Writer, meetings: int, seed: int) -> None:
    """Write nafta-log.toml and .gitignore."""
    name = f"Synthetic log: {meetings:,} meetings (seed {seed})"
    out.write("nafta-log.toml", record_text([("schema_version", 1), ("name", name)]))
    out.write(".gitignore", ".nafta-log/\n")


def write_topics(out: Writer) -> list[tuple[str, str]]:
    """Write topics.toml (topics in id order, as nafta-log writes it) and return (id, name) of each topic."""
    blocks = ["\n".join([f"[topics.{tid}]", *toml_table([("name", name), ("aliases", aliases),
                                                          ("description", description)])])
              for tid, name, aliases, description in sorted(TOPICS)]
    out.write("topics.toml", "\n\n".join(blocks) + "\n")
    return [(tid, name) for tid, name, _, _ in TOPICS]


STAKEHOLDERS = 400  # the people and organizations a desk follows: a bounded population, at every log size
DIAS_MEETINGS = 24  # the benchmarks' `--person Dias` answer is the same size at 1,000 and 100,000 meetings


def stakeholder_count(meetings: int) -> int:
    """A fixed population of stakeholders: meetings accumulate over the years, the people met do not grow with them.

    This is what makes "a log of 100,000 meetings answers as fast as a log of 100" a fair comparison: `people`
    lists the same number of rows at every size.
    """
    return STAKEHOLDERS


def make_organizations(rng: random.Random, count: int, taken: set[str]) -> list[Organization]:
    """`count` organizations: the fixed ones, then generated "<place> <sector> <kind>" ones."""
    orgs = [Organization(*fixed) for fixed in FIXED_ORGANIZATIONS[:count]]
    combos = list(itertools.product(PLACES, SECTORS, ORG_KINDS))
    rng.shuffle(combos)
    for (place, country), sector, kind in combos[: max(0, count - len(orgs))]:
        name = f"{place} {sector} {kind}"
        acronym = "".join(w[0] for w in name.split())
        aliases = (acronym,) if rng.random() < 0.4 and acronym.lower() != "dias" else ()
        orgs.append(Organization(slugify(name), name, aliases, country,
                                 f"Speaks for the {sector.lower()} sector in trade policy."))
    taken.update(o.id for o in orgs)
    return orgs


def person_name(rng: random.Random, taken: set[str]) -> tuple[str, str, str]:
    """A new person's (id, name, country); a middle initial keeps names and ids unique."""
    firsts, lasts, countries, _ = rng.choices(NAME_POOLS, weights=[p[3] for p in NAME_POOLS])[0]
    first, last = rng.choice(firsts), rng.choice(lasts)
    name = f"{first} {last}"
    while slugify(name) in taken:
        name = f"{first} {rng.choice('ABCDEFGHJKLMNPRSTVW')}. {last}"
    taken.add(slugify(name))
    return slugify(name), name, rng.choice(countries)


def make_roles(rng: random.Random, org_ids: Sequence[str]) -> list[Role]:
    """One to three consecutive roles, the last usually still open, dated as precisely as "known"."""
    year = rng.randint(1990, 2010)
    count = rng.choices((1, 2, 3), weights=(50, 35, 15))[0]
    roles = []
    for i in range(count):
        since = partial_date(rng, year) if i or rng.random() < 0.9 else None
        year += rng.randint(1, 4)  # so a role always ends in a later year than it starts
        until = None if i == count - 1 and rng.random() < 0.85 else partial_date(rng, year)
        roles.append(Role(rng.choice(TITLES), rng.choice(org_ids), since, until))
    return roles


def write_stakeholders(rng: random.Random, out: Writer, count: int) -> list[Stakeholder]:
    """Write `count` stakeholder files (a fifth of them organizations); return them, Jerry Dias first."""
    taken = {"jerry-dias"}
    orgs = make_organizations(rng, max(len(FIXED_ORGANIZATIONS), count // 5), taken)
    org_names = {o.id: o.name for o in orgs}
    dias = Role("National President", "unifor", dt.date(2013, 8, 31), None)
    out.write("stakeholders/jerry-dias.toml", record_text(
        [("kind", "person"), ("name", "Jerry Dias"), ("aliases", ["Dias"]), ("country", "CA"),
         ("description", "President of Unifor and a frequent voice on autos in the trade talks.")],
        "roles", [dias.pairs()]))
    people = [Stakeholder("jerry-dias", "Dias")]
    for _ in range(count - len(orgs) - 1):
        sid, name, country = person_name(rng, taken)
        surname = name.split()[-1]
        roles = make_roles(rng, list(org_names))
        out.write(f"stakeholders/{sid}.toml", record_text(
            [("kind", "person"), ("name", name), ("aliases", [surname]), ("country", country),
             ("description", f"{'Formerly ' if roles[-1].until else ''}{roles[-1].title}, "
                             f"{org_names[roles[-1].organization]}.")],
            "roles", [r.pairs() for r in roles]))
        people.append(Stakeholder(sid, surname))
    for o in orgs:
        out.write(f"stakeholders/{o.id}.toml", record_text(
            [("kind", "organization"), ("name", o.name), ("aliases", o.aliases), ("country", o.country),
             ("description", o.description)]))
    return people + [Stakeholder(o.id, o.aliases[0] if o.aliases else o.name) for o in orgs]


# --- meetings ----------------------------------------------------------------------------------------------

def zipf_weights(n: int, exponent: float) -> list[float]:
    """Cumulative weights 1/rank**exponent for ranks 1..n (the first item is the most likely)."""
    return list(itertools.accumulate(1 / k ** exponent for k in range(1, n + 1)))


class MeetingMaker:
    """Draws meetings: Zipf-like participants (the first stakeholder most active), topics, dates, text."""

    def __init__(self, rng: random.Random, stakeholders: list[Stakeholder], topics: list[tuple[str, str]]) -> None:
        self.rng = rng
        self.dias = stakeholders[0]  # takes part in exactly DIAS_MEETINGS meetings, at every log size
        self.people = rng.sample(stakeholders[1:], len(stakeholders) - 1)
        self.people_weights = zipf_weights(len(self.people), 1.0)
        self.topics = rng.sample(topics, len(topics))
        self.topic_weights = zipf_weights(len(self.topics), 0.8)
        self.ids: set[str] = set()

    def pick(self, items: Sequence[T]) -> T:
        """One item, uniformly (a third of the cost of random.choice, which matters at 100,000 meetings)."""
        return items[int(self.rng.random() * len(items))]

    def draw(self, cum_weights: list[float], k: int) -> list[int]:
        """`k` distinct ranks (list indexes) drawn with the given cumulative weights, in the order drawn."""
        chosen: dict[int, None] = {}
        ranks = range(len(cum_weights))
        while len(chosen) < k:
            chosen.update(dict.fromkeys(self.rng.choices(ranks, cum_weights=cum_weights, k=k - len(chosen))))
        return list(chosen)

    def date(self) -> tuple[dt.date, str | dt.date]:
        """The true day, and the date as recorded: 5% only the year, 10% only the month, else the day."""
        day = FIRST_DAY + dt.timedelta(days=int(self.rng.random() * ((LAST_DAY - FIRST_DAY).days + 1)))
        r = self.rng.random()
        if r < 0.05:
            return day, f"{day.year:04d}"
        if r < 0.15:
            return day, f"{day.year:04d}-{day.month:02d}"
        return day, day

    def meeting_id(self, date_text: str, who: list[Stakeholder]) -> str:
        """A unique `<date>-<slug>-<4 hex>` id, the slug from the first three participants' names."""
        slug = slugify(" ".join(s.short for s in who[:3]), max_length=32)
        while True:
            mid = f"{date_text}-{slug}-{self.rng.getrandbits(16):04x}"
            if mid not in self.ids:
                self.ids.add(mid)
                return mid

    def title(self, who: list[Stakeholder], topic: str) -> str:
        """A headline-like title naming the first participants and the first topic."""
        a, b = who[0].short, who[1].short
        r = self.rng.random()
        if len(who) == 2:
            return (f"{a} and {b} discuss {topic}" if r < 0.5 else f"{a} meets {b} on {topic}" if r < 0.8
                    else f"Call between {a} and {b} on {topic}")
        return (f"{a}, {b} and {len(who) - 2} others on {topic}" if r < 0.4 else f"Round table on {topic}"
                if r < 0.7 else f"Working session on {topic} with {a}")

    def sentence(self, who: list[Stakeholder], topics: list[str]) -> str:
        """One sentence of a summary: who did what about which topic or detail, and in what circumstances."""
        r = self.rng.random()
        subject = (who[0].short if r < 0.35 else f"{who[0].short} and {who[1].short}" if r < 0.6
                   else self.pick(GROUP_SUBJECTS))
        detail = (f"the {self.pick(topics)} file" if self.rng.random() < 0.4
                  else f"{self.pick(ADJECTIVES)} {self.pick(NOUNS)}")
        return f"{subject} {self.pick(VERBS)} {detail} {self.pick(TAILS)}."

    def summary(self, who: list[Stakeholder], topics: list[str]) -> str:
        """Three to five sentences, a few hundred characters, about the participants and topics."""
        return " ".join(self.sentence(who, topics) for _ in range(3 + int(self.rng.random() * 3)))

    def source(self, day: dt.date, recorded: str | dt.date, who: list[Stakeholder], topic: str) -> Pairs:
        """One [[sources]] table: a news item published on or soon after the meeting, as precise as its date."""
        publisher = self.pick(PUBLISHERS)
        title = self.pick((f"{who[0].short} to talk {topic} with {who[1].short}", f"Talks on {topic} resume",
                           f"{who[0].short} presses the case on {topic}"))
        published: str | dt.date = recorded
        if isinstance(recorded, dt.date):
            published = day + dt.timedelta(days=self.pick((0, 0, 1, 1, 2, 3)))
        url = "" if self.rng.random() < 0.2 else f"https://{slugify(publisher)}.example/{day.year}/{slugify(title, 80)}"
        return [("publisher", publisher), ("title", title), ("published", published), ("url", url)]

    def when(self, recorded: str | dt.date) -> Pairs:
        """The date keys: a few meetings known to the day last several days, a few have a time and timezone."""
        if not isinstance(recorded, dt.date):
            return [("date", recorded)]
        end = recorded + dt.timedelta(days=1 + int(self.rng.random() * 4)) if self.rng.random() < 0.03 else None
        timed = self.rng.random() < 0.08
        return [("date", recorded), ("end", end),
                ("time", dt.time(8 + int(self.rng.random() * 10), self.pick((0, 30))) if timed else None),
                ("timezone", self.pick(TIMEZONES) if timed else None)]

    def meeting(self, with_dias: bool = False) -> tuple[str, str]:
        """One meeting: its path relative to the log root and its file text (Jerry Dias among them if asked)."""
        rng = self.rng
        who = [self.people[i] for i in self.draw(self.people_weights, 2 + int(rng.random() * 5))]
        if with_dias:
            who[int(rng.random() * len(who))] = self.dias
        topics = [self.topics[i] for i in self.draw(self.topic_weights, self.pick((1, 1, 1, 2, 2, 2, 3, 3)))]
        phrases = [phrase(name) for _, name in topics]
        day, recorded = self.date()
        mid = self.meeting_id(recorded if isinstance(recorded, str) else recorded.isoformat(), who)
        r = rng.random()
        status = "held" if r < 0.85 else "scheduled" if r < 0.95 else "cancelled"
        text = record_text(
            [("title", self.title(who, phrases[0])), *self.when(recorded), ("status", status),
             ("participants", [s.id for s in who]), ("topics", [tid for tid, _ in topics]),
             ("location", self.pick(LOCATIONS) if rng.random() < 0.85 else None),
             ("summary", self.summary(who, phrases))],
            "sources", [self.source(day, recorded, who, phrases[0])])
        return f"meetings/{day.year:04d}/{mid}.toml", text


# --- command line ------------------------------------------------------------------------------------------

def generate(root: Path, meetings: int, seed: int) -> tuple[int, int]:
    """Write the whole log under `root`; return the number of stakeholders and topics written."""
    rng = random.Random(seed)
    out = Writer(root)
    write_header(out, meetings, seed)
    topics = write_topics(out)
    stakeholders = write_stakeholders(rng, out, stakeholder_count(meetings))
    maker = MeetingMaker(rng, stakeholders, topics)
    for i in range(meetings):
        out.write(*maker.meeting(with_dias=i < DIAS_MEETINGS))
    return len(stakeholders), len(topics)


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command-line arguments."""
    parser = argparse.ArgumentParser(
        description="Write a synthetic nafta-log log of N meetings (deterministic for a given seed).",
        epilog="example: .venv/bin/python benchmarks/gen_log.py /tmp/log-10k --meetings 10000")
    parser.add_argument("dir", metavar="DIR", type=Path, help="the folder to create (must be absent or empty)")
    parser.add_argument("--meetings", "-n", metavar="N", type=int, required=True, help="how many meetings")
    parser.add_argument("--seed", metavar="S", type=int, default=1, help="random seed (default: 1)")
    args = parser.parse_args(argv)
    if args.meetings < 0:
        parser.error("--meetings must be 0 or more")
    if args.dir.exists() and (not args.dir.is_dir() or any(args.dir.iterdir())):
        parser.error(f"{args.dir} exists and is not an empty folder")
    return args


def main(argv: list[str] | None = None) -> None:
    """Generate the log named on the command line and say how long it took."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    start = time.perf_counter()
    stakeholders, topics = generate(args.dir, args.meetings, args.seed)
    print(f"wrote {args.meetings:,} meetings, {stakeholders:,} stakeholders and {topics} topics "
          f"to {args.dir} in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
