"""Changing existing records: field edits, and checking edited text before it replaces a file.

Every edit is read, changed and written under the log's lock; the file is rewritten with tomlkit so that only
the changed keys differ, and the write is refused if the file changed on disk since it was read.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, MutableMapping, NamedTuple

from nafta_log import check, names, records, store, tomledit, tomltext
from nafta_log.actions import MAX_TEXT, clean_country, clean_text
from nafta_log.errors import InvalidEdit, NaftaLogError, Problem, UsageError
from nafta_log.model import Log, Meeting, Origin, PartialDate, Source, Stakeholder

MEETING_CLEARABLE = ("end", "time", "timezone", "location", "summary")
STAKEHOLDER_CLEARABLE = ("country", "description")
TOPIC_CLEARABLE = ("description",)


class MeetingEdit(NamedTuple):
    """Changes to one meeting; None or () leaves a field as it is, `clear` names optional keys to remove."""

    title: str | None = None
    date: PartialDate | None = None
    end: dt.date | None = None
    time: dt.time | None = None
    timezone: str | None = None
    status: str | None = None
    location: str | None = None
    summary: str | None = None
    add_participants: tuple[str, ...] = ()
    remove_participants: tuple[str, ...] = ()
    add_topics: tuple[str, ...] = ()
    remove_topics: tuple[str, ...] = ()
    source: Source | None = None
    clear: tuple[str, ...] = ()


class StakeholderEdit(NamedTuple):
    """Changes to one person or organization; `role`, `organization` and `since` add a role."""

    name: str | None = None
    country: str | None = None
    description: str | None = None
    add_aliases: tuple[str, ...] = ()
    remove_aliases: tuple[str, ...] = ()
    role: str | None = None
    organization: str | None = None
    since: PartialDate | None = None
    clear: tuple[str, ...] = ()


class TopicEdit(NamedTuple):
    """Changes to one topic of the vocabulary."""

    name: str | None = None
    description: str | None = None
    add_aliases: tuple[str, ...] = ()
    remove_aliases: tuple[str, ...] = ()
    clear: tuple[str, ...] = ()


class Target(NamedTuple):
    """The file holding one record, as read: kind ("meeting", "stakeholder" or "topic"), id, path and bytes."""

    kind: str
    id: str
    path: Path
    raw: bytes


def find_target(root: Path, log: Log, kind: str, ref: str) -> Target:
    """The file of the meeting (id or prefix), stakeholder or topic (any name) that `ref` names, with its bytes."""
    if kind == "meeting":
        rid, origin = _origin_of(names.find_meeting(log, ref))
    elif kind in ("person", "organization"):
        rid, origin = _origin_of(names.resolve_kind(log.stakeholders, ref, kind))
        kind = "stakeholder"
    elif kind == "topic":
        rid, origin = _origin_of(names.resolve(log.topics, ref, "topic"))
    else:
        raise UsageError(f"cannot edit a {kind!r}: give a meeting id, or person, organization or topic and a name")
    path = root / origin
    try:
        return Target(kind, rid, path, path.read_bytes())
    except OSError as exc:
        raise NaftaLogError(f"cannot read {path}: {exc.strerror}") from None


def _origin_of(record: Any) -> tuple[str, str]:
    """A loaded record's id and file path relative to the log."""
    if record.origin is None:
        raise NaftaLogError(f"{record.id!r} has no file")
    return record.id, record.origin.path


def edit_meeting(root: Path, ref: str, change: MeetingEdit) -> Path:
    """Apply `change` to the meeting `ref` names; return the path it is now in (a new year moves it)."""
    with store.locked(root):
        log = store.load(root).log
        target = find_target(root, log, "meeting", ref)
        doc = tomledit.parse(target.raw, target.path)
        _apply_meeting(log, log.meetings[target.id], doc, change)
        return _commit(root, log, target, tomledit.dumps(doc))


