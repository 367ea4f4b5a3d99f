"""Plain TOML tables <-> model records: shape validation with located problems, and canonical tables."""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Mapping

from nafta_log.errors import Problem
from nafta_log.model import (KINDS, STATUSES, Meeting, Origin, PartialDate, Role, Settings, Source,
                             Stakeholder, Topic)

SCHEMA_VERSION = 1
STAKEHOLDER_KEYS = ("kind", "name", "aliases", "country", "description", "roles")
ROLE_KEYS = ("title", "organization", "since", "until")
MEETING_KEYS = ("title", "date", "end", "time", "timezone", "status", "participants", "topics",
                "location", "summary", "sources")
SOURCE_KEYS = ("publisher", "title", "published", "url", "note")
TOPIC_KEYS = ("name", "aliases", "description")


class _Reader:
    """Reads typed values out of one table, collecting a Problem for each wrong one."""

    def __init__(self, table: Mapping[str, Any], origin: Origin, prefix: str = "") -> None:
        self.table = table
        self.origin = origin
        self.prefix = prefix
        self.problems: list[Problem] = []

    def problem(self, key: str, message: str) -> None:
        line = self.origin.line_of(self.prefix + key) or self.origin.line_of(self.prefix.rstrip("."))
        self.problems.append(Problem(self.origin.path, line, 1 if line else None, message))

    def text(self, key: str, required: bool = False) -> str | None:
        value = self.table.get(key)
        if value is None:
            if required:
                self.problem(key, f"missing required key {key!r}")
            return None
        if not isinstance(value, str):
            self.problem(key, f"{key!r} must be text in quotes, not {_describe(value)}")
            return None
        if required and not value.strip():
            self.problem(key, f"{key!r} is empty")
            return None
        return value

    def text_list(self, key: str) -> tuple[str, ...]:
        value = self.table.get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(key, f"{key!r} must be a list of texts, e.g. {key} = [\"a\", \"b\"]")
            return ()
        return tuple(value)

    def partial_date(self, key: str, required: bool = False) -> PartialDate | None:
        value = self.table.get(key)
        if value is None:
            if required:
                self.problem(key, f"missing required key {key!r}")
            return None
        if isinstance(value, dt.datetime):
            self.problem(key, f"{key!r} must be a date without a time of day; put the time in 'time'")
            return None
        if isinstance(value, dt.date):
            return PartialDate.from_date(value)
        if isinstance(value, str):
            try:
                return PartialDate.parse(value.strip())
            except ValueError as exc:
                self.problem(key, f"{key!r}: {exc}")
                return None
        self.problem(key, f"{key!r} must be a date (2017-12-14) or text \"2017-12\" / \"2017\", "
                          f"not {_describe(value)}")
        return None

    def day(self, key: str) -> dt.date | None:
        value = self.table.get(key)
        if value is None:
            return None
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str):
            try:
                d = PartialDate.parse(value.strip())
            except ValueError as exc:
                self.problem(key, f"{key!r}: {exc}")
                return None
            if d.day is not None:
                return d.first_day()
        self.problem(key, f"{key!r} must be a date known to the day, e.g. {key} = 2017-12-15")
        return None

    def time(self, key: str) -> dt.time | None:
        value = self.table.get(key)
        if value is None:
            return None
        if isinstance(value, dt.time):
            if value.tzinfo is not None:
                self.problem(key, f"{key!r} must be a local time; give the zone in 'timezone'")
                return None
            return value
        if isinstance(value, str):
            try:
                return dt.time.fromisoformat(value.strip())
            except ValueError:
                pass
        self.problem(key, f"{key!r} must be a time of day, e.g. {key} = 10:00:00")
        return None

    def tables(self, key: str) -> list[tuple[int, Mapping[str, Any]]]:
        value = self.table.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.problem(key, f"{key!r} must be a list of tables written as [[{key}]]")
            return []
        return list(enumerate(value))

    def extra(self, known: tuple[str, ...]) -> dict[str, Any]:
        return {k: v for k, v in self.table.items() if k not in known}


def _describe(value: Any) -> str:
    kinds = {bool: "true/false", int: "a number", float: "a number", list: "a list", dict: "a table",
             dt.datetime: "a date and time", dt.date: "a date", dt.time: "a time", str: "text"}
    return kinds.get(type(value), type(value).__name__)


