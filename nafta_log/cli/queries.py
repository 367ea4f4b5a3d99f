"""The commands that answer questions: meetings, show, people, person, topics, who."""


from typing import Annotated, Any, Optional

import typer

from nafta_log import iquery, query, render_sheet, serialize
from nafta_log.cli.common import Format, FormatOption, LogOption, emit, open_index, parse_date_option
from nafta_log.errors import UsageError
from nafta_log.model import STATUSES


# The filter flags of `meetings`, shared by every command that selects meetings (export, timeline, graph, report).
PersonFilter = Annotated[Optional[list[str]], typer.Option(
    "--person", "-p", metavar="NAME", help="Only meetings this stakeholder took part in; repeat to require several.")]
TopicFilter = Annotated[Optional[list[str]], typer.Option(
    "--topic", "-t", metavar="TOPIC", help="Only meetings about this topic; repeat for any of several.")]
FromFilter = Annotated[Optional[str], typer.Option(
    "--from", metavar="DATE", help="Only meetings whose whole known span starts on or after DATE.")]
ToFilter = Annotated[Optional[str], typer.Option(
    "--to", metavar="DATE", help="Only meetings whose whole known span ends on or before DATE.")]
YearFilter = Annotated[Optional[int], typer.Option(
    "--year", metavar="YYYY", min=1, max=9999, help="Only meetings known to fall in this year.")]
StatusFilter = Annotated[Optional[str], typer.Option("--status", metavar="STATUS", help="scheduled, held or cancelled.")]
LocationFilter = Annotated[Optional[str], typer.Option(
    "--location", metavar="TEXT", help="Only meetings whose location contains TEXT.")]
SearchFilter = Annotated[Optional[str], typer.Option(
    "--search", "-s", metavar="TEXT", help="Only meetings whose title or summary contains TEXT.")]


def meetings(
    person: PersonFilter = None,
    topic: TopicFilter = None,
    from_: FromFilter = None,
    to: ToFilter = None,
    year: YearFilter = None,
    status: StatusFilter = None,
    location: LocationFilter = None,
    search: SearchFilter = None,
    limit: Annotated[Optional[int], typer.Option("--limit", "-n", min=0, help="Show at most N meetings.")] = None,
    fmt: FormatOption = Format.table,
    log: LogOption = None,
) -> None:
    """List meetings in date order, filtered by who, what and when.

    Examples:

      nafta-log meetings --person Dias

      nafta-log meetings -p Dias -p Ross --year 2017 --format json

      nafta-log meetings --topic "rules of origin" --from "Dec 2017"
    """
    ix = open_index(log)
    q = meeting_query(ix, person, topic, from_, to, year, status, location, search, limit)
    found = iquery.select_meetings(ix, q)
    lg = ix.log_for(found)
    emit(fmt, lambda: render_sheet.meetings(lg, found),
         lambda: [serialize.meeting_dict(lg, m) for m in found],
         lambda: ([serialize.meeting_csv_row(lg, m) for m in found], serialize.MEETING_CSV))


def meeting_query(ix, person, topic, from_, to, year, status, location, search, limit) -> query.MeetingQuery:  # type: ignore[no-untyped-def]
    """Turn the filter flags of `meetings` (and exports) into a MeetingQuery, resolving names in the index."""
    people = tuple(iquery.resolve_stakeholder(ix, p).id for p in person or ())
    topics = tuple(iquery.resolve_topic(ix, t).id for t in topic or ())
    order = ix.settings().date_order
    start_d = parse_date_option(from_, "--from", order)
    end_d = parse_date_option(to, "--to", order)
    start = start_d.first_day() if start_d else None
    end = end_d.last_day() if end_d else None
    if year is not None:
        import datetime as dt
        ys, ye = dt.date(year, 1, 1), dt.date(year, 12, 31)
        start = max(start, ys) if start else ys
        end = min(end, ye) if end else ye
    if status is not None and status not in STATUSES:
        raise UsageError(f"--status must be one of {', '.join(STATUSES)}, not {status!r}")
    return query.MeetingQuery(people=people, topics=topics, start=start, end=end, status=status,
                              location=location, search=search, limit=limit)


