"""Preset uk-quarterly: the Cabinet Office's quarterly "ministers' meetings" CSV files as published on GOV.UK.

Only the first four columns count (minister, date, organisation, purpose), whatever their headers say. A blank
minister or date cell carries the one above forward; a row with only a minister is a heading for the rows
below it. Dates are month names, often without a year: the year then comes from `--quarter 2013Q2`, and
without it the import is refused. A range of months (`Apr/Jun`) is stored as the year alone. The organisation
cell is split on ';' only (a comma also occurs inside one party: 'Stephen Green, Chairman of HSBC').
"""

from __future__ import annotations

import re
from pathlib import Path

from nafta_log.dates import MONTHS
from nafta_log.errors import UsageError
from nafta_log.importers import csvfile
from nafta_log.importers.core import Incoming, Note, Parsed, Party, suspicious_years
from nafta_log.importers.normalize import clean, clean_block, parse_official, repair
from nafta_log.model import PartialDate, Source

NAME = "uk-quarterly"
PUBLISHER = "Cabinet Office"
_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*Q([1-4])\s*$", re.IGNORECASE)
_MONTH_YEAR = re.compile(r"^([a-z]+)[\s,.\-]*(\d{4}|\d{2})?$")
_FOOTNOTE = re.compile(r"^(?:²|\W)*(?:note|does not)", re.IGNORECASE)


def parse_quarter(text: str) -> tuple[int, tuple[int, int, int]]:
    """'2013Q2' -> (2013, (4, 5, 6)); a UsageError otherwise."""
    m = _QUARTER.match(text)
    if not m:
        raise UsageError(f"--quarter {text!r} is not a quarter; write it as YYYYQN, e.g. 2013Q2 for April-June 2013")
    q = int(m.group(2))
    return int(m.group(1)), (3 * q - 2, 3 * q - 1, 3 * q)


def _month(word: str) -> int | None:
    """A month from its name, abbreviation or a misspelt prefix ('Sept', 'Marc')."""
    if word in MONTHS:
        return MONTHS[word]
    return next((n for name, n in MONTHS.items() if len(word) >= 3 and name.startswith(word[:3])), None)


def parse_month(text: str, line: int, quarter: tuple[int, tuple[int, int, int]] | None) -> tuple[PartialDate, str | None]:
    """A date cell as a month-precision date (or the year, for a range of months), and a note when it is odd."""
    cell = clean(text).lower().strip(" ,.")
    if "/" in cell:
        words = [w.strip() for w in re.split(r"[/\s]+", cell) if w.strip()]
        years = [w for w in words if w.isdigit()]
        months = [_month(w) for w in words if not w.isdigit()]
        if months and all(months):
            year = _year(years[-1]) if years else _quarter_year(text, line, quarter)
            return PartialDate(year), f"a range of months ({clean(text)!r}) is stored as the year"
        raise ValueError(f"date {clean(text)!r} is not a month")
    m = _MONTH_YEAR.match(cell)
    month = _month(m.group(1)) if m else None
    if not m or month is None:
        raise ValueError(f"date {clean(text)!r} is not a month")
    year = _year(m.group(2)) if m.group(2) else _quarter_year(text, line, quarter)
    note = None
    if quarter is not None and month not in quarter[1] and not m.group(2):
        note = f"month {clean(text)!r} is outside the quarter given with --quarter"
    return PartialDate(year, month), note


def _year(digits: str) -> int:
    """'13' -> 2013, '2013' -> 2013."""
    return int(digits) + (2000 if len(digits) == 2 else 0)


def _quarter_year(text: str, line: int, quarter: tuple[int, tuple[int, int, int]] | None) -> int:
    """The year of --quarter, or a UsageError that refuses the import when it was not given."""
    if quarter is None:
        raise UsageError(f"line {line}: the date {clean(text)!r} has no year, and --preset uk-quarterly cannot "
                         "know it; give the quarter the file covers, e.g. --quarter 2013Q2; nothing was imported")
    return quarter[0]


def parse(path: Path, quarter: str | None = None, **_: object) -> Parsed:
    """Read a quarterly file: carry blank minister and date cells forward, skip notes, blank and nil rows."""
    q = parse_quarter(quarter) if quarter else None
    text = csvfile.read_text(path).text
    rows = csvfile.records(text)
    next(rows, None)  # the header: its wording varies from file to file
    meetings: list[Incoming] = []
    skipped: list[Note] = []
    suspicious: list[Note] = []
    repaired: list[Note] = []
    minister, date_text = "", ""
    count = 0
    for line, row in rows:
        count += 1
        cells = [(row[i] if i < len(row) else "").strip() for i in range(4)]
        who, when, org, purpose = cells
        if not any(row):
            skipped.append(Note(line, "empty row"))
            continue
        if _FOOTNOTE.match(who) and not org:
            skipped.append(Note(line, "footnote"))
            continue
        if who and not (when or org or purpose):
            minister = who
            skipped.append(Note(line, "minister heading (applies to the rows below)"))
            continue
        minister = who or minister
        if when.lower() == "nil return":
            skipped.append(Note(line, "nil return (no meetings that quarter)"))
            continue
        date_text = when or date_text
        if not org:
            skipped.append(Note(line, "no organisation"))
            continue
        if not minister:
            skipped.append(Note(line, "no minister, in this row or above it"))
            continue
        if not date_text:
            skipped.append(Note(line, "no date, in this row or above it"))
            continue
        try:
            date, note = parse_month(date_text, line, q)
        except ValueError as exc:
            skipped.append(Note(line, str(exc)))
            continue
        if note:
            suspicious.append(Note(line, note))
        if repair("\t".join(cells))[1]:
            repaired.append(Note(line, "mis-decoded characters repaired"))
        official = parse_official(minister)
        name = official.name or official.title
        person = Party(name, "person", roles=((official.title, None),) if official.title else ())
        parties = tuple(Party(p, "organization") for p in dict.fromkeys(clean(x).strip(" ,") for x in org.split(";"))
                        if p)
        reason = clean_block(purpose)
        meetings.append(Incoming(line=line, date=date, title=" ".join(reason.split()), parties=(person, *parties),
                                 source=Source(publisher=PUBLISHER, title="Ministers' meetings with external "
                                               "organisations (GOV.UK)", extra={"file": path.name, "row": line})))
    suspicious += suspicious_years(meetings)
    return Parsed(meetings, count, skipped, suspicious, repaired, [])
