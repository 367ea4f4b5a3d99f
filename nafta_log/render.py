"""Model and summaries -> Rich renderables; the only module below the CLI that imports rich."""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import IO, Any, Callable, Iterable, Iterator

from rich import box
from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from nafta_log.errors import Problem
from nafta_log.model import Log, Meeting, PartialDate
from nafta_log.query import PairRow, PersonRow, Profile, TopicRow
from nafta_log.safe import visible


def make_console(file: IO[str], environ: dict[str, str] | None = None) -> Console:
    """A console that styles only on a real terminal without NO_COLOR; piped output is plain and unwrapped.

    $COLUMNS, when set, fixes the width (piped output then wraps at it too).
    """
    env = os.environ if environ is None else environ
    tty = hasattr(file, "isatty") and file.isatty()
    plain = not tty or "NO_COLOR" in env or env.get("TERM") == "dumb"
    columns = env.get("COLUMNS", "")
    width = int(columns) if columns.isdigit() and int(columns) > 0 else (None if tty else 4000)
    return Console(file=file, color_system=None if plain else "auto", force_terminal=tty and not plain or None,
                   width=width, highlight=False, markup=False, emoji=False, soft_wrap=False,
                   legacy_windows=False)


def print_to(file: IO[str], renderable: RenderableType) -> None:
    """Print to `file`: styled on a terminal; plain, unwrapped and without trailing blanks otherwise."""
    console = make_console(file)
    if console.color_system is not None or console.is_terminal:
        console.print(renderable)
        return
    if isinstance(renderable, Table) and renderable.box is not None and console.width >= 4000:
        file.write(plain_table(renderable))
        return
    with console.capture() as capture:
        console.print(renderable)
    file.write("\n".join(line.rstrip() for line in capture.get().split("\n")))


def plain_table(table: Table) -> str:
    """A listing table as plain, unwrapped text, laid out as Rich lays it out at an unlimited width.

    Rich spends about a millisecond a row measuring and wrapping cells; a pipe needs none of that, and a log's
    `people` or `meetings` listing can run to thousands of rows.
    """
    columns = table.columns
    cells = [[c.plain if isinstance(c, Text) else str(c) for c in col.cells] for col in columns]
    headers = [str(col.header) for col in columns]
    widths = [max([cell_len(h), *(cell_len(v) for v in col)]) for h, col in zip(headers, cells)]
    right = [col.justify == "right" for col in columns]

    def pad(value: str, width: int, to_right: bool) -> str:
        fill = " " * (width - cell_len(value))  # wide (East Asian) characters take two cells
        return fill + value if to_right else value + fill

    def line(values: list[str]) -> str:
        return "   ".join(pad(v, w, r) for v, w, r in zip(values, widths, right)).rstrip()

    out = [] if table.title is None else [str(table.title)]
    out += [line(headers), "─" * (sum(widths) + 3 * (len(widths) - 1))]
    out += [line([col[i] for col in cells]) for i in range(table.row_count)]
    return "\n".join(out) + "\n"


def t(value: str | None, style: str = "") -> Text:
    """Untrusted text as a Rich Text: never read as markup, invisible characters escaped."""
    return Text(visible(value), style=style)


def _date(value: PartialDate | None) -> Text:
    return Text(str(value) if value is not None else "")


def _table(*columns: str, title: str | None = None) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold", title=title,
                  title_justify="left", title_style="bold")
    for c in columns:
        fixed = c in _NO_WRAP
        table.add_column(c, overflow="fold", no_wrap=fixed, justify="right" if c in ("meetings",) else "left")
    return table


def house_table(*columns: str, title: str | None = None) -> Table:
    """A table in the house style (simple head, no edge), for the other render modules."""
    return _table(*columns, title=title)


# Columns whose values are short and read wrong when wrapped.
_NO_WRAP = {"date", "meetings", "first", "last", "last meeting", "since", "until"}


def _names(log: Log, ids: Iterable[str]) -> str:
    return ", ".join(visible(log.name_of(i)) for i in ids)


def _topics(log: Log, ids: Iterable[str]) -> str:
    return ", ".join(visible(log.topic_name(i)) for i in ids)


