"""Preset uk-ministers: the HackBrexit `MixedProcessedData.csv` of UK ministers' meetings, 2010–2016.

A row is one (meeting, organisation) pair; a meeting is one `(Original File, Original Row)`, which is also its
identity in the log, so the three files the source loaded three times under new Meeting IDs count once.
"""

from __future__ import annotations

import re
from pathlib import Path

from nafta_log.importers import csvfile
from nafta_log.importers.core import DataRows, Incoming, Note, Parsed, Party, suspicious_years
from nafta_log.importers.normalize import clean, clean_block, group_names, parse_official
from nafta_log.model import PartialDate, Source

NAME = "uk-ministers"
COLUMNS = ("Meeting ID", "Minister", "Department", "Start Date", "Organisation", "Reason", "Original File",
           "Original Row")
_DATE = re.compile(r"^(?:(\d{1,2})-)?(\d{1,2})-(\d{4})$")


def parse_date(text: str) -> PartialDate:
    """'07-2013' -> 2013-07 (month precision kept); '15-04-2016' -> 2016-04-15; ValueError otherwise."""
    m = _DATE.match(text.strip())
    if not m:
        raise ValueError(f"date {text.strip()!r} is not MM-YYYY or DD-MM-YYYY")
    day, month, year = m.groups()
    try:
        return PartialDate(int(year), int(month), int(day) if day else None)
    except ValueError as exc:
        raise ValueError(f"date {text.strip()!r}: {exc}") from None


class _Meeting:
    """The rows of one source meeting, gathered."""

    def __init__(self, line: int, row: dict[str, str]) -> None:
        """Start a meeting at its first row."""
        self.line = line
        self.row = row
        self.organisations: dict[str, str] = {}
        self.ids: set[str] = set()


def parse(path: Path, **_: object) -> Parsed:
    """Read the file: one meeting per (Original File, Original Row), its organisations gathered from its rows."""
    text = csvfile.read_text(path).text
    header, rows = csvfile.with_header(text, path)
    csvfile.require(header, COLUMNS, path, NAME)
    groups: dict[tuple[str, str], _Meeting] = {}
    skipped: list[Note] = []
    repaired: list[Note] = []
    data = DataRows(rows, skipped, repaired, "mis-decoded characters (cp1252 read as latin-1) repaired")
    for line, row in data:
        key = (row["Original File"].strip(), row["Original Row"].strip())
        if not all(key):
            skipped.append(Note(line, "no Original File or Original Row: the meeting cannot be identified"))
            continue
        g = groups.get(key)
        if g is None:
            g = groups[key] = _Meeting(line, row)
        g.ids.add(row["Meeting ID"].strip())
        org = clean(row["Organisation"])
        if org:
            g.organisations.setdefault(org.casefold(), org)
    officials = {k: parse_official(g.row["Minister"]) for k, g in groups.items()}
    people = group_names(o.name for o in officials.values() if o.name)
    meetings: list[Incoming] = []
    suspicious: list[Note] = []
    merged = [Note(g.line, "meeting loaded more than once under new Meeting IDs (same Original File and Row): "
                           "counted once") for g in groups.values() if len(g.ids) > 1]
    for key, g in groups.items():
        official = officials[key]
        try:
            date = parse_date(g.row["Start Date"])
        except ValueError as exc:
            skipped.append(Note(g.line, str(exc)))
            continue
        if not clean(g.row["Minister"]):
            skipped.append(Note(g.line, "no minister"))
            continue
        department = clean(g.row["Department"]) or None
        if official.name is None:
            suspicious.append(Note(g.line, f"the minister cell names an office, not a person "
                                           f"({official.title!r}); kept as a stakeholder of that name"))
            minister = Party(official.title, "person", roles=((official.title, department),))
        else:
            name, spellings = people[official.name]
            minister = Party(name, "person", aliases=spellings, roles=((official.title, department),))
        orgs = tuple(Party(o, "organization") for o in g.organisations.values())
        reason = clean_block(g.row["Reason"])
        source = Source(publisher=department, title="Ministers' meetings with external organisations (GOV.UK)",
                        extra={"file": key[0], "row": int(key[1]) if key[1].isdigit() else key[1],
                               "via": path.name})
        meetings.append(Incoming(line=g.line, date=date, title=" ".join(reason.split()), parties=(minister, *orgs),
                                 source=source, summary=reason if "\n" in reason else None))
    suspicious += suspicious_years(meetings)
    return Parsed(meetings, data.count, skipped, suspicious, repaired, merged)