def edit_stakeholder(root: Path, kind: str, ref: str, change: StakeholderEdit) -> Path:
    """Apply `change` to the person or organization `ref` names; return its path."""
    with store.locked(root):
        log = store.load(root).log
        target = find_target(root, log, kind, ref)
        doc = tomledit.parse(target.raw, target.path)
        _apply_stakeholder(log, log.stakeholders[target.id], doc, change)
        return _commit(root, log, target, tomledit.dumps(doc))


def edit_topic(root: Path, ref: str, change: TopicEdit) -> Path:
    """Apply `change` to the topic `ref` names, in topics.toml; return its path."""
    with store.locked(root):
        log = store.load(root).log
        target = find_target(root, log, "topic", ref)
        doc = tomledit.parse(target.raw, target.path)
        table = doc["topics"][target.id]
        _apply_names(table, change.name, change.add_aliases, change.remove_aliases, "topic name")
        _set_text(table, "description", change.description, "the description", MAX_TEXT)
        _clear(table, change.clear, TOPIC_CLEARABLE)
        return _commit(root, log, target, tomledit.dumps(doc))


def save_text(root: Path, target: Target, text: str) -> Path:
    """Replace a record's file with edited text (from an editor) after checking it; return the path it is in."""
    with store.locked(root):
        return _commit(root, store.load(root).log, target, text)


def _apply_meeting(log: Log, m: Meeting, doc: MutableMapping[str, Any], e: MeetingEdit) -> None:
    """Apply a MeetingEdit to the meeting's document, resolving typed names to ids."""
    _set_text(doc, "title", e.title, "the title")
    if e.date is not None:
        tomledit.set_value(doc, "date", e.date)
    for key, value in (("end", e.end), ("time", e.time)):
        if value is not None:
            tomledit.set_value(doc, key, value)
    for key, value in (("timezone", e.timezone), ("status", e.status)):
        _set_text(doc, key, value, f"the {key}")
    _set_text(doc, "location", e.location, "the location")
    _set_text(doc, "summary", e.summary, "the summary", MAX_TEXT)
    for typed in e.add_participants:
        tomledit.add_to_list(doc, "participants", names.resolve(log.stakeholders, typed).id)
    for typed in e.remove_participants:
        tomledit.remove_from_list(doc, "participants", _member(log.stakeholders, m.participants, typed, "participant"))
    for typed in e.add_topics:
        tomledit.add_to_list(doc, "topics", names.resolve(log.topics, typed, "topic").id)
    for typed in e.remove_topics:
        tomledit.remove_from_list(doc, "topics", _member(log.topics, m.topics, typed, "topic"))
    if e.source is not None:
        s = e.source
        tomledit.append_table(doc, "sources", {"publisher": s.publisher, "title": s.title, "published": s.published,
                                               "url": s.url, "note": s.note})
    _clear(doc, e.clear, MEETING_CLEARABLE)


def _apply_stakeholder(log: Log, s: Stakeholder, doc: MutableMapping[str, Any], e: StakeholderEdit) -> None:
    """Apply a StakeholderEdit to the stakeholder's document; refuse a name another one has."""
    if e.name is not None:
        new = clean_text(e.name, "the name", required=True) or ""
        for other in log.stakeholders.values():
            if other.id != s.id and names.fold(other.name) == names.fold(new):
                raise NaftaLogError(f"{other.name!r} is already in the log as {other.id!r}; nothing was written")
    _apply_names(doc, e.name, e.add_aliases, e.remove_aliases, "name")
    if e.country is not None:
        tomledit.set_value(doc, "country", clean_country(e.country))
    _set_text(doc, "description", e.description, "the description", MAX_TEXT)
    if e.role is not None or e.organization is not None:
        org = names.resolve(log.stakeholders, e.organization).id if e.organization else None
        if org and log.stakeholders[org].kind != "organization":
            raise UsageError(f"{e.organization!r} is a person, not an organization")
        tomledit.append_table(doc, "roles", {"title": clean_text(e.role, "the role"), "organization": org,
                                             "since": e.since})
    elif e.since is not None:
        raise UsageError("--since goes with --add-role")
    _clear(doc, e.clear, STAKEHOLDER_CLEARABLE)


