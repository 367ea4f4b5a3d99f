"""The queries of query.py answered from the index: the same results, at a cost that does not grow with the log.

Each function narrows the candidates in SQL and then applies the pure functions of query.py to the few
records it materializes, so query.py stays the one definition of what every command means.
"""

from __future__ import annotations

import json
from typing import Any

from nafta_log import names, query
from nafta_log.errors import AmbiguousName, NaftaLogError
from nafta_log.index import Index
from nafta_log.model import Log, Meeting, PartialDate, Stakeholder, Topic
from nafta_log.query import MeetingQuery, PairRow, PersonRow, Profile, TopicRow


def resolve_stakeholder(ix: Index, text: str) -> Stakeholder:
    """The one stakeholder `text` names (id, full name, alias, surname or id prefix)."""
    def stage(n: int, key: str, slug: str) -> list[Stakeholder]:
        return list(ix.stakeholders(ix.candidates("s", n, key, slug)).values())
    return names.resolve_with(text, lambda t: ix.stakeholders([t]).get(t), stage,
                              lambda: ix.stakeholders().values(), "stakeholder")


def resolve_topic(ix: Index, text: str) -> Topic:
    """The one topic `text` names."""
    topics = ix.topics()

    def stage(n: int, key: str, slug: str) -> list[Topic]:
        return [topics[i] for i in ix.candidates("t", n, key, slug) if i in topics]
    return names.resolve_with(text, topics.get, stage, lambda: topics.values(), "topic")


def select_meetings(ix: Index, q: MeetingQuery) -> list[Meeting]:
    """The meetings that match `q`, in date order: SQL narrows, query.matches decides."""
    where: list[str] = []
    args: list[Any] = []
    for person in q.people:
        where.append("m.id IN (SELECT meeting FROM participants WHERE stakeholder = ?)")
        args.append(person)
    if q.topics:
        where.append(f"m.id IN (SELECT meeting FROM meeting_topics WHERE topic IN ({','.join('?' * len(q.topics))}))")
        args += list(q.topics)
    if q.start is not None:
        where.append("m.first >= ?")
        args.append(q.start.isoformat())
    if q.end is not None:
        where.append("m.last <= ?")
        args.append(q.end.isoformat())
    if q.status is not None:
        where.append("m.status = ?")
        args.append(q.status)
    exact = q.location is None and q.search is None
    found = ix.meetings_where("WHERE " + " AND ".join(where) if where else "", args, q.limit if exact else None)
    found = [m for m in found if query.matches(m, q)]
    return found[: q.limit] if q.limit is not None else found


def find_meeting(ix: Index, prefix: str) -> Meeting:
    """The one meeting whose id is `prefix` or starts with it."""
    typed = prefix.strip()
    exact = ix.meeting(typed) if typed else None
    if exact is not None:
        return exact
    ids = ix.meeting_ids(typed) if typed else []
    if not ids:
        raise NaftaLogError(f"no meeting id starts with {typed!r}; list ids with `nafta-log meetings --format csv`")
    if len(ids) > 1:
        listed = ", ".join(ids[:10]) + (" ..." if len(ids) > 10 else "")
        raise AmbiguousName(f"{typed!r} matches {len(ids)} meetings: {listed}; type more of the id")
    meeting = ix.meeting(ids[0])
    assert meeting is not None
    return meeting


def _date_of(ix: Index, skey: str | None) -> PartialDate | None:
    if skey is None:
        return None
    row = ix.con.execute("SELECT date FROM meetings WHERE id = ?", (skey.rsplit("\x00", 1)[1],)).fetchone()
    return PartialDate.parse(row[0]) if row else None


def people_rows(ix: Index) -> tuple[Log, list[PersonRow]]:
    """Every stakeholder with current role, meeting count and last meeting (as query.people_rows)."""
    everyone = ix.stakeholders()
    log = Log(str(ix.root), ix.settings(), everyone, dict(ix.topics()), {})
    stats = {sid: (n, _date_of(ix, last)) for sid, n, last in ix.con.execute("SELECT * FROM people_stats")}
    rows = []
    for s in sorted(everyone.values(), key=lambda s: (s.kind != "person", names.fold(s.name), s.id)):
        role = s.current_role()
        org = log.name_of(role.organization) if role and role.organization else None
        n, last = stats.get(s.id, (0, None))
        rows.append(PersonRow(s, role, org, n, last))
    return log, rows


def topic_summary(ix: Index, top: int = 3) -> tuple[Log, list[TopicRow]]:
    """For each topic: meetings, first and last date, and who took part most (as query.topic_summary)."""
    stats = {t: (n, first, last, json.loads(tops or "[]"))
             for t, n, first, last, tops in ix.con.execute("SELECT * FROM topic_stats")}
    people = ix.stakeholders([sid for *_, tops in stats.values() for sid, _ in tops])
    topics = dict(ix.topics())
    for tid in stats:
        topics.setdefault(tid, Topic(id=tid, name=tid))
    log = Log(str(ix.root), ix.settings(), people, topics, {})
    rows = []
    for tid, topic in topics.items():
        n, first, last, tops = stats.get(tid, (0, None, None, []))
        ranked = sorted(((sid, c) for sid, c in tops), key=lambda kv: (-kv[1], names.fold(log.name_of(kv[0]))))[:top]
        rows.append(TopicRow(topic, n, _date_of(ix, first), _date_of(ix, last), tuple(ranked)))
    rows.sort(key=lambda r: (-r.meetings, names.fold(r.topic.name)))
    return log, rows


def pairs(ix: Index, person: str | None = None) -> tuple[Log, list[PairRow]]:
    """Who met whom (or `person`'s counterparts), computed by query.pairs over just the meetings needed."""
    if person is None:
        log = ix.full_log()
    else:
        log = ix.log_for(ix.meetings_where("WHERE m.id IN (SELECT meeting FROM participants WHERE stakeholder = ?)",
                                           (person,)), [person])
    return log, query.pairs(log, person)


def profile(ix: Index, sid: str) -> tuple[Log, Profile]:
    """One stakeholder's profile (as query.profile), from their meetings and the people who held roles there."""
    members = [r[0] for r in ix.con.execute("SELECT DISTINCT stakeholder FROM roles WHERE organization = ?", (sid,))]
    meetings = ix.meetings_where("WHERE m.id IN (SELECT meeting FROM participants WHERE stakeholder = ?)", (sid,))
    log = ix.log_for(meetings, [sid, *members])
    return log, query.profile(log, sid)


class IndexDirectory:
    """The actions.Directory of an index: names resolved and ids checked without loading the log."""

    def __init__(self, ix: Index) -> None:
        self.ix = ix

    def stakeholder(self, text: str) -> Stakeholder:
        """The one stakeholder `text` names."""
        return resolve_stakeholder(self.ix, text)

    def topic(self, text: str) -> Topic:
        """The one topic `text` names."""
        return resolve_topic(self.ix, text)

    def stakeholder_by_id(self, sid: str) -> Stakeholder | None:
        """The stakeholder with this id, if any."""
        return self.ix.stakeholders([sid]).get(sid)

    def same_name(self, name: str) -> list[Stakeholder]:
        """Stakeholders whose full name folds to the same text as `name`."""
        ids = self.ix.candidates("s", 1, names.fold(name), "")
        return [s for s in self.ix.stakeholders(ids).values() if names.fold(s.name) == names.fold(name)]
