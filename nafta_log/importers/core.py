"""The import engine: meetings read from a registry -> new records planned against the log -> one batch write.

A preset (uk_ministers, uk_quarterly, eu_mep, mapped) turns a file into `Incoming` meetings, each naming its
parties by cleaned name, plus the rows it skipped and the values it found suspicious. `plan` matches those
parties to the log's stakeholders (by name or alias, ignoring case and accents; never by surname alone),
decides ids, and leaves out every meeting whose source (file and row) is already in the log, so importing
the same file twice adds nothing. `apply` writes the plan in one locked batch.
"""

from __future__ import annotations

import functools
import hashlib
import statistics
from collections import defaultdict
from pathlib import Path
from typing import Callable, Iterable, Iterator, NamedTuple

from nafta_log import records, store, tomltext
from nafta_log.actions import MAX_TEXT, MAX_TITLE, id_words, merge_roles
from nafta_log.ids import is_valid_id, meeting_id, slugify
from nafta_log.model import Log, Meeting, PartialDate, Role, Source, Stakeholder
from nafta_log.names import fold

Progress = Callable[[str, int, int], None]
"""Told (step, done, total) as meetings are matched, files prepared and written."""


class Party(NamedTuple):
    """A participant as the source names it: cleaned name, kind, other spellings, roles as (title, organization)."""

    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    roles: tuple[tuple[str, str | None], ...] = ()
    country: str | None = None
    description: str | None = None


class Incoming(NamedTuple):
    """One meeting read from the source, before it is matched to the log."""

    line: int
    date: PartialDate
    title: str
    parties: tuple[Party, ...]
    source: Source
    summary: str | None = None
    location: str | None = None


class Note(NamedTuple):
    """Something the summary reports about some lines of the file: a skipped row, a suspicious or repaired value."""

    line: int
    message: str


class Parsed(NamedTuple):
    """What a preset read from a file."""

    meetings: list[Incoming]
    rows: int
    skipped: list[Note]
    suspicious: list[Note]
    repaired: list[Note]
    merged: list[Note]


def source_key(source: Source) -> str | None:
    """The identity of an imported meeting: its source file and row (or a content fingerprint when rows shift)."""
    extra = source.extra
    if "fingerprint" in extra:
        return f"fingerprint:{extra['fingerprint']}"
    if "file" in extra and "row" in extra:
        return f"{extra['file']}#{extra['row']}"
    return None


def suspicious_years(meetings: list[Incoming], spread: int = 10) -> list[Note]:
    """A note for every meeting whose year is more than `spread` years from the file's median year."""
    if not meetings:
        return []
    years = [m.date.year for m in meetings]
    middle = statistics.median_low(years)
    usual = [y for y in years if abs(y - middle) <= spread]
    span = f"{min(usual)}–{max(usual)}"
    return [Note(m.line, f"year {m.date.year} is far outside the other dates of the file ({span}); "
                         "kept as given: check the source")
            for m in meetings if abs(m.date.year - middle) > spread]


class Plan(NamedTuple):
    """What an import will write: new stakeholders, changed stakeholders, new meetings, and what it left out."""

    new_stakeholders: list[Stakeholder]
    changed_stakeholders: list[Stakeholder]
    meetings: list[Meeting]
    already: int