def _apply_names(table: MutableMapping[str, Any], name: str | None, add: tuple[str, ...], remove: tuple[str, ...],
                 what: str) -> None:
    """Set a new name, add and remove aliases (matched ignoring case and accents)."""
    _set_text(table, "name", name, f"the {what}")
    for alias in add:
        tomledit.add_to_list(table, "aliases", clean_text(alias, "an alias") or "")
    for alias in remove:
        current = [a for a in table.get("aliases", []) if names.fold(a) == names.fold(alias)]
        if not current:
            raise UsageError(f"{alias!r} is not one of the aliases; nothing was written")
        for a in current:
            tomledit.remove_from_list(table, "aliases", a)


def _set_text(table: MutableMapping[str, Any], key: str, value: str | None, what: str, limit: int = 500) -> None:
    """Set a text key from a typed value, refusing an empty or over-long one (clearing is `clear`'s job)."""
    if value is not None:
        tomledit.set_value(table, key, clean_text(value, what, limit=limit))


def _clear(table: MutableMapping[str, Any], keys: tuple[str, ...], allowed: tuple[str, ...]) -> None:
    """Remove optional keys; refuse keys that are required or unknown."""
    for key in keys:
        if key not in allowed:
            raise UsageError(f"{key!r} cannot be cleared; optional fields are {', '.join(allowed)}")
        tomledit.set_value(table, key, None)


def _member(records_: Any, present: tuple[str, ...], typed: str, what: str) -> str:
    """The id among `present` that `typed` names (an id as written, or any name of a known record)."""
    if typed.strip() in present:
        return typed.strip()
    rid = names.resolve(records_, typed, "topic" if what == "topic" else "stakeholder").id
    if rid not in present:
        raise UsageError(f"{typed!r} is not a {what} of this meeting; nothing was written")
    return rid


def _commit(root: Path, log: Log, target: Target, text: str) -> Path:
    """Check `text` as the new content of `target`, then write it (moving a meeting whose year changed)."""
    new_rel = problems_in(root, log, target, text)
    new_path = root / new_rel
    if text.encode("utf-8") == target.raw:
        return target.path
    if new_path == target.path:
        store.replace_file(target.path, text, target.raw)
    else:
        store.apply_changes(root, {new_path: text}, [target.path], expected={target.path: target.raw, new_path: None})
    return new_path


def problems_in(root: Path, log: Log, target: Target, text: str) -> str:
    """Raise InvalidEdit if `text` would be a broken record or add problems to the log; else its new path (relative).

    Problems the log already had are not held against the edit; a meeting whose year changed belongs in the
    folder of its new year, whose path is returned.
    """
    rel = target.path.relative_to(root).as_posix()
    table, text, problems = tomltext.decode(text.encode("utf-8"), rel)
    if table is None:
        raise InvalidEdit(problems)
    after = Log(log.root, log.settings, dict(log.stakeholders), dict(log.topics), dict(log.meetings))
    origin = Origin(rel, text)
    if target.kind == "meeting":
        m, problems = records.meeting_from_table(target.id, table, origin)
        old = log.meetings.get(target.id)
        if m is not None and old is not None and old.date.year != m.date.year:
            rel = store.meeting_path(root, m).relative_to(root).as_posix()
        if m is not None:
            after.meetings[target.id] = m._replace(origin=Origin(rel, text))
    elif target.kind == "stakeholder":
        s, problems = records.stakeholder_from_table(target.id, table, origin)
        if s is not None:
            after.stakeholders[target.id] = s
    else:
        after.topics, problems = records.topics_from_table(table, origin)
        problems = problems or ([] if target.id in after.topics else
                                [Problem(rel, None, None, f"topic {target.id!r} is gone; use `nafta-log remove topic`"
                                                          " to remove a topic")])
    if problems:
        raise InvalidEdit(problems)
    old_rel = target.path.relative_to(root).as_posix()
    before = {(p.path, p.message) for p in check.run_checks(log)}
    new = [p for p in check.run_checks(after)
           if ((old_rel if p.path == rel else p.path), p.message) not in before]
    if new:
        raise InvalidEdit(new)
    return rel
