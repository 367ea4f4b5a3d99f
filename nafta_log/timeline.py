"""Meetings counted per month, quarter or year: only in the periods a meeting certainly falls in, never guessed.

A meeting known to the day counts in the period of that day; one held over several days counts in every
period it was held in. A meeting known only to the month or the year counts in a period only when that whole
month or year lies inside it ("2017-12" is in 2017-Q4; "2017" is in 2017). When the period is finer than what
is known ("2017" by month), the meeting is counted apart, in a bucket such as "2017, month unknown".
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any, Iterable, NamedTuple

from nafta_log.model import Log, Meeting
from nafta_log.names import fold
from nafta_log.query import MeetingQuery, counted, matches

GRANULARITIES = ("month", "quarter", "year")


class Period(NamedTuple):
    """One month, quarter or year: `index` is the month (1-12), the quarter (1-4) or 0 for a whole year."""

    by: str
    year: int
    index: int = 0

    def label(self) -> str:
        """"2017-12", "2017-Q4" or "2017"."""
        if self.by == "month":
            return f"{self.year:04d}-{self.index:02d}"
        if self.by == "quarter":
            return f"{self.year:04d}-Q{self.index}"
        return f"{self.year:04d}"

    def next(self) -> Period:
        """The period right after this one."""
        size = {"month": 12, "quarter": 4, "year": 1}[self.by]
        if self.by == "year" or self.index == size:
            return Period(self.by, self.year + 1, 1 if self.by != "year" else 0)
        return Period(self.by, self.year, self.index + 1)


class Unknown(NamedTuple):
    """Meetings of one year whose date is too coarse for the period: "2017, month unknown"."""

    by: str
    year: int

    def label(self) -> str:
        """"2017, month unknown"."""
        return f"{self.year:04d}, {self.by} unknown"


def check_granularity(by: str) -> str:
    """`by` itself when it is month, quarter or year; ValueError otherwise."""
    if by not in GRANULARITIES:
        raise ValueError(f"the period must be one of {', '.join(GRANULARITIES)}, not {by!r}")
    return by


def period_of(day: dt.date, by: str) -> Period:
    """The month, quarter or year that `day` falls in."""
    if by == "month":
        return Period(by, day.year, day.month)
    if by == "quarter":
        return Period(by, day.year, (day.month - 1) // 3 + 1)
    return Period(by, day.year, 0)


def periods_between(first: Period, last: Period) -> list[Period]:
    """Every period from `first` to `last`, both included."""
    out = [first]
    while out[-1] < last:
        out.append(out[-1].next())
    return out


def certain_periods(m: Meeting, by: str) -> list[Period]:
    """The periods meeting `m` certainly took place in; empty when its date is too coarse to tell.

    With no end day the meeting is one day somewhere in its date's span: it is certainly in a period only
    when that whole span is. With an end day it ran from some start in its date's span to the end: every
    period that holds a day between the latest possible start and the end certainly saw it.
    """
    first, last = m.date.first_day(), m.date.last_day()
    if m.end is None:
        p = period_of(first, by)
        return [p] if period_of(last, by) == p else []
    latest_start = min(last, m.end)
    return periods_between(period_of(latest_start, by), period_of(m.end, by))


def place(m: Meeting, by: str) -> list[Period] | Unknown:
    """Where `m` is counted: its certain periods, or the bucket of its year whose `by` is unknown."""
    found = certain_periods(m, by)
    return found if found else Unknown(by, m.date.year)


class Series(NamedTuple):
    """One row of a timeline: meetings per period, per unknown bucket, in all (each meeting once), year-only."""

    key: str
    label: str
    counts: dict[Period, int]
    unknown: dict[Unknown, int]
    total: int
    year_only: int = 0


def count(meetings: Iterable[Meeting], by: str, key: str = "", label: str = "") -> Series:
    """Count `meetings` per period of kind `by`; those whose date is too coarse go to unknown buckets."""
    check_granularity(by)
    counts: Counter[Period] = Counter()
    unknown: Counter[Unknown] = Counter()
    total = year_only = 0
    for m in meetings:
        total += 1
        year_only += m.date.month is None
        where = place(m, by)
        if isinstance(where, Unknown):
            unknown[where] += 1
        else:
            counts.update(where)
    return Series(key, label, dict(counts), dict(unknown), total, year_only)


class Timeline(NamedTuple):
    """Several series over one run of periods, with the unknown buckets any of them uses."""

    by: str
    periods: tuple[Period, ...]
    unknown: tuple[Unknown, ...]
    series: tuple[Series, ...]


def assemble(by: str, series: list[Series]) -> Timeline:
    """A timeline over every period from the first to the last that any series counts in, gaps included."""
    seen = {p for s in series for p in s.counts}
    periods = tuple(periods_between(min(seen), max(seen))) if seen else ()
    unknown = tuple(sorted({u for s in series for u in s.unknown}))
    return Timeline(by, periods, unknown, tuple(series))


def timeline(log: Log, base: MeetingQuery, by: str, people: tuple[str, ...] = (), topics: tuple[str, ...] = (),
             counterparts: int = 8) -> Timeline:
    """Meetings per period: a series per person and per topic, else one of all meetings matching `base`.

    `base` filters every series (dates, status, location, search; its people and topics are ignored);
    cancelled meetings count only when `base.status` asks for them. With exactly one person and no topic,
    the `counterparts` people they met most get a series each ("with Wilbur Ross").
    """
    check_granularity(by)
    base = base._replace(people=(), topics=(), limit=None)
    pool = [m for m in log.sorted_meetings() if matches(m, base) and (base.status is not None or counted(m))]
    series = [count((m for m in pool if p in m.participants), by, p, log.name_of(p)) for p in people]
    series += [count((m for m in pool if t in m.topics), by, t, log.topic_name(t)) for t in topics]
    if len(people) == 1 and not topics:
        series += counterpart_series(log, [m for m in pool if people[0] in m.participants], people[0], by,
                                     counterparts)
    if not people and not topics:
        series.append(count(pool, by, "", "All meetings"))
    return assemble(by, series)


def counterpart_series(log: Log, meetings: list[Meeting], person: str, by: str, top: int) -> list[Series]:
    """A series for each of the `top` stakeholders `person` met most in `meetings`, labelled "with NAME"."""
    met: Counter[str] = Counter(p for m in meetings for p in dict.fromkeys(m.participants) if p != person)
    ranked = sorted(met, key=lambda p: (-met[p], fold(log.name_of(p)), p))[:top]
    return [count((m for m in meetings if p in m.participants), by, p, f"with {log.name_of(p)}") for p in ranked]


def timeline_dict(tl: Timeline) -> dict[str, Any]:
    """JSON-ready data: the periods and unknown buckets in order, and each series' counts in that order."""
    labels = [p.label() for p in tl.periods] + [u.label() for u in tl.unknown]
    series = [{"id": s.key or None, "label": s.label, "total": s.total, "year_only": s.year_only,
               "counts": [s.counts.get(p, 0) for p in tl.periods] + [s.unknown.get(u, 0) for u in tl.unknown]}
              for s in tl.series]
    return {"by": tl.by, "periods": labels, "series": series}


def timeline_csv(tl: Timeline) -> tuple[list[dict[str, Any]], tuple[str, ...]]:
    """CSV rows: one per period and unknown bucket, a column of counts per series (by its label)."""
    data = timeline_dict(tl)
    columns = ("period", *(s["label"] for s in data["series"]))
    rows = [{"period": label, **{s["label"]: s["counts"][i] for s in data["series"]}}
            for i, label in enumerate(data["periods"])]
    return rows, columns
