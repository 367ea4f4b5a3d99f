"""Model and summaries -> Rich renderables for a terminal (listings are built rich-free in render_sheet.py)."""

from __future__ import annotations

import os
from typing import IO, Iterable

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from nafta_log.errors import Problem
from nafta_log.model import Log, Meeting, PartialDate
from nafta_log.query import Profile
from nafta_log.render_sheet import UNLIMITED, Column, Sheet, plain_text, sheet, status_style
from nafta_log.safe import visible


def make_console(file: IO[str], environ: dict[str, str] | None = None) -> Console:
    """A console that styles only on a real terminal without NO_COLOR; piped output is plain and unwrapped.

    $COLUMNS, when set, fixes the width (piped output then wraps at it too).
    """
    env = os.environ if environ is None else environ
    tty = hasattr(file, "isatty") and file.isatty()
    plain = not tty or "NO_COLOR" in env or env.get("TERM") == "dumb"
    columns = env.get("COLUMNS", "")
    width = int(columns) if columns.isdigit() and int(columns) > 0 else (None if tty else UNLIMITED)
    return Console(file=file, color_system=None if plain else "auto", force_terminal=tty and not plain or None,
                   width=width, highlight=False, markup=False, emoji=False, soft_wrap=False,
                   legacy_windows=False)


def print_to(file: IO[str], renderable: RenderableType) -> None:
    """Print to `file`: styled on a terminal; plain, unwrapped and without trailing blanks otherwise."""
    if isinstance(renderable, Sheet):
        renderable = table_of(renderable)
    console = make_console(file)
    if console.color_system is not None or console.is_terminal:
        console.print(renderable)
        return
    if isinstance(renderable, Table) and renderable.box is not None and console.width >= UNLIMITED:
        file.write(plain_text(_sheet_of(renderable)))
        return
    with console.capture() as capture:
        console.print(renderable)
    file.write("\n".join(line.rstrip() for line in capture.get().split("\n")))


def table_of(sheet: Sheet) -> Table:
    """A listing Sheet as a Rich table in the house style (simple head, no edge)."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold", title=sheet.title,
                  title_justify="left", title_style="bold")
    for c in sheet.columns:
        table.add_column(c.header, overflow="fold", no_wrap=c.no_wrap, justify="right" if c.right else "left")
    for row in sheet.rows:
        table.add_row(*(Text(text, style=style) for text, style in row))
    return table


def _sheet_of(table: Table) -> Sheet:
    """A Rich table of plain text cells (as the house tables are) as a Sheet, for the plain writer."""
    columns = tuple(Column(str(c.header), c.justify == "right", c.no_wrap) for c in table.columns)
    cells = [[(c.plain if isinstance(c, Text) else str(c), "") for c in col.cells] for col in table.columns]
    return Sheet(columns, [tuple(col[i] for col in cells) for i in range(table.row_count)],
                 None if table.title is None else str(table.title))


def t(value: str | None, style: str = "") -> Text:
    """Untrusted text as a Rich Text: never read as markup, invisible characters escaped."""
    return Text(visible(value), style=style)


def _date(value: PartialDate | None) -> Text:
    return Text(str(value) if value is not None else "")


def house_table(*columns: str, title: str | None = None) -> Table:
    """An empty table in the house style (counts right-aligned, dates never wrapped), for any renderer."""
    return table_of(sheet(*columns, title=title))


def _names(log: Log, ids: Iterable[str]) -> str:
    return ", ".join(visible(log.name_of(i)) for i in ids)


def _topics(log: Log, ids: Iterable[str]) -> str:
    return ", ".join(visible(log.topic_name(i)) for i in ids)


def meeting_detail(log: Log, m: Meeting) -> RenderableType:
    """One meeting in full, with its sources."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    when = m.date_text()
    if m.time:
        when += f" {m.time.isoformat(timespec='minutes')}" + (f" {m.timezone}" if m.timezone else "")
    rows = [("id", Text(m.id)), ("title", t(m.title)), ("date", Text(when)), ("status", Text(m.status)),
            ("who", Text("\n".join(f"{visible(log.name_of(p))} ({p})" for p in m.participants))),
            ("topics", Text(_topics(log, m.topics))), ("location", t(m.location)),
            ("summary", Text(visible(m.summary, keep="\n")))]
    for key, value in m.extra.items():
        rows.append((visible(key), Text(visible(repr(value)))))
    for label, value in rows:
        if value.plain:
            grid.add_row(Text(label), value)
    parts: list[RenderableType] = [grid]
    if m.sources:
        parts.append(Text("\nsources", style="bold"))
        sources = Table.grid(padding=(0, 1))
        sources.add_column(no_wrap=True)
        sources.add_column()
        for i, s in enumerate(m.sources, 1):
            line = Text(visible(" - ".join(filter(None, (s.publisher, s.title)))))
            if s.published:
                line.append(f" ({s.published})")
            if s.url:
                line.append("\n" + visible(s.url))
            if s.note:
                line.append("\n")
                line.append(visible(s.note), style="italic")
            sources.add_row(Text(f"{i}."), line)
        parts.append(sources)
    if m.origin:
        parts.append(Text(f"\nfile: {visible(m.origin.path)}", style="dim"))
    return Group(*parts)


def profile_view(log: Log, p: Profile) -> RenderableType:
    """A stakeholder's profile: who they are, roles over time, and their meetings with whom, about what."""
    s = p.stakeholder
    head = Text()
    head.append(visible(s.name), style="bold")
    head.append(f" ({s.id}, {s.kind}" + (f", {visible(s.country)}" if s.country else "") + ")")
    parts: list[RenderableType] = [head]
    if s.aliases:
        parts.append(Text("also: " + ", ".join(visible(a) for a in s.aliases)))
    if s.description:
        parts.append(Text(visible(s.description, keep="\n")))
    if p.roles:
        roles = house_table("role", "organization", "since", "until", title="Roles")
        for r in p.roles:
            roles.add_row(t(r.title), t(log.name_of(r.organization) if r.organization else None), _date(r.since),
                          _date(r.until))
        parts += [Text(""), roles]
    if p.members:
        parts += [Text(""), Text("People: " + ", ".join(visible(m.name) for m in p.members))]
    timeline = house_table("date", "title", "with", "topics", "status", title=f"Meetings ({len(p.meetings)})")
    for m in p.meetings:
        timeline.add_row(Text(m.date_text()), t(m.title), Text(_names(log, (x for x in m.participants if x != s.id))),
                         Text(_topics(log, m.topics)), Text(m.status, style=status_style(m.status)))
    parts += [Text(""), timeline]
    return Group(*parts)


def problem_line(problem: Problem) -> str:
    """A problem as one safe line: `path:line:col: message`."""
    return visible(str(problem))