def show(
    meeting_id: Annotated[str, typer.Argument(metavar="ID", help="A meeting id; a unique prefix is enough.")],
    fmt: FormatOption = Format.table,
    log: LogOption = None,
) -> None:
    """Show one meeting in full, with its sources.

    Example:

      nafta-log show 2017-12-14
    """
    ix = open_index(log)
    m = iquery.find_meeting(ix, meeting_id)
    lg = ix.log_for([m])
    emit(fmt, lambda: _rich().meeting_detail(lg, m), lambda: serialize.meeting_dict(lg, m),
         lambda: ([serialize.meeting_csv_row(lg, m)], serialize.MEETING_CSV))


def people(fmt: FormatOption = Format.table, log: LogOption = None) -> None:
    """List stakeholders with current role, organization, country, meetings and last meeting.

    Example:

      nafta-log people
    """
    lg, rows = iquery.people_rows(open_index(log))
    emit(fmt, lambda: render_sheet.people(rows), lambda: [serialize.person_dict(r) for r in rows],
         lambda: ([serialize.person_dict(r) | {"aliases": "; ".join(r.stakeholder.aliases)} for r in rows],
                  ("id", "kind", "name", "aliases", "country", "role", "organization", "organization_name",
                   "meetings", "last_meeting")))


def person(
    name: Annotated[str, typer.Argument(metavar="NAME", help="Id, full name, alias or surname.")],
    fmt: FormatOption = Format.table,
    log: LogOption = None,
) -> None:
    """Show one stakeholder: profile, roles over time, and their meetings with whom, about what.

    Examples:

      nafta-log person Dias

      nafta-log person unifor
    """
    ix = open_index(log)
    lg, p = iquery.profile(ix, iquery.resolve_stakeholder(ix, name).id)
    emit(fmt, lambda: _rich().profile_view(lg, p), lambda: serialize.profile_dict(lg, p),
         lambda: ([serialize.meeting_csv_row(lg, m) for m in p.meetings], serialize.MEETING_CSV))


def topics(fmt: FormatOption = Format.table, log: LogOption = None) -> None:
    """The per-topic summary: meetings, first and last date, and who took part most.

    Example:

      nafta-log topics
    """
    lg, rows = iquery.topic_summary(open_index(log))
    emit(fmt, lambda: render_sheet.topics(lg, rows), lambda: [serialize.topic_dict(lg, r) for r in rows],
         lambda: ([serialize.topic_dict(lg, r) | {"top_participants": "; ".join(
             f"{lg.name_of(p)} ({n})" for p, n in r.top)} for r in rows],
             ("id", "name", "meetings", "first", "last", "top_participants")))


def who(
    person: Annotated[Optional[str], typer.Option("--person", "-p", metavar="NAME",
                      help="Only this stakeholder's counterparts.")] = None,
    fmt: FormatOption = Format.table,
    log: LogOption = None,
    matrix: Annotated[bool, typer.Option("--matrix", help="A heat matrix of the most active stakeholders.")] = False,
    top: Annotated[int, typer.Option("--top", min=1, max=16, help="With --matrix: how many (default 10).")] = 10,
) -> None:
    """Who met whom: every pair that shared a meeting, with count, first and last date, and topics.

    Examples:

      nafta-log who

      nafta-log who --person Ross

      nafta-log who --matrix --top 8
    """
    if matrix:
        from nafta_log.cli.charts import who_matrix
        return who_matrix(person, fmt, log, top)
    ix = open_index(log)
    sid = iquery.resolve_stakeholder(ix, person).id if person is not None else None
    lg, rows = iquery.pairs(ix, sid)

    def flat() -> tuple[list, tuple]:
        data = [serialize.pair_dict(lg, r) for r in rows]
        return ([{"a": d["a"]["name"], "a_id": d["a"]["id"], "b": d["b"]["name"], "b_id": d["b"]["id"],
                  "meetings": d["meetings"], "first": d["first"], "last": d["last"], "topics": "; ".join(d["topics"])}
                 for d in data], ("a", "a_id", "b", "b_id", "meetings", "first", "last", "topics"))

    emit(fmt, lambda: render_sheet.pairs(lg, rows, sid), lambda: [serialize.pair_dict(lg, r) for r in rows], flat)


def _rich() -> Any:
    """The Rich renderers, imported only when a view is printed as a table."""
    from nafta_log import render
    return render
