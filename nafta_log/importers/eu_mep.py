"""Preset eu-mep: EU Integrity Watch's `mepmeetings.csv`, meetings declared by Members of the European Parliament.

A row is one meeting declared by one member, so a meeting here is per member: the counts per member per
year are the file's. Rows that repeat another row in every column but the unnamed index are exact duplicates
and are dropped (the summary says how many). A meeting's identity is a fingerprint of its columns, not the
index, because the index shifts between versions of the file; importing a newer version adds only new rows.
The `lobbyists` cell is split on ';' only: commas also occur inside one party's name ('ETUC, Isabelle
Schömann, ETUC Confederal Secretary'), so there is no safe split on them.
"""

from __future__ import annotations

import ast
import hashlib
import re
from pathlib import Path

from nafta_log.importers import csvfile
from nafta_log.importers.core import Incoming, Note, Parsed, Party, suspicious_years
from nafta_log.importers.normalize import clean, repair
from nafta_log.model import PartialDate, Source

NAME = "eu-mep"
COLUMNS = ("committees", "country", "date", "dossier", "epid", "group", "lobbyists", "location", "mep", "role",
           "title")
COUNTRIES = {"Austria": "AT", "Belgium": "BE", "Bulgaria": "BG", "Croatia": "HR", "Cyprus": "CY", "Czechia": "CZ",
             "Denmark": "DK", "Estonia": "EE", "Finland": "FI", "France": "FR", "Germany": "DE", "Greece": "GR",
             "Hungary": "HU", "Ireland": "IE", "Italy": "IT", "Latvia": "LV", "Lithuania": "LT", "Luxembourg": "LU",
             "Malta": "MT", "Netherlands": "NL", "Poland": "PL", "Portugal": "PT", "Romania": "RO", "Slovakia": "SK",
             "Slovenia": "SI", "Spain": "ES", "Sweden": "SE", "United Kingdom": "GB"}
PARLIAMENT = "European Parliament"
_DATE = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$")
_REGISTER_ID = re.compile(r"\s*(?:\b(?:EU )?(?:TR|Register|ID)(?: ID)?:?\s*)?[(\[]?\b(\d{9,12}-\d{2})\b[)\]]?\s*")
_PARTICLES = {"de", "del", "della", "der", "den", "di", "du", "la", "le", "van", "von", "ter", "zu", "y"}


def member_name(raw: str) -> str:
    """'Niklas NIENASS' -> 'Niklas Nienass'; 'Ibán GARCÍA DEL BLANCO' -> 'Ibán García del Blanco'."""
    out: list[str] = []
    surname = False
    for word in clean(raw).split():
        letters = [c for c in word if c.isalpha()]
        if len(letters) > 1 and all(c.isupper() for c in letters):
            if surname and word.lower() in _PARTICLES:
                word = word.lower()
            else:
                word = "-".join(part.capitalize() for part in word.split("-"))
            surname = True
        elif re.match(r"^(Mc|Mac)[A-Z]{2,}$", word):
            word = word[:2] + word[2:].capitalize() if word.startswith("Mc") else word[:3] + word[3:].capitalize()
            surname = True
        out.append(word)
    return " ".join(out)


def lobbyist_parties(cell: str) -> tuple[Party, ...]:
    """The organizations a `lobbyists` cell names, split on ';'; a transparency-register id goes to the description."""
    parties: dict[str, Party] = {}
    for item in cell.split(";"):
        text = clean(item).strip(" ,")
        ids = _REGISTER_ID.findall(text)
        name = clean(_REGISTER_ID.sub(" ", text)).strip(" ,-") if ids else text
        if not name:
            continue
        description = f"EU Transparency Register: {', '.join(ids)}" if ids else None
        parties.setdefault(name.casefold(), Party(name, "organization", description=description))
    return tuple(parties.values())


def parse(path: Path, **_: object) -> Parsed:
    """Read the file: one meeting per row, exact duplicates dropped."""
    text = csvfile.read_text(path).text
    header, rows = csvfile.with_header(text, path)
    csvfile.require(header, COLUMNS, path, NAME)
    index = header[0] if header and header[0] not in COLUMNS else None
    meetings: list[Incoming] = []
    skipped: list[Note] = []
    repaired: list[Note] = []
    merged: list[Note] = []
    seen: dict[str, int] = {}
    count = 0
    for line, row in rows:
        count += 1
        content = [row[c] for c in COLUMNS]
        if not any(v.strip() for v in row.values()):
            skipped.append(Note(line, "empty row"))
            continue
        fingerprint = hashlib.sha1("\x1f".join(content).encode()).hexdigest()[:16]
        if fingerprint in seen:
            merged.append(Note(line, "exact duplicate of an earlier row (every column but the index): dropped"))
            continue
        seen[fingerprint] = line
        if repair("\t".join(content))[1]:
            repaired.append(Note(line, "mis-decoded characters repaired"))
        if "\ufffd" in "".join(content):
            repaired.append(Note(line, "a character was lost before publication (U+FFFD); kept as is"))
        m = _DATE.match(row["date"].strip())
        if not m:
            skipped.append(Note(line, f"date {row['date'].strip()!r} is not DD-MM-YYYY"))
            continue
        try:
            date = PartialDate(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        except ValueError as exc:
            skipped.append(Note(line, f"date {row['date'].strip()!r}: {exc}"))
            continue
        raw_name = clean(row["mep"])
        if not raw_name:
            skipped.append(Note(line, "no member named"))
            continue
        group = clean(row["group"])
        name = member_name(raw_name)
        member = Party(name, "person", aliases=(raw_name,) if raw_name != name else (),
                       roles=(("Member of the European Parliament", PARLIAMENT),
                              *((("Member", f"{group} (political group)"),) if group else ())),
                       country=COUNTRIES.get(clean(row["country"])))
        lobbyists = lobbyist_parties(row["lobbyists"])
        title = clean(row["title"])
        if title.casefold() == clean(row["lobbyists"]).casefold():
            title = ""  # the subject repeats whom the meeting was with: no subject was given
        meetings.append(Incoming(line=line, date=date, title=title, parties=(member, *lobbyists),
                                 source=_source(path, row, index, fingerprint), summary=_summary(row),
                                 location=clean(row["location"]) or None))
    return Parsed(meetings, count, skipped, suspicious_years(meetings), repaired, merged)


def _source(path: Path, row: dict[str, str], index: str | None, fingerprint: str) -> Source:
    """The source of a row: file, index, fingerprint (its identity) and the member's EP id."""
    number = row[index].strip() if index is not None else ""
    extra: dict[str, object] = {"file": path.name, "row": int(number) if number.isdigit() else number,
                                "fingerprint": fingerprint}
    if row["epid"].strip():
        extra["member_id"] = row["epid"].strip()
    return Source(publisher="European Parliament, via EU Integrity Watch",
                  title="Meetings declared by Members of the European Parliament", extra=extra)


def _summary(row: dict[str, str]) -> str | None:
    """The member's part, the dossier and the committees, as one line each."""
    lines = []
    if clean(row["role"]):
        lines.append(f"Declared as: {clean(row['role'])}")
    if clean(row["dossier"]):
        lines.append(f"Dossier: {clean(row['dossier'])}")
    try:
        committees = ast.literal_eval(row["committees"].strip() or "[]")
    except (ValueError, SyntaxError, RecursionError, MemoryError):
        committees = [row["committees"].strip()]
    if isinstance(committees, (list, tuple)) and committees:
        lines.append("Committees: " + ", ".join(str(c) for c in committees))
    return "\n".join(lines) or None
