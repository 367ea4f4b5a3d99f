"""Any other CSV file: `--map COLUMN=FIELD` says which column holds which part of a meeting.

Fields: `title`, `date` (required), `person` and `organization` (a participant each; map several columns to
them, and a cell may list several, separated by ';'), `location`, `summary`. A meeting's identity is the file
name and line, so importing the same file again adds nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from nafta_log.dates import parse_date
from nafta_log.errors import DateError, UsageError
from nafta_log.importers import csvfile
from nafta_log.importers.core import DataRows, Incoming, Note, Parsed, Party, suspicious_years
from nafta_log.importers.normalize import clean, clean_block, parse_official
from nafta_log.model import PartialDate, Source

FIELDS = ("title", "date", "person", "organization", "location", "summary")


def parse_mapping(items: list[str]) -> dict[str, list[str]]:
    """['Who=person', 'When=date'] -> {'person': ['Who'], 'date': ['When']}; a UsageError for a wrong item."""
    mapping: dict[str, list[str]] = {}
    for item in items:
        column, sep, field = item.rpartition("=")
        field = field.strip().lower()
        if not sep or not column.strip():
            raise UsageError(f"--map {item!r}: write COLUMN=FIELD, e.g. --map \"Date of meeting=date\"")
        if field not in FIELDS:
            raise UsageError(f"--map {item!r}: unknown field {field!r}; the fields are {', '.join(FIELDS)}")
        mapping.setdefault(field, []).append(column.strip())
    if "date" not in mapping or not ({"person", "organization"} & set(mapping)):
        raise UsageError("--map needs a column for the date and at least one for a person or organization, "
                         "e.g. --map Date=date --map Minister=person --map Organisation=organization")
    return mapping


def _date(text: str, today: dt.date, date_order: str | None) -> PartialDate:
    """An ISO date as precise as written, else a date read as typed dates are (a DateError if unsure)."""
    try:
        return PartialDate.parse(text)
    except ValueError:
        return parse_date(text, today, date_order)


def parse(path: Path, *, today: dt.date, mapping: list[str] | None = None, date_order: str | None = None,
          **_: object) -> Parsed:
    """Read a CSV file with the columns named by --map; typed dates are read against `today`."""
    fields = parse_mapping(mapping or [])
    header, rows = csvfile.with_header(csvfile.read_text(path).text, path)
    csvfile.require(header, tuple(c for cols in fields.values() for c in cols), path, "--map")
    meetings: list[Incoming] = []
    skipped: list[Note] = []
    repaired: list[Note] = []
    data = DataRows(rows, skipped, repaired, "mis-decoded characters repaired")
    for line, row in data:
        when = " ".join(clean(row[c]) for c in fields["date"]).strip()
        try:
            date = _date(when, today, date_order)
        except (DateError, ValueError) as exc:
            skipped.append(Note(line, f"date: {exc}"))
            continue
        parties: list[Party] = []
        for kind in ("person", "organization"):
            for column in fields.get(kind, []):
                for item in row[column].split(";"):
                    text = clean(item)
                    if not text:
                        continue
                    if kind == "person":
                        official = parse_official(text)
                        roles = ((official.title, None),) if official.name and official.title else ()
                        parties.append(Party(official.name or text, "person", roles=roles))
                    else:
                        parties.append(Party(text, "organization"))
        if not parties:
            skipped.append(Note(line, "no participant"))
            continue
        title = " ".join(clean(row[c]) for c in fields.get("title", [])).strip()
        summary = "\n".join(clean_block(row[c]) for c in fields.get("summary", [])).strip() or None
        location = " ".join(clean(row[c]) for c in fields.get("location", [])).strip() or None
        meetings.append(Incoming(line=line, date=date, title=title, parties=tuple(parties), summary=summary,
                                 location=location, source=Source(title=path.name,
                                                                  extra={"file": path.name, "row": line})))
    return Parsed(meetings, data.count, skipped, suspicious_years(meetings), repaired, [])