def meetings_table(log: Log, meetings: list[Meeting]) -> Table:
    """Date, title, who, topics, location, status: one meeting a row."""
    table = _table("date", "title", "who", "topics", "location", "status")
    for m in meetings:
        table.add_row(Text(m.date_text()), t(m.title, "bold"), Text(_names(log, m.participants)),
                      Text(_topics(log, m.topics)), t(m.location), Text(m.status, style=_status_style(m.status)))
    return table


def _status_style(status: str) -> str:
    return {"scheduled": "yellow", "cancelled": "dim strike"}.get(status, "")


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


def people_table(rows: list[PersonRow]) -> Table:
    """Stakeholders with current role, organization, country, meetings and last meeting."""
    table = _table("name", "kind", "role", "organization", "country", "meetings", "last meeting")
    for r in rows:
        s = r.stakeholder
        table.add_row(t(s.name, "bold"), Text(s.kind), t(r.role.title if r.role else None), t(r.organization),
                      t(s.country), Text(str(r.meetings), justify="right"), _date(r.last))
    return table


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
        roles = _table("role", "organization", "since", "until", title="Roles")
        for r in p.roles:
            roles.add_row(t(r.title), t(log.name_of(r.organization) if r.organization else None), _date(r.since),
                          _date(r.until))
        parts += [Text(""), roles]
    if p.members:
        parts += [Text(""), Text("People: " + ", ".join(visible(m.name) for m in p.members))]
    timeline = _table("date", "title", "with", "topics", "status", title=f"Meetings ({len(p.meetings)})")
    for m in p.meetings:
        timeline.add_row(Text(m.date_text()), t(m.title), Text(_names(log, (x for x in m.participants if x != s.id))),
                         Text(_topics(log, m.topics)), Text(m.status, style=_status_style(m.status)))
    parts += [Text(""), timeline]
    return Group(*parts)


def topics_table(log: Log, rows: list[TopicRow]) -> Table:
    """The per-topic summary: meetings, first and last date, who took part most."""
    table = _table("topic", "meetings", "first", "last", "most involved")
    for r in rows:
        top = ", ".join(f"{visible(log.name_of(p))} ({n})" for p, n in r.top)
        table.add_row(t(r.topic.name, "bold"), Text(str(r.meetings), justify="right"), _date(r.first),
                      _date(r.last), Text(top))
    return table


def pairs_table(log: Log, rows: list[PairRow], person: str | None = None) -> Table:
    """Who met whom: each pair with its count, first and last date, and topics."""
    cols = ("with", "meetings", "first", "last", "topics") if person else ("who", "met", "meetings", "first",
                                                                         "last", "topics")
    table = _table(*cols)
    for r in rows:
        names = [t(log.name_of(r.b), "bold")] if person else [t(log.name_of(r.a), "bold"), t(log.name_of(r.b), "bold")]
        table.add_row(*names, Text(str(r.meetings), justify="right"), _date(r.first), _date(r.last),
                      Text(_topics(log, r.topics)))
    return table


def problem_line(problem: Problem) -> str:
    """A problem as one safe line: `path:line:col: message`."""
    return visible(str(problem))


def progress_callback(file: IO[str], description: str) -> tuple[Callable[[int, int], None], Callable[[], None]]:
    """A progress bar on `file` (shown only on a terminal, and only once there is work to show), and its stop."""
    state: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if not (hasattr(file, "isatty") and file.isatty()) or total < 2_000:
            return
        if "bar" not in state:
            from rich.progress import Progress  # imported only when a bar is shown: it costs 10 ms
            state["bar"] = Progress(console=Console(file=file), transient=True)
            state["bar"].start()
            state["task"] = state["bar"].add_task(description, total=total)
        state["bar"].update(state["task"], completed=done)

    def stop() -> None:
        if "bar" in state:
            state["bar"].stop()
    return update, stop


@contextmanager
def progress_bar(file: IO[str], label: str) -> Iterator[Callable[[str, int, int], None]]:
    """A Rich progress bar on `file` (a terminal); yields the callback that shows (step, done, total)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    console = make_console(file)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task(visible(label), total=None)

        def update(step: str, done: int, total: int) -> None:
            """Show `step` with the bar at `done` of `total`."""
            bar.update(task, description=visible(f"{label}: {step}"), completed=done, total=total)
        yield update
