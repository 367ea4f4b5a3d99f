"""The commands that draw: timeline, graph, report (and the matrix behind `who --matrix`)."""


import sys
from typing import Annotated, Optional

import typer

from nafta_log import iquery
from nafta_log.cli.common import Format, FormatOption, LogOption, emit, open_index
from nafta_log.cli.queries import (FromFilter, LocationFilter, PersonFilter, SearchFilter, StatusFilter, ToFilter,
                                    TopicFilter, YearFilter, meeting_query)
from nafta_log.safe import visible


def timeline(
    person: Annotated[Optional[list[str]], typer.Option("--person", "-p", metavar="NAME",
                      help="A row of this stakeholder's meetings; repeat for several. With one person, a row "
                           "for each of the people they met most.")] = None,
    topic: Annotated[Optional[list[str]], typer.Option("--topic", "-t", metavar="TOPIC",
                     help="A row of the meetings about this topic; repeat for several.")] = None,
    by: Annotated[str, typer.Option("--by", metavar="month|quarter|year",
                                    help="The period to count by (default: month).")] = "month",
    from_: FromFilter = None,
    to: ToFilter = None,
    year: YearFilter = None,
    status: StatusFilter = None,
    location: LocationFilter = None,
    search: SearchFilter = None,
    fmt: FormatOption = Format.table,
    log: LogOption = None,
) -> None:
    """Meetings per month, quarter or year as a bar chart: a column per person or topic, a line per period.

    Meetings known only to the month or year count in the periods they certainly fall in; when the period is
    finer than what is known, they are counted apart ("2017, month unknown"), never spread or guessed.

    Examples:

      nafta-log timeline --person Dias --by year

      nafta-log timeline --topic nafta --topic auto-sector --by quarter --from 2017

      nafta-log timeline --person Dias --by month --format csv
    """
    from nafta_log import timeline as tl
    from nafta_log.errors import UsageError
    if by not in tl.GRANULARITIES:
        raise UsageError(f"--by must be one of {', '.join(tl.GRANULARITIES)}, not {by!r}")
    ix = open_index(log)
    base = meeting_query(ix, None, None, from_, to, year, status, location, search, None)
    people = tuple(dict.fromkeys(iquery.resolve_stakeholder(ix, p).id for p in person or ()))
    topics = tuple(dict.fromkeys(iquery.resolve_topic(ix, t).id for t in topic or ()))
    lg = ix.full_log()
    import shutil
    from nafta_log import render_charts
    width = shutil.get_terminal_size((80, 24)).columns
    # A chart gets as many "with NAME" columns as fit the screen; JSON and CSV get eight.
    counterparts = max(1, min(8, (width - 22) // 24 - 1)) if fmt is Format.table else 8
    chart = tl.timeline(lg, base, by, people, topics, counterparts)
    emit(fmt, lambda: render_charts.timeline_chart(chart, width), lambda: tl.timeline_dict(chart),
         lambda: tl.timeline_csv(chart))


def who_matrix(person: Optional[str], fmt: Format, log: Optional[str], top: int) -> None:
    """`who --matrix`: the shared meetings of the `top` most active stakeholders, as a heat matrix or JSON/CSV."""
    from nafta_log.errors import UsageError
    if person is not None:
        raise UsageError("--matrix shows the most active stakeholders; leave out --person")
    lg = open_index(log).full_log()
    from nafta_log import network, render_charts
    mx = network.matrix(lg, lg.meetings.values(), top)
    emit(fmt, lambda: render_charts.matrix_chart(mx), lambda: network.matrix_dict(mx),
         lambda: network.matrix_csv(mx))


def graph(
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="svg|dot|mermaid",
                                     help="svg (laid out by Graphviz; the default), dot or mermaid.")] = "svg",
    group_by: Annotated[str, typer.Option("--group-by", metavar="country|organization",
                                          help="Colour stakeholders by country (default) or organization.")] = "country",
    output: Annotated[Optional[str], typer.Option("--output", "-o", metavar="FILE",
                                                  help="Write to FILE instead of standard output.")] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="Show the N most active stakeholders.")] = 200,
    max_edges: Annotated[int, typer.Option("--max-edges", min=0,
                                           help="Show the N pairs with most shared meetings.")] = 600,
    person: PersonFilter = None,
    topic: TopicFilter = None,
    from_: FromFilter = None,
    to: ToFilter = None,
    year: YearFilter = None,
    status: StatusFilter = None,
    location: LocationFilter = None,
    search: SearchFilter = None,
    log: LogOption = None,
) -> None:
    """The network of stakeholders: a node per stakeholder sized by meetings, an edge per pair that met.

    Edges are as thick as the meetings the pair shared; nodes are coloured by country or organization. The
    filters are those of `meetings`. SVG needs Graphviz (`dot`) installed; DOT and Mermaid do not. Large logs
    show the 200 most active stakeholders and the 600 pairs with most shared meetings (see --top, --max-edges).

    Examples:

      nafta-log graph -o network.svg

      nafta-log graph --format mermaid --topic nafta

      nafta-log graph --format dot --group-by organization -o network.dot
    """
    from nafta_log import network, query, render_graph
    from nafta_log.errors import UsageError
    if fmt not in ("svg", "dot", "mermaid"):
        raise UsageError(f"--format must be svg, dot or mermaid, not {fmt!r}")
    if group_by not in network.GROUPINGS:
        raise UsageError(f"--group-by must be country or organization, not {group_by!r}")
    ix = open_index(log)
    q = meeting_query(ix, person, topic, from_, to, year, status, location, search, None)
    lg = ix.full_log()
    g = network.build_graph(lg, query.select_meetings(lg, q), group_by, top, max_edges)
    if g.omitted():
        print(f"note: {g.omitted()} Change it with --top and --max-edges.", file=sys.stderr)
    text = {"svg": render_graph.to_svg, "dot": render_graph.to_dot, "mermaid": render_graph.to_mermaid}[fmt](g)
    write_output(text, output)


