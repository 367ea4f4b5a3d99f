"""The commands that draw: timeline (and the matrix behind `who --matrix`)."""


import inspect
from typing import Annotated, Any, Optional

import typer

from nafta_log import names
from nafta_log.cli.common import Format, LogOption, emit, load, out
from nafta_log.cli.queries import meeting_query, meetings


def meeting_option(name: str) -> Any:
    """The type and option of `meetings`' filter flag `name`, so other commands take the very same flag."""
    return inspect.signature(meetings).parameters[name].annotation


def timeline(
    person: Annotated[Optional[list[str]], typer.Option("--person", "-p", metavar="NAME",
                      help="A row of this stakeholder's meetings; repeat for several. With one person, a row "
                           "for each of the people they met most.")] = None,
    topic: Annotated[Optional[list[str]], typer.Option("--topic", "-t", metavar="TOPIC",
                     help="A row of the meetings about this topic; repeat for several.")] = None,
    by: Annotated[str, typer.Option("--by", metavar="month|quarter|year",
                                    help="The period to count by (default: month).")] = "month",
    from_: meeting_option("from_") = None,
    to: meeting_option("to") = None,
    year: meeting_option("year") = None,
    status: meeting_option("status") = None,
    location: meeting_option("location") = None,
    search: meeting_option("search") = None,
    log: LogOption = None,
) -> None:
    """Meetings per month, quarter or year as a bar chart: a column per person or topic, a line per period.

    Meetings known only to the month or year count in the periods they certainly fall in; when the period is
    finer than what is known, they are counted apart ("2017, month unknown"), never spread or guessed.

    Examples:

      nafta-log timeline --person Dias --by year

      nafta-log timeline --topic nafta --topic auto-sector --by quarter --from 2017
    """
    from nafta_log import timeline as tl
    from nafta_log.errors import UsageError
    if by not in tl.GRANULARITIES:
        raise UsageError(f"--by must be one of {', '.join(tl.GRANULARITIES)}, not {by!r}")
    lg = load(log).log
    base = meeting_query(lg, None, None, from_, to, year, status, location, search, None)
    people = tuple(dict.fromkeys(names.resolve(lg.stakeholders, p).id for p in person or ()))
    topics = tuple(dict.fromkeys(names.resolve(lg.topics, t, "topic").id for t in topic or ()))
    import shutil
    from nafta_log import render_charts
    width = shutil.get_terminal_size((80, 24)).columns
    out(render_charts.timeline_chart(tl.timeline(lg, base, by, people, topics), width))


def who_matrix(person: Optional[str], fmt: Format, log: Optional[str], top: int) -> None:
    """`who --matrix`: the shared meetings of the `top` most active stakeholders, as a heat matrix or JSON/CSV."""
    from nafta_log.errors import UsageError
    if person is not None:
        raise UsageError("--matrix shows the most active stakeholders; leave out --person")
    lg = load(log).log
    from nafta_log import network, render_charts
    mx = network.matrix(lg, lg.meetings.values(), top)
    emit(fmt, lambda: render_charts.matrix_chart(mx), lambda: network.matrix_dict(mx),
         lambda: network.matrix_csv(mx))
