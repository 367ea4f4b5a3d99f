"""Two versions of a record -> what changed, field by field, in words: each version is parsed with the loader."""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping, NamedTuple

from nafta_log import records, store, tomltext
from nafta_log.model import Origin, Topic


class Version(NamedTuple):
    """One version of one file of a log: what it holds, its canonical table, and why it did not load."""

    kind: str            # meeting, person, organization, stakeholder, topics, settings or file
    rid: str             # the record's id (the file name without .toml), or the path
    table: dict[str, Any] | None
    label: str | None    # a meeting's title, a stakeholder's name
    problem: str | None = None
    topics: dict[str, Topic] | None = None


class FieldChange(NamedTuple):
    """One field that differs between two versions, both values in words (None: absent)."""

    field: str
    old: str | None
    new: str | None


def kind_of(path: str) -> str:
    """What a log-relative path holds: meeting, stakeholder, topics, settings, or file."""
    parts = path.split("/")
    if parts[0] == store.MEETINGS and len(parts) >= 2 and path.endswith(".toml"):
        return "meeting"
    if parts[0] == store.STAKEHOLDERS and len(parts) == 2 and path.endswith(".toml"):
        return "stakeholder"
    return {store.TOPICS: "topics", store.MARKER: "settings"}.get(path, "file")


def parse_version(path: str, text: str | None) -> Version | None:
    """Parse one version of a log file with the loader; None when the file does not exist in it."""
    if text is None:
        return None
    kind = kind_of(path)
    rid = path.rsplit("/", 1)[-1].removesuffix(".toml") if kind in ("meeting", "stakeholder") else path
    if kind == "file":
        return Version(kind, rid, None, None)
    table, body, problems = tomltext.decode(text.encode("utf-8"), path)
    if table is None:
        return Version(kind, rid, None, None, problems[0].message if problems else "unreadable")
    origin = Origin(path, body)
    if kind == "meeting":
        m, problems = records.meeting_from_table(rid, table, origin)
        if m is not None:
            return Version(kind, rid, records.meeting_to_table(m), m.title)
    elif kind == "stakeholder":
        s, problems = records.stakeholder_from_table(rid, table, origin)
        if s is not None:
            return Version(s.kind, rid, records.stakeholder_to_table(s), s.name)
    elif kind == "topics":
        topics, problems = records.topics_from_table(table, origin)
        if not problems:
            return Version(kind, rid, records.topics_to_table(topics)["topics"], None, topics=topics)
    else:
        return Version(kind, rid, table, None)
    label = table.get("title" if kind == "meeting" else "name")
    return Version(kind, rid, table, label if isinstance(label, str) else None,
                   problems[0].message if problems else "unreadable")


def words(value: Any) -> str:
    """A field value as a person reads it: lists joined with commas, tables as `key: value` pairs."""
    if value is None:
        return "(none)"
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        if value and all(isinstance(v, dict) for v in value):
            return "; ".join(words(v) for v in value)
        return ", ".join(words(v) for v in value) or "(none)"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {words(v)}" for k, v in value.items() if v not in (None, ""))
    return str(value)


def field_changes(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> list[FieldChange]:
    """The fields whose values differ, in the new version's order, then fields only the old one had."""
    old, new = old or {}, new or {}
    keys = list(dict.fromkeys([*new, *old]))
    return [FieldChange(k, words(old[k]) if k in old else None, words(new[k]) if k in new else None)
            for k in keys if old.get(k) != new.get(k)]


class TopicChange(NamedTuple):
    """A topic added, edited or removed between two versions of topics.toml."""

    action: str          # added, edited, removed
    topic: Topic         # the new version, or the one removed
    fields: list[str]    # for an edit: the fields that changed


def topic_changes(old: Version | None, new: Version | None) -> list[TopicChange]:
    """The topics added, edited or removed from one version of topics.toml to the next, in id order."""
    before, after = (old.topics if old else None) or {}, (new.topics if new else None) or {}
    old_tables, new_tables = (old.table if old else None) or {}, (new.table if new else None) or {}
    out = []
    for tid in sorted(set(before) | set(after)):
        a, b = before.get(tid), after.get(tid)
        if a == b:
            continue
        action = "added" if a is None else "removed" if b is None else "edited"
        fields = [f.field for f in field_changes(old_tables.get(tid), new_tables.get(tid))] if action == "edited" else []
        out.append(TopicChange(action, b or a, fields))  # type: ignore[arg-type]
    return out