class _Stakeholders:
    """The log's stakeholders indexed by folded name and alias, growing as the plan adds new ones."""

    def __init__(self, log: Log) -> None:
        """Index the log's stakeholders by kind and folded name or alias."""
        self.records: dict[str, Stakeholder] = dict(log.stakeholders)
        self.by_name: dict[tuple[str, str], str] = {}
        self.new: dict[str, Stakeholder] = {}
        self.changed: dict[str, Stakeholder] = {}
        self.fold = functools.lru_cache(maxsize=None)(fold)
        self.known: dict[Party, str] = {}
        for s in log.stakeholders.values():
            self._index(s)

    def _index(self, s: Stakeholder) -> None:
        """Make a stakeholder findable by its name and aliases."""
        for name in (s.name, *s.aliases):
            self.by_name.setdefault((s.kind, self.fold(name)), s.id)

    def find(self, party: Party) -> str:
        """The id of the stakeholder `party` is, creating it (and its roles' organizations) when new."""
        if party not in self.known:
            self.known[party] = self._find(party)
        return self.known[party]

    def _find(self, party: Party) -> str:
        """Match `party` to a stakeholder by name or alias, adding new roles and spellings, or create it."""
        sid = None
        for name in (party.name, *party.aliases):
            sid = self.by_name.get((party.kind, self.fold(name)))
            if sid:
                break
        roles = tuple(Role(title=t, organization=o_id) for t, o_id in dict.fromkeys(
            (t, self.find(Party(o, "organization")) if o else None) for t, o in party.roles))
        if sid is None:
            if len(party.name) > MAX_TITLE:
                party = party._replace(name=party.name[: MAX_TITLE - 1].rstrip() + "…")
            sid = self._free_id(slugify(party.name))
            aliases = tuple(a for a in dict.fromkeys(party.aliases) if self.fold(a) != self.fold(party.name))
            s = Stakeholder(id=sid, kind=party.kind, name=party.name, aliases=aliases, country=party.country,
                            description=party.description, roles=merge_roles((), roles))
            self.records[sid] = self.new[sid] = s
            self._index(s)
            return sid
        s = self.records[sid]
        names = {self.fold(n) for n in (s.name, *s.aliases)}
        more_aliases = tuple(a for a in dict.fromkeys((party.name, *party.aliases)) if self.fold(a) not in names)
        merged = merge_roles(s.roles, roles)
        if merged != s.roles or more_aliases:
            s = s._replace(roles=merged, aliases=s.aliases + more_aliases)
            self.records[sid] = s
            (self.new if sid in self.new else self.changed)[sid] = s
            self._index(s)
        return sid

    def _free_id(self, base: str) -> str:
        """`base`, or `base-2`, `base-3`... when a stakeholder already has that id."""
        sid, n = base, 1
        while sid in self.records or not is_valid_id(sid):
            n += 1
            sid = f"{base[:40].rstrip('-')}-{n}"
        return sid


def _title(m: Incoming) -> tuple[str, str | None]:
    """The meeting's title (the subject, or whom it was with) and its summary (the whole subject when too long)."""
    title = m.title or "Meeting with " + ", ".join(p.name for p in m.parties[1:4] or m.parties[:1])
    if len(title) > MAX_TITLE:
        return title[: MAX_TITLE - 1].rstrip() + "…", (m.summary or m.title)[:MAX_TEXT]
    return title, m.summary[:MAX_TEXT] if m.summary else None


def plan(log: Log, parsed: Parsed, progress: Progress | None = None) -> Plan:
    """Match the parsed meetings to the log: new records, and the meetings already there (by source) left out."""
    people = _Stakeholders(log)
    seen = {k for m in log.meetings.values() for s in m.sources if (k := source_key(s))}
    taken = set(log.meetings)
    out: list[Meeting] = []
    already = 0
    total = len(parsed.meetings)
    for n, inc in enumerate(parsed.meetings, 1):
        key = source_key(inc.source)
        if key in seen:
            already += 1
            continue
        seen.add(key)
        ids = tuple(dict.fromkeys(people.find(p) for p in inc.parties))
        title, summary = _title(inc)
        words = id_words(people.records, ids) or title
        digest = hashlib.sha1((key or f"{title}{inc.date}{ids}").encode()).hexdigest()
        mid = meeting_id(str(inc.date), words, digest[:4])
        salt = 4
        while mid in taken:  # same date and names and the same 4 hex digits: draw the next ones
            mid = meeting_id(str(inc.date), words, digest[salt:salt + 4])
            salt += 4
        taken.add(mid)
        out.append(Meeting(id=mid, title=title, date=inc.date, participants=ids, location=inc.location,
                           summary=summary, sources=(inc.source,)))
        if progress and n % 500 == 0:
            progress("matching", n, total)
    if progress:
        progress("matching", total, total)
    return Plan(list(people.new.values()), list(people.changed.values()), out, already)