def write_output(text: str, output: Optional[str]) -> None:
    """Write `text` atomically to the file `output`, or to standard output when there is none."""
    if output is None or output == "-":
        sys.stdout.write(text)
        return
    from pathlib import Path
    from nafta_log import store
    path = Path(output)
    store.write_file(path, text, overwrite=path.exists())  # a new file gets the usual permissions
    print(f"Wrote {visible(str(path))}", file=sys.stderr)


def report(
    output: Annotated[str, typer.Option("--output", "-o", metavar="FILE", help="The HTML file to write.")],
    person: PersonFilter = None,
    topic: TopicFilter = None,
    from_: FromFilter = None,
    to: ToFilter = None,
    year: YearFilter = None,
    status: StatusFilter = None,
    location: LocationFilter = None,
    search: SearchFilter = None,
    log: LogOption = None,
) -> None:
    """Write one self-contained HTML report to share: figures, timeline, matrix, network, topics, people, meetings.

    The page needs no network and no other file. The filters are those of `meetings`. The network graph is drawn
    by Graphviz when it is installed; without it the report says so and has everything else.

    Examples:

      nafta-log report -o report.html

      nafta-log report -o dias.html --person Dias --year 2017
    """
    from nafta_log import query, render_graph, render_html
    from nafta_log import report as rp
    from nafta_log.cli.common import today, warning
    ix = open_index(log)
    q = meeting_query(ix, person, topic, from_, to, year, status, location, search, None)
    lg = ix.full_log()
    rep = rp.build_report(lg, query.select_meetings(lg, q), today(), rp.describe(lg, q), render_graph.to_svg)
    if rep.graph_svg is None and rep.graph_note:
        warning(rep.graph_note)
    write_output(render_html.page(rep), output)