def stakeholder_from_table(sid: str, table: Mapping[str, Any], origin: Origin) -> tuple[Stakeholder | None, list[Problem]]:
    """Build a Stakeholder from its file's table, or return None and the problems that stop it."""
    r = _Reader(table, origin)
    kind = r.text("kind", required=True)
    if kind is not None and kind not in KINDS:
        r.problem("kind", f"'kind' must be \"person\" or \"organization\", not {kind!r}")
        kind = None
    name = r.text("name", required=True)
    aliases = r.text_list("aliases")
    country = r.text("country")
    description = r.text("description")
    roles: list[Role] = []
    for i, rt in r.tables("roles"):
        rr = _Reader(rt, origin, f"roles.{i}.")
        role = Role(title=rr.text("title") or "", organization=rr.text("organization"),
                    since=rr.partial_date("since"), until=rr.partial_date("until"), extra=rr.extra(ROLE_KEYS))
        r.problems.extend(rr.problems)
        roles.append(role)
    if r.problems or kind is None or name is None:
        return None, r.problems
    return Stakeholder(id=sid, kind=kind, name=name, aliases=aliases, country=country, description=description,
                       roles=tuple(roles), extra=r.extra(STAKEHOLDER_KEYS), origin=origin), []


def meeting_from_table(mid: str, table: Mapping[str, Any], origin: Origin) -> tuple[Meeting | None, list[Problem]]:
    """Build a Meeting from its file's table, or return None and the problems that stop it."""
    r = _Reader(table, origin)
    title = r.text("title", required=True)
    date = r.partial_date("date", required=True)
    end = r.day("end")
    time = r.time("time")
    timezone = r.text("timezone")
    status = r.text("status") or "held"
    if status not in STATUSES:
        r.problem("status", f"'status' must be one of {', '.join(STATUSES)}; not {status!r}")
    participants = r.text_list("participants")
    if isinstance(table.get("participants"), list) and not table["participants"]:
        r.problem("participants", "'participants' is empty: a meeting needs at least one participant")
    elif "participants" not in table:
        r.problem("participants", "missing required key 'participants'")
    topics = r.text_list("topics")
    location = r.text("location")
    summary = r.text("summary")
    sources: list[Source] = []
    for i, st in r.tables("sources"):
        sr = _Reader(st, origin, f"sources.{i}.")
        sources.append(Source(publisher=sr.text("publisher"), title=sr.text("title"),
                              published=sr.partial_date("published"), url=sr.text("url"), note=sr.text("note"),
                              extra=sr.extra(SOURCE_KEYS)))
        r.problems.extend(sr.problems)
    if r.problems or title is None or date is None:
        return None, r.problems
    return Meeting(id=mid, title=title, date=date, end=end, time=time, timezone=timezone, status=status,
                   participants=participants, topics=topics, location=location, summary=summary,
                   sources=tuple(sources), extra=r.extra(MEETING_KEYS), origin=origin), []


def topics_from_table(table: Mapping[str, Any], origin: Origin) -> tuple[dict[str, Topic], list[Problem]]:
    """Build the topic vocabulary from topics.toml; a broken entry is left out with its problem."""
    problems: list[Problem] = []
    out: dict[str, Topic] = {}
    entries = table.get("topics", {})
    if not isinstance(entries, dict):
        return {}, [Problem(origin.path, origin.line_of("topics"), 1, "'topics' must be tables written as [topics.<id>]")]
    for tid, t in entries.items():
        if not isinstance(t, dict):
            problems.append(Problem(origin.path, origin.line_of(f"topics.{tid}"), 1,
                                    f"topic {tid!r} must be a table written as [topics.{tid}]"))
            continue
        r = _Reader(t, origin, f"topics.{tid}.")
        name = r.text("name") or tid
        topic = Topic(id=tid, name=name, aliases=r.text_list("aliases"), description=r.text("description"),
                      extra=r.extra(TOPIC_KEYS), origin=origin)
        if r.problems:
            problems.extend(r.problems)
        else:
            out[tid] = topic
    return out, problems