def apply(root: Path, p: Plan, progress: Progress | None = None) -> None:
    """Write a plan in two batches (call under the lock): new stakeholders and meetings, then changed stakeholders."""
    base = f"{root}/"
    files = [(base + store.stakeholder_relpath(s.id), tomltext.dumps(records.stakeholder_to_table(s)))
             for s in p.new_stakeholders]
    total = len(files) + len(p.meetings)
    for n, m in enumerate(p.meetings, 1):
        files.append((base + store.meeting_relpath(m), tomltext.dumps(records.meeting_to_table(m))))
        if progress and n % 500 == 0:
            progress("preparing", len(files), total)
    store.write_batch(files, progress=(lambda done, of: progress("writing", done, of)) if progress else None)
    if p.changed_stakeholders:
        store.write_batch([(base + store.stakeholder_relpath(s.id), tomltext.dumps(records.stakeholder_to_table(s)))
                           for s in p.changed_stakeholders], overwrite=True)
    if progress:
        progress("writing", total, total)


class Report(NamedTuple):
    """The end-of-import summary: what was read, created, left out, skipped, repaired and found suspicious."""

    file: str
    preset: str
    parsed: Parsed
    plan: Plan
    dry_run: bool


def lines_of(notes: Iterable[Note], limit: int = 12) -> str:
    """Line numbers as a short list with ranges: 'lines 4, 7-9, 12 and 30 more'."""
    numbers = sorted({n.line for n in notes})
    spans: list[str] = []
    start = prev = None
    for x in numbers:
        if prev is not None and x == prev + 1:
            prev = x
            continue
        if start is not None:
            spans.append(f"{start}" if start == prev else f"{start}-{prev}")
        start = prev = x
    if start is not None:
        spans.append(f"{start}" if start == prev else f"{start}-{prev}")
    shown = ", ".join(spans[:limit])
    more = f" and {len(spans) - limit} more" if len(spans) > limit else ""
    return ("line " if len(numbers) == 1 else "lines ") + shown + more


def _grouped(notes: list[Note]) -> list[str]:
    """Notes with the same message as one line each: the message, how many, and their lines."""
    by: dict[str, list[Note]] = defaultdict(list)
    for n in notes:
        by[n.message].append(n)
    return [f"  {msg} ({len(ns):,}: {lines_of(ns)})" for msg, ns in sorted(by.items(), key=lambda kv: kv[1][0].line)]


def plural(n: int, word: str) -> str:
    """'1 row', '2 rows', '7,654 meetings'."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def summary_lines(r: Report) -> list[str]:
    """The summary printed after an import, one plain line each."""
    p, pl = r.parsed, r.plan
    verb = "to create" if r.dry_run else "created"
    people = sum(1 for s in pl.new_stakeholders if s.kind == "person")
    out = [f"{'Dry run: ' if r.dry_run else ''}{r.file} ({r.preset}): {plural(p.rows, 'row')} read, "
           f"{plural(len(p.meetings), 'meeting')} found",
           f"  meetings {verb}: {len(pl.meetings):,}; already in the log (same source row): {pl.already:,}",
           f"  stakeholders {verb}: {len(pl.new_stakeholders):,} ({people:,} people, "
           f"{len(pl.new_stakeholders) - people:,} organizations); updated with new roles or names: "
           f"{len(pl.changed_stakeholders):,}"]
    for heading, notes in (("merged", p.merged), ("rows skipped", p.skipped), ("suspicious values", p.suspicious),
                           ("repaired", p.repaired)):
        out.append(f"{heading}: {len(notes):,}" if notes else f"{heading}: none")
        out += _grouped(notes)
    if r.dry_run:
        out.append("Nothing was written (--dry-run).")
    return out


class DataRows:
    """The data rows of a file, each (line, row); empty rows are noted as skipped and repaired ones as repaired."""

    def __init__(self, rows: Iterable[tuple[int, dict[str, str]]], skipped: list[Note], repaired: list[Note],
                 repaired_note: str) -> None:
        self.rows = rows
        self.skipped = skipped
        self.repaired = repaired
        self.repaired_note = repaired_note
        self.count = 0  # every row read, empty ones included

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        from nafta_log.importers.normalize import repair
        for line, row in self.rows:
            self.count += 1
            if not any(v.strip() for v in row.values()):
                self.skipped.append(Note(line, "empty row"))
                continue
            if repair("\t".join(row.values()))[1]:
                self.repaired.append(Note(line, self.repaired_note))
            yield line, row
