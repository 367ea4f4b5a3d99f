"""What the shareable report shows, computed from the selected meetings: figures, timeline, matrix, network, sections.

Pure data: `render_html` turns a Report into the page. The SVG of the network is drawn by a function passed in
(Graphviz in practice), so the report can still be made, with a note, where Graphviz is missing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Callable, NamedTuple

from nafta_log import query
from nafta_log.errors import NaftaLogError
from nafta_log.model import Log, Meeting, PartialDate, Stakeholder
from nafta_log.names import fold
from nafta_log.network import Graph, Matrix, build_graph, matrix, most_active, network
from nafta_log.timeline import Series, Timeline, assemble, count

MATRIX_TOP = 15
GRAPH_TOP = 100
GRAPH_EDGES = 300


class Overview(NamedTuple):
    """The headline figures."""

    meetings: int
    counted: int
    stakeholders: int
    topics: int
    pairs: int
    first: PartialDate | None
    last: PartialDate | None


class Section(NamedTuple):
    """One stakeholder's part of the report: who they are, their timeline, whom they met most, about what."""

    stakeholder: Stakeholder
    role: str
    meetings: int
    series: Series
    counterparts: tuple[tuple[str, int], ...]
    topics: tuple[tuple[str, int], ...]


class Report(NamedTuple):
    """Everything the page shows."""

    log: Log
    title: str
    generated: dt.date
    filters: str
    overview: Overview
    timeline: Timeline
    matrix: Matrix
    graph: Graph
    graph_svg: str | None
    graph_note: str
    topics: tuple[query.TopicRow, ...]
    sections: tuple[Section, ...]
    meetings: tuple[Meeting, ...]


def granularity(meetings: list[Meeting]) -> str:
    """Month for up to three years of meetings, quarter for up to twelve, else year."""
    if not meetings:
        return "month"
    years = max(m.span[1].year for m in meetings) - min(m.span[0].year for m in meetings) + 1
    return "month" if years <= 3 else "quarter" if years <= 12 else "year"


def sub_log(log: Log, meetings: list[Meeting]) -> Log:
    """The log with only `meetings`, so every summary of query.py can run on the selection."""
    return Log(log.root, log.settings, log.stakeholders, log.topics, {m.id: m for m in meetings})


def role_text(log: Log, s: Stakeholder) -> str:
    """"Title, Organization (CC)" as known."""
    role = s.current_role()
    parts = [p for p in (role.title if role else "", log.name_of(role.organization) if role and role.organization
                         else "") if p]
    text = ", ".join(parts)
    return f"{text} ({s.country})" if s.country else text


def sections(log: Log, meetings: list[Meeting], by: str) -> tuple[Section, ...]:
    """A section per stakeholder who took part in a counted meeting, most active first."""
    held = [m for m in meetings if query.counted(m)]
    per: dict[str, list[Meeting]] = {}
    for m in held:
        for p in dict.fromkeys(m.participants):
            per.setdefault(p, []).append(m)
    out = []
    for sid in most_active(log, network(held)):
        ms = per[sid]
        met: Counter[str] = Counter(p for m in ms for p in dict.fromkeys(m.participants) if p != sid)
        about: Counter[str] = Counter(t for m in ms for t in dict.fromkeys(m.topics))
        s = log.stakeholders.get(sid) or Stakeholder(id=sid, kind="person", name=sid)
        out.append(Section(s, role_text(log, s), len(ms), count(ms, by, sid, s.name),
                           _ranked(met, log.name_of, 5), _ranked(about, log.topic_name, 5)))
    return tuple(out)


def _ranked(counter: Counter[str], name: Callable[[str], str], top: int) -> tuple[tuple[str, int], ...]:
    """The `top` most counted keys with their counts, most first, then by name."""
    return tuple(sorted(counter.items(), key=lambda kv: (-kv[1], fold(name(kv[0])), kv[0]))[:top])


def build_report(log: Log, meetings: list[Meeting], generated: dt.date, filters: str = "",
                 draw: Callable[[Graph], str] | None = None) -> Report:
    """The report of `meetings` (already filtered, in date order); `draw` turns the network into SVG."""
    sub = sub_log(log, meetings)
    held = [m for m in meetings if query.counted(m)]
    by = granularity(held)
    net = network(held)
    dated = sorted(held, key=Meeting.sort_key)
    overview = Overview(len(meetings), len(held), len(net.nodes), len({t for m in held for t in m.topics}),
                        len(net.edges), dated[0].date if dated else None, dated[-1].date if dated else None)
    tl = assemble(by, [count(held, by, "", "All meetings")])
    graph = build_graph(log, held, top=GRAPH_TOP, max_edges=GRAPH_EDGES)
    svg, note = None, graph.omitted()
    if draw is not None and graph.nodes:
        try:
            svg = draw(graph)
        except NaftaLogError as exc:
            note = f"The network graph could not be drawn: {exc}"
    topics = tuple(r for r in query.topic_summary(sub) if r.meetings)
    name = log.settings.name or "nafta-log"
    return Report(log, name, generated, filters, overview, tl, matrix(log, held, MATRIX_TOP), graph, svg, note,
                  topics, sections(log, meetings, by), tuple(meetings))


def describe(log: Log, q: query.MeetingQuery) -> str:
    """The filters of `q` in words ("with Jerry Dias; from 2017-10-01"), empty when there are none."""
    parts = []
    if q.people:
        parts.append("with " + " and ".join(log.name_of(p) for p in q.people))
    if q.topics:
        parts.append("about " + " or ".join(log.topic_name(t) for t in q.topics))
    if q.start:
        parts.append(f"from {q.start.isoformat()}")
    if q.end:
        parts.append(f"to {q.end.isoformat()}")
    for label, value in (("status", q.status), ("location contains", q.location), ("text contains", q.search)):
        if value:
            parts.append(f"{label} {value!r}")
    return "; ".join(parts)