def settings_from_table(table: Mapping[str, Any], origin: Origin) -> tuple[Settings, list[Problem]]:
    """Read nafta-log.toml; an unknown date order or a newer schema is a problem."""
    problems: list[Problem] = []
    version = table.get("schema_version", SCHEMA_VERSION)
    if not isinstance(version, int) or isinstance(version, bool):
        problems.append(Problem(origin.path, origin.line_of("schema_version"), 1, "'schema_version' must be a number"))
        version = SCHEMA_VERSION
    elif version > SCHEMA_VERSION:
        problems.append(Problem(origin.path, origin.line_of("schema_version"), 1,
                                f"this log uses schema_version {version}; this nafta-log reads up to "
                                f"{SCHEMA_VERSION}: upgrade nafta-log"))
    settings = table.get("settings", {})
    if not isinstance(settings, dict):
        settings = {}
    order = settings.get("date_order")
    if order in ("", None):
        order = None
    elif order not in ("DMY", "MDY"):
        problems.append(Problem(origin.path, origin.line_of("settings.date_order"), 1,
                                f"[settings] date_order must be \"DMY\" or \"MDY\", not {order!r}"))
        order = None
    auto_commit = settings.get("auto_commit")
    if auto_commit is not None and not isinstance(auto_commit, bool):
        problems.append(Problem(origin.path, origin.line_of("settings.auto_commit"), 1,
                                f"[settings] auto_commit must be true or false (without quotes), not {auto_commit!r}"))
    name = table.get("name", "")
    return Settings(name=name if isinstance(name, str) else "", date_order=order, schema_version=version,
                    extra={k: v for k, v in table.items() if k not in ("schema_version", "name")}), problems


def _date_value(d: PartialDate | None) -> dt.date | str | None:
    if d is None:
        return None
    return d.as_date() or str(d)


def _ordered(pairs: list[tuple[str, Any]], extra: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in pairs if v is not None and v != () and v != []}
    for k, v in extra.items():
        out.setdefault(k, v)
    return out


def stakeholder_to_table(s: Stakeholder) -> dict[str, Any]:
    """The canonical table of a stakeholder, unknown keys kept."""
    roles = [_ordered([("title", r.title or None), ("organization", r.organization),
                       ("since", _date_value(r.since)), ("until", _date_value(r.until))], r.extra) for r in s.roles]
    table = _ordered([("kind", s.kind), ("name", s.name), ("aliases", list(s.aliases)), ("country", s.country),
                      ("description", s.description)], {})
    return _with_tail(table, s.extra, "roles", roles)


def meeting_to_table(m: Meeting) -> dict[str, Any]:
    """The canonical table of a meeting, unknown keys kept."""
    sources = [_ordered([("publisher", src.publisher), ("title", src.title), ("published", _date_value(src.published)),
                         ("url", src.url), ("note", src.note)], src.extra) for src in m.sources]
    table = _ordered([("title", m.title), ("date", _date_value(m.date)), ("end", m.end), ("time", m.time),
                      ("timezone", m.timezone), ("status", m.status), ("participants", list(m.participants)),
                      ("topics", list(m.topics)), ("location", m.location), ("summary", m.summary)], {})
    return _with_tail(table, m.extra, "sources", sources)


def _with_tail(table: dict[str, Any], extra: Mapping[str, Any], key: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    """Known keys, unknown plain keys, the record's own array of tables, then unknown tables."""
    def is_table(v: Any) -> bool:
        return isinstance(v, dict) or (isinstance(v, list) and bool(v) and all(isinstance(x, dict) for x in v))
    for k, v in extra.items():
        if not is_table(v):
            table.setdefault(k, v)
    if items:
        table[key] = items
    for k, v in extra.items():
        if is_table(v):
            table.setdefault(k, v)
    return table


def topics_to_table(topics: Mapping[str, Topic]) -> dict[str, Any]:
    """The canonical topics.toml table, topics in id order."""
    return {"topics": {t.id: _ordered([("name", t.name), ("aliases", list(t.aliases)), ("description", t.description)],
                                      t.extra) for t in sorted(topics.values(), key=lambda t: t.id)}}


Builder = Callable[[str, Mapping[str, Any], Origin], tuple[Any, list[Problem]]]
