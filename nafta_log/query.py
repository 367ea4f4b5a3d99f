"""Pure filters, sorts and summaries over a Log: meetings, people, per topic, per pair, per person."""


import datetime as dt
from collections import Counter, defaultdict
from typing import NamedTuple

from nafta_log.model import Log, Meeting, PartialDate, Role, Stakeholder, Topic
from nafta_log.names import fold


class MeetingQuery(NamedTuple):
    """Which meetings to list: every given person took part, any given topic, span inside the dates."""

    people: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    start: dt.date | None = None
    end: dt.date | None = None
    status: str | None = None
    location: str | None = None
    search: str | None = None
    limit: int | None = None


def matches(m: Meeting, q: MeetingQuery) -> bool:
    """True when meeting `m` passes every filter of `q`."""
    if q.people and not set(q.people) <= set(m.participants):
        return False
    if q.topics and not set(q.topics) & set(m.topics):
        return False
    first, last = m.span
    if q.start is not None and first < q.start:
        return False
    if q.end is not None and last > q.end:
        return False
    if q.status is not None and m.status != q.status:
        return False
    if q.location is not None and fold(q.location) not in fold(m.location or ""):
        return False
    if q.search is not None:
        needle = fold(q.search)
        if needle not in fold(m.title) and needle not in fold(m.summary or ""):
            return False
    return True


def select_meetings(log: Log, q: MeetingQuery) -> list[Meeting]:
    """The meetings that match `q`, in date order, at most `q.limit` of them."""
    found = [m for m in log.sorted_meetings() if matches(m, q)]
    return found[: q.limit] if q.limit is not None else found


def counted(m: Meeting) -> bool:
    """Whether a meeting counts in summaries: cancelled meetings did not take place."""
    return m.status != "cancelled"


class PersonRow(NamedTuple):
    """One line of `people`: a stakeholder with current role, meeting count and last meeting."""

    stakeholder: Stakeholder
    role: Role | None
    organization: str | None
    meetings: int
    last: PartialDate | None


def people_rows(log: Log) -> list[PersonRow]:
    """Every stakeholder, people first, then by name."""
    count: Counter[str] = Counter()
    last: dict[str, Meeting] = {}
    for m in log.sorted_meetings():
        if not counted(m):
            continue
        for p in set(m.participants):
            count[p] += 1
            last[p] = m
    rows = []
    for s in sorted(log.stakeholders.values(), key=lambda s: (s.kind != "person", fold(s.name), s.id)):
        role = s.current_role()
        org = log.name_of(role.organization) if role and role.organization else None
        rows.append(PersonRow(s, role, org, count[s.id], last[s.id].date if s.id in last else None))
    return rows


class TopicRow(NamedTuple):
    """One line of the per-topic summary."""

    topic: Topic
    meetings: int
    first: PartialDate | None
    last: PartialDate | None
    top: tuple[tuple[str, int], ...]


def topic_summary(log: Log, top: int = 3) -> list[TopicRow]:
    """For each topic: meetings, first and last date, and who took part most; busiest topic first."""
    per: dict[str, list[Meeting]] = defaultdict(list)
    for m in log.sorted_meetings():
        if counted(m):
            for t in dict.fromkeys(m.topics):
                per[t].append(m)
    topics = dict(log.topics)
    for tid in per:
        topics.setdefault(tid, Topic(id=tid, name=tid))
    rows = []
    for tid, topic in topics.items():
        ms = per.get(tid, [])
        people: Counter[str] = Counter(p for m in ms for p in dict.fromkeys(m.participants))
        ranked = sorted(people.items(), key=lambda kv: (-kv[1], fold(log.name_of(kv[0]))))[:top]
        rows.append(TopicRow(topic, len(ms), ms[0].date if ms else None, ms[-1].date if ms else None, tuple(ranked)))
    rows.sort(key=lambda r: (-r.meetings, fold(r.topic.name)))
    return rows


class PairRow(NamedTuple):
    """Two stakeholders who shared meetings: how often, first and last date, about what."""

    a: str
    b: str
    meetings: int
    first: PartialDate
    last: PartialDate
    topics: tuple[str, ...]


def pairs(log: Log, person: str | None = None) -> list[PairRow]:
    """Every pair that shared a meeting (or `person`'s counterparts), most meetings first."""
    acc: dict[tuple[str, str], list[Meeting]] = defaultdict(list)
    for m in log.sorted_meetings():
        if not counted(m):
            continue
        ps = list(dict.fromkeys(m.participants))
        for i, a in enumerate(ps):
            for b in ps[i + 1:]:
                if person is not None and person not in (a, b):
                    continue
                if person is not None:
                    key = (person, b if a == person else a)
                else:
                    key = (a, b) if fold(log.name_of(a)) <= fold(log.name_of(b)) else (b, a)
                acc[key].append(m)
    rows = []
    for (a, b), ms in acc.items():
        topics = tuple(dict.fromkeys(t for m in ms for t in m.topics))
        rows.append(PairRow(a, b, len(ms), ms[0].date, ms[-1].date, topics))
    rows.sort(key=lambda r: (-r.meetings, fold(log.name_of(r.a)), fold(log.name_of(r.b))))
    return rows


class Profile(NamedTuple):
    """One stakeholder in full: roles over time and the timeline of their meetings."""

    stakeholder: Stakeholder
    roles: tuple[Role, ...]
    meetings: tuple[Meeting, ...]
    members: tuple[Stakeholder, ...] = ()


def profile(log: Log, sid: str) -> Profile:
    """The profile of stakeholder `sid` (people who held roles there, for an organization)."""
    s = log.stakeholders[sid]
    roles = tuple(sorted(s.roles, key=lambda r: r.since.sort_key() if r.since else (dt.date.min, -1)))
    ms = tuple(m for m in log.sorted_meetings() if sid in m.participants)
    members = tuple(sorted((o for o in log.stakeholders.values() if any(r.organization == sid for r in o.roles)),
                           key=lambda o: fold(o.name)))
    return Profile(s, roles, ms, members)
