"""Charts for the terminal as Rich renderables: the timeline's bars and the who-met-whom heat matrix.

Every chart reads right as plain text (piped or with NO_COLOR): counts are always printed as numbers, and
colour only repeats what the numbers say.
"""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from nafta_log.network import Matrix
from nafta_log.safe import visible
from nafta_log.timeline import Timeline

BAR = "█"
# Heat scale for the matrix, from one shared meeting to the most.
HEAT = ("on grey23", "on dark_green", "on green4", "black on green3", "black on bright_green")


def bar_width(series: int, width: int = 80) -> int:
    """How many characters the longest bar may take when `series` columns share a `width`-column screen."""
    return max(3, min(30, (width - 22) // max(series, 1) - 6))


def _cell(n: int, peak: int, width: int) -> Text:
    """A bar of up to `width` characters for `n` of at most `peak`, then the count; a dim 0 for none."""
    if n == 0:
        return Text("0", style="dim")
    size = max(1, round(width * n / peak)) if peak else 0
    cell = Text(BAR * size, style="cyan")
    cell.append(f" {n}")
    return cell


def timeline_chart(tl: Timeline, width: int = 80) -> RenderableType:
    """One line per period (oldest first), then one per unknown bucket; a column of bars per series; totals."""
    if not tl.series or all(s.total == 0 for s in tl.series):
        return Text("No meetings match.")
    peak = max([n for s in tl.series for n in s.counts.values()] + [n for s in tl.series for n in s.unknown.values()])
    size = bar_width(len(tl.series), width)
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold",
                  title=f"Meetings per {tl.by}", title_justify="left", title_style="bold")
    table.add_column(tl.by, no_wrap=True)
    for s in tl.series:
        table.add_column(Text(visible(s.label)), no_wrap=True, min_width=size + 4)
    for p in tl.periods:
        table.add_row(Text(p.label()), *(_cell(s.counts.get(p, 0), peak, size) for s in tl.series))
    for u in tl.unknown:
        table.add_row(Text(u.label(), style="italic"), *(_cell(s.unknown.get(u, 0), peak, size) for s in tl.series),
                      style="italic")
    table.add_row(Text("total", style="bold"), *(Text(str(s.total), style="bold") for s in tl.series),
                  end_section=False)
    if tl.by == "year" and any(s.year_only for s in tl.series):
        table.add_row(Text("year-only dates", style="italic"),
                      *(Text(str(s.year_only), style="italic") for s in tl.series))
    notes = []
    if tl.unknown:
        notes.append(Text(f"Meetings whose date is known only to a coarser period than a {tl.by} are counted "
                          f"apart, in the \"{tl.by} unknown\" lines; none is spread or guessed.", style="dim"))
    if any(sum(s.counts.values()) + sum(s.unknown.values()) > s.total for s in tl.series):
        notes.append(Text(f"A meeting held over several days counts in each {tl.by} it was held in; "
                          "the total counts it once.", style="dim"))
    return Group(table, *notes) if notes else table


def heat_style(n: int, peak: int) -> str:
    """The background of a matrix cell holding `n` of at most `peak` shared meetings."""
    if n <= 0 or peak <= 0:
        return "dim"
    return HEAT[min(len(HEAT) - 1, (n * len(HEAT) - 1) // peak)]


def matrix_chart(mx: Matrix) -> RenderableType:
    """The who-met-whom matrix: abbreviated names on both axes, shared meetings in the cells, and a key."""
    if not mx.ids:
        return Text("No meetings match.")
    peak = max((n for row in mx.counts for n in row), default=0)
    cell = max([len(a) for a in mx.abbreviations] + [len(str(peak))])
    title = Text(f"Who met whom: shared meetings of the {len(mx.ids)} most active stakeholders", style="bold")
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold", padding=0)
    table.add_column("", no_wrap=True)
    for a in mx.abbreviations:
        table.add_column(Text(a), justify="right", no_wrap=True, min_width=cell)
    for i, a in enumerate(mx.abbreviations):
        cells = [Text("-", style="dim") if i == j else Text(str(n) if n else "·", style=heat_style(n, peak))
                 for j, n in enumerate(mx.counts[i])]
        table.add_row(Text(a, style="bold"), *cells)
    key = Table.grid(padding=(0, 1))
    key.add_column(no_wrap=True, style="bold")
    key.add_column()
    key.add_column(justify="right", no_wrap=True)
    key.add_column(no_wrap=True)
    for a, name, total in zip(mx.abbreviations, mx.names, mx.totals):
        key.add_row(Text(a), Text(visible(name)), Text(str(total)), Text("meeting" if total == 1 else "meetings"))
    scale = Text("heat scale, shared meetings:")
    for k, style in enumerate(HEAT):
        low = (k * peak) // len(HEAT) + 1
        high = ((k + 1) * peak) // len(HEAT)
        if low <= high:
            scale.append(f" {low}-{high} " if low != high else f" {low} ", style=style)
            scale.append(" ")
    return Group(title, table, Text(""), Text("key", style="bold"), key, Text(""), scale)
