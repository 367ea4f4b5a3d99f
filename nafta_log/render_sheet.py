"""Listings as plain data (a Sheet: columns and rows of styled cells) and their plain-text layout, without Rich.

The listing commands (`meetings`, `people`, `topics`, `who`) build a Sheet. On a terminal render.py turns it into a
Rich table; anywhere else (a pipe, a file) it is written as plain text laid out exactly as Rich lays it out at an
unlimited width, and Rich is never imported: it is most of the start-up time of a command whose output is piped.
Every cell holds text already passed through `visible`, so nothing here can reach a terminal unescaped.
"""


import os
from typing import IO, Any, Iterable, Mapping, NamedTuple

from nafta_log.model import Log, Meeting, PartialDate
from nafta_log.query import PairRow, PersonRow, TopicRow
from nafta_log.safe import visible

Cell = tuple[str, str]  # (text, Rich style name; "" for none)
# At least this many columns means "unlimited": the width Rich is given for piped output.
UNLIMITED = 4000


class Column(NamedTuple):
    """A column: its header, whether values are right-aligned, and whether they must never wrap."""

    header: str
    right: bool = False
    no_wrap: bool = False


class Sheet(NamedTuple):
    """A listing: columns, rows of cells (text and style), and an optional title."""

    columns: tuple[Column, ...]
    rows: list[tuple[Cell, ...]]
    title: str | None = None


# Columns whose values are short and read wrong when wrapped; counts are right-aligned.
_NO_WRAP = {"date", "meetings", "first", "last", "last meeting", "since", "until"}
_RIGHT = {"meetings"}


def sheet(*headers: str, title: str | None = None) -> Sheet:
    """An empty sheet in the house style: counts right-aligned, dates never wrapped."""
    return Sheet(tuple(Column(h, h in _RIGHT, h in _NO_WRAP) for h in headers), [], title)


def cell(value: str | None, style: str = "") -> Cell:
    """Untrusted text as a cell: invisible characters escaped (markup is never read from cells)."""
    return (visible(value), style)


def _date(value: PartialDate | None) -> Cell:
    return (str(value) if value is not None else "", "")


def _names(log: Log, ids: Iterable[str]) -> Cell:
    return (", ".join(visible(log.name_of(i)) for i in ids), "")


def _topics(log: Log, ids: Iterable[str]) -> Cell:
    return (", ".join(visible(log.topic_name(i)) for i in ids), "")


def status_style(status: str) -> str:
    """The style a meeting's status is shown in."""
    return {"scheduled": "yellow", "cancelled": "dim strike"}.get(status, "")


def meetings(log: Log, found: list[Meeting]) -> Sheet:
    """Date, title, who, topics, location, status: one meeting a row."""
    out = sheet("date", "title", "who", "topics", "location", "status")
    out.rows.extend(((m.date_text(), ""), cell(m.title, "bold"), _names(log, m.participants), _topics(log, m.topics),
                     cell(m.location), (m.status, status_style(m.status))) for m in found)
    return out


def people(rows: list[PersonRow]) -> Sheet:
    """Stakeholders with current role, organization, country, meetings and last meeting."""
    out = sheet("name", "kind", "role", "organization", "country", "meetings", "last meeting")
    for r in rows:
        s = r.stakeholder
        out.rows.append((cell(s.name, "bold"), (s.kind, ""), cell(r.role.title if r.role else None),
                         cell(r.organization), cell(s.country), (str(r.meetings), ""), _date(r.last)))
    return out


def topics(log: Log, rows: list[TopicRow]) -> Sheet:
    """The per-topic summary: meetings, first and last date, who took part most."""
    out = sheet("topic", "meetings", "first", "last", "most involved")
    for r in rows:
        top = ", ".join(f"{visible(log.name_of(p))} ({n})" for p, n in r.top)
        out.rows.append((cell(r.topic.name, "bold"), (str(r.meetings), ""), _date(r.first), _date(r.last), (top, "")))
    return out


def pairs(log: Log, rows: list[PairRow], person: str | None = None) -> Sheet:
    """Who met whom: each pair with its count, first and last date, and topics (one side only with `person`)."""
    out = sheet(*(("with",) if person else ("who", "met")), "meetings", "first", "last", "topics")
    for r in rows:
        names = (cell(log.name_of(r.b), "bold"),) if person else (cell(log.name_of(r.a), "bold"),
                                                                   cell(log.name_of(r.b), "bold"))
        out.rows.append((*names, (str(r.meetings), ""), _date(r.first), _date(r.last), _topics(log, r.topics)))
    return out


def writes_plain(file: IO[str], environ: Mapping[str, str] | None = None) -> bool:
    """True when `file` gets plain, unwrapped text: not a terminal, none forced, and no narrower $COLUMNS.

    $TTY_COMPATIBLE=1 and $FORCE_COLOR make Rich treat any file as a terminal; then Rich decides, as elsewhere.
    """
    env = os.environ if environ is None else environ
    if hasattr(file, "isatty") and file.isatty():
        return False
    if env.get("TTY_COMPATIBLE") == "1" or env.get("FORCE_COLOR"):
        return False
    columns = env.get("COLUMNS", "")
    return not (columns.isdigit() and 0 < int(columns) < UNLIMITED)


def cell_width(text: str) -> int:
    """How many terminal cells `text` takes (wide East Asian characters take two), as Rich counts them."""
    if text.isascii():
        return len(text)  # cells hold visible text: no control characters, one cell each
    from rich.cells import cell_len  # Rich's own table, so that the layout is Rich's
    return cell_len(text)


def plain_text(table: Sheet) -> str:
    """The sheet as plain text, laid out as Rich lays it out at an unlimited width (tested equal)."""
    headers = [c.header for c in table.columns]
    cells = [[row[i][0] for row in table.rows] for i in range(len(headers))]
    widths = [max([cell_width(h), *(cell_width(v) for v in col)]) for h, col in zip(headers, cells)]
    right = [c.right for c in table.columns]

    def pad(value: str, width: int, to_right: bool) -> str:
        fill = " " * (width - cell_width(value))
        return fill + value if to_right else value + fill

    def line(values: Iterable[str]) -> str:
        return "   ".join(pad(v, w, r) for v, w, r in zip(values, widths, right)).rstrip()

    out = [] if table.title is None else [table.title]
    out += [line(headers), "─" * (sum(widths) + 3 * (len(widths) - 1))]
    out += [line(cell[0] for cell in row) for row in table.rows]
    return "\n".join(out) + "\n"


def print_to(file: IO[str], renderable: Any) -> None:
    """Print a Sheet or any Rich renderable to `file`; a Sheet bound for a pipe or file never imports Rich."""
    if isinstance(renderable, Sheet) and writes_plain(file):
        file.write(plain_text(renderable))
        return
    from nafta_log import render
    render.print_to(file, renderable)
