"""Whole-log checks: each function takes the loaded log and returns the problems it finds."""

from __future__ import annotations

from typing import Callable, Iterable

from nafta_log.errors import Problem
from nafta_log.model import Log, Meeting, Stakeholder

Check = Callable[[Log], Iterable[Problem]]


def _at(record: Meeting | Stakeholder, key: str, message: str) -> Problem:
    origin = record.origin
    path = origin.path if origin else record.id
    line = origin.line_of(key) if origin else None
    return Problem(path, line, 1 if line else None, message)


def unknown_references(log: Log) -> Iterable[Problem]:
    """Meetings naming stakeholders or topics the log does not have."""
    for m in log.meetings.values():
        for p in m.participants:
            if p not in log.stakeholders:
                yield _at(m, "participants", f"unknown stakeholder id {p!r} in participants")
        for t in m.topics:
            if t not in log.topics:
                yield _at(m, "topics", f"unknown topic id {t!r} (add it with `nafta-log add topic`)")


def duplicate_participants(log: Log) -> Iterable[Problem]:
    """The same stakeholder listed twice in one meeting."""
    for m in log.meetings.values():
        seen: set[str] = set()
        for p in m.participants:
            if p in seen:
                yield _at(m, "participants", f"stakeholder {p!r} is listed twice")
            seen.add(p)


def meeting_dates(log: Log) -> Iterable[Problem]:
    """End before start, an end or a time on a date not known to the day, a folder that is not the year."""
    for m in log.meetings.values():
        if m.end is not None:
            if m.date.day is None:
                yield _at(m, "end", f"'end' needs a start date known to the day, not {str(m.date)!r}")
            elif m.end < m.date.first_day():
                yield _at(m, "end", f"end {m.end.isoformat()} is before the start {m.date}")
        if m.time is not None and m.date.day is None:
            yield _at(m, "time", f"'time' needs a date known to the day, not {str(m.date)!r}")
        if m.timezone is not None:
            from nafta_log.dates import parse_timezone
            from nafta_log.errors import DateError
            try:
                parse_timezone(m.timezone)
            except DateError as exc:
                yield _at(m, "timezone", str(exc))
        if m.origin is not None:
            parts = m.origin.path.split("/")
            if len(parts) >= 3 and parts[-2] != f"{m.date.year:04d}":
                yield _at(m, "date", f"meeting dated {m.date} is filed under meetings/{parts[-2]}/; "
                                     f"move it to meetings/{m.date.year:04d}/")


def role_references(log: Log) -> Iterable[Problem]:
    """Roles at organizations the log does not have, or at a person, or ending before they start."""
    for s in log.stakeholders.values():
        for i, r in enumerate(s.roles):
            key = f"roles.{i}.organization"
            if r.organization is not None:
                org = log.stakeholders.get(r.organization)
                if org is None:
                    yield _at(s, key, f"unknown organization id {r.organization!r} in roles")
                elif org.kind != "organization":
                    yield _at(s, key, f"{r.organization!r} is a person, not an organization")
            if r.since and r.until and r.until.last_day() < r.since.first_day():
                yield _at(s, f"roles.{i}.until", f"role ends ({r.until}) before it starts ({r.since})")


def similar_titles(a: str, b: str) -> bool:
    """True when two titles read as the same meeting: nearly the same words, and the same numbers in them."""
    import difflib
    import re
    from nafta_log.names import fold
    fa, fb = fold(a), fold(b)
    if re.findall(r"\d+", fa) != re.findall(r"\d+", fb):
        return False  # "meeting 1 of 3" and "meeting 2 of 3" are two meetings
    words_a, words_b = re.findall(r"\w+", fa), re.findall(r"\w+", fb)
    return difflib.SequenceMatcher(None, words_a, words_b).ratio() >= 0.75 or \
        difflib.SequenceMatcher(None, fa, fb).ratio() >= 0.85


def duplicate_meetings(log: Log) -> Iterable[Problem]:
    """Two meetings with the same date, the same participants and a similar title, e.g. added by two people."""
    groups: dict[tuple[str, frozenset[str]], list[Meeting]] = {}
    for m in log.meetings.values():
        groups.setdefault((str(m.date), frozenset(m.participants)), []).append(m)
    for group in groups.values():
        group.sort(key=lambda m: m.id)
        for i, later in enumerate(group):
            twin = next((m for m in group[:i] if similar_titles(m.title, later.title)), None)
            if twin is not None:
                where = twin.origin.path if twin.origin else twin.id
                yield _at(later, "title", f"looks like a duplicate of {where} (same date, same participants, similar "
                                          "title); if it is, keep one, copy over what the other adds, and remove it")


CHECKS: tuple[Check, ...] = (unknown_references, duplicate_participants, meeting_dates, role_references,
                             duplicate_meetings)


def run_checks(log: Log) -> list[Problem]:
    """Every problem every check finds, sorted by file and line."""
    found = [p for check in CHECKS for p in check(log)]
    return sorted(found, key=Problem.sort_key)
