"""Changes that follow references: renaming a stakeholder or topic (its id changes everywhere) and removing records.

Each change is planned from the loaded log as a `Change` (new texts, deletions, and the bytes every touched file
must still hold), then written all or nothing by `store.apply_changes` under the lock.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, NamedTuple

from nafta_log import names, store, tomledit
from nafta_log.actions import clean_text
from nafta_log.errors import ConflictError, NaftaLogError, UsageError
from nafta_log.ids import is_valid_id, slugify
from nafta_log.model import Log, Meeting, Stakeholder, Topic

FORCE_CHOICES = ("drop", "delete")


class Change(NamedTuple):
    """A planned multi-file change: the record and what happens around it in words, the files written and deleted."""

    summary: tuple[str, ...]
    writes: dict[Path, str]
    deletes: tuple[Path, ...]
    expected: dict[Path, bytes | None]


class _Files:
    """The files a change reads, kept as read so the change can insist they are unchanged when it writes."""

    def __init__(self, root: Path) -> None:
        """Start with nothing read."""
        self.root = root
        self.raw: dict[Path, bytes | None] = {}

    def doc(self, rel: str) -> Any:
        """Read a file (relative to the log) for changing, remembering its bytes."""
        path = self.root / rel
        try:
            self.raw[path] = path.read_bytes()
        except OSError as exc:
            raise NaftaLogError(f"cannot read {path}: {exc.strerror}; nothing was changed") from None
        return tomledit.parse(self.raw[path], path)

    def change(self, summary: list[str], writes: dict[Path, str], deletes: list[Path]) -> Change:
        """The Change that writes and deletes these files, expecting every read file unchanged."""
        for path in writes:
            self.raw.setdefault(path, None)
        return Change(tuple(summary), writes, tuple(deletes), dict(self.raw))


def _require_whole(root: Path) -> Log:
    """The loaded log, refusing if any file is broken (it might refer to the record and would be missed)."""
    result = store.load(root)
    if result.problems:
        first = result.broken_files()[0]
        raise NaftaLogError(f"{first}; fix the log first (`nafta-log check`): a broken file may refer to the record "
                            "and would be left behind. Nothing was changed")
    return result.log


def _rel(record: Meeting | Stakeholder | Topic) -> str:
    """A loaded record's path relative to the log."""
    assert record.origin is not None  # every loaded record has one
    return record.origin.path


def _listed(meetings: list[Meeting]) -> str:
    """Up to five meeting ids, and how many more."""
    shown = ", ".join(m.id for m in meetings[:5])
    return shown + (f" and {len(meetings) - 5} more" if len(meetings) > 5 else "")


def plan_rename(root: Path, log: Log, kind: str, ref: str, new_name: str, new_id: str | None = None,
                keep_old_name: bool = False) -> Change:
    """Plan renaming a person, organization or topic: new name and id, every reference to the old id rewritten."""
    name = clean_text(new_name, "the new name", required=True) or ""
    rid = new_id.strip() if new_id is not None else slugify(name)
    if not is_valid_id(rid):
        raise UsageError(f"--id {rid!r} is not a valid id: use lower-case letters, digits and single hyphens")
    if kind == "topic":
        return _plan_topic_rename(root, log, ref, name, rid, keep_old_name)
    s = names.resolve_kind(log.stakeholders, ref, kind)
    if rid != s.id and rid in log.stakeholders:
        raise NaftaLogError(f"a stakeholder with id {rid!r} already exists ({log.stakeholders[rid].name}); "
                            "give --id for a different one. Nothing was changed")
    for other in log.stakeholders.values():
        if other.id != s.id and names.fold(other.name) == names.fold(name):
            raise NaftaLogError(f"{other.name!r} is already in the log as {other.id!r}; nothing was changed")
    files = _Files(root)
    writes: dict[Path, str] = {}
    doc = files.doc(_rel(s))
    tomledit.set_value(doc, "name", name)
    if keep_old_name and names.fold(s.name) != names.fold(name):
        tomledit.add_to_list(doc, "aliases", s.name)
    writes[store.stakeholder_path(root, rid)] = _with_org_renamed(doc, s.id, rid)
    deletes = [root / _rel(s)] if rid != s.id else []
    meetings = [m for m in log.sorted_meetings() if s.id in m.participants] if rid != s.id else []
    for m in meetings:
        mdoc = files.doc(_rel(m))
        tomledit.replace_in_list(mdoc, "participants", s.id, rid)
        writes[root / _rel(m)] = tomledit.dumps(mdoc)
    holders = [o for o in log.stakeholders.values() if o.id != s.id and rid != s.id
               and any(r.organization == s.id for r in o.roles)]
    for o in holders:
        writes[root / _rel(o)] = _with_org_renamed(files.doc(_rel(o)), s.id, rid)
    summary = [f"{kind} {s.id} -> {rid} ({name})"]
    if meetings:
        summary.append(f"{len(meetings)} meeting(s) rewritten: {_listed(meetings)}")
    if holders:
        summary.append(f"roles of {len(holders)} stakeholder(s) rewritten: {', '.join(o.id for o in holders)}")
    return files.change(summary, writes, deletes)


def _with_org_renamed(doc: Any, old: str, new: str) -> str:
    """A stakeholder's text with roles at organization `old` pointing at `new`."""
    for role in doc.get("roles", []):
        if role.get("organization") == old:
            tomledit.set_value(role, "organization", new)
    return tomledit.dumps(doc)


def _plan_topic_rename(root: Path, log: Log, ref: str, name: str, rid: str, keep_old_name: bool) -> Change:
    """Plan a topic rename: its [topics.<id>] header and name in topics.toml, and every meeting."""
    t = names.resolve(log.topics, ref, "topic")
    if rid != t.id and rid in log.topics:
        raise NaftaLogError(f"a topic with id {rid!r} already exists ({log.topics[rid].name}); nothing was changed")
    files = _Files(root)
    files.doc(store.TOPICS)
    text = files.raw[root / store.TOPICS].decode("utf-8")  # type: ignore[union-attr]
    if rid != t.id:
        header = re.compile(r"^(\s*\[\s*topics\s*\.\s*)([\"']?)" + re.escape(t.id) + r"\2(\s*[\].])", re.M)
        text, count = header.subn(lambda m: f"{m.group(1)}{rid}{m.group(3)}", text)
        if count == 0:
            raise NaftaLogError(f"cannot find the [topics.{t.id}] header in {store.TOPICS}; rename it there by hand "
                                "(nothing was changed)")
    doc = tomledit.parse(text.encode("utf-8"), root / store.TOPICS)
    table = doc["topics"][rid]
    tomledit.set_value(table, "name", name)
    if keep_old_name and names.fold(t.name) != names.fold(name):
        tomledit.add_to_list(table, "aliases", t.name)
    writes = {root / store.TOPICS: tomledit.dumps(doc)}
    meetings = [m for m in log.sorted_meetings() if t.id in m.topics] if rid != t.id else []
    for m in meetings:
        mdoc = files.doc(_rel(m))
        tomledit.replace_in_list(mdoc, "topics", t.id, rid)
        writes[root / _rel(m)] = tomledit.dumps(mdoc)
    summary = [f"topic {t.id} -> {rid} ({name})"]
    if meetings:
        summary.append(f"{len(meetings)} meeting(s) rewritten: {_listed(meetings)}")
    return files.change(summary, writes, [])


def plan_remove(root: Path, log: Log, kind: str, ref: str, force: str | None = None) -> Change:
    """Plan removing a meeting, stakeholder or topic; one still referenced needs `force` ("drop" or "delete").

    "drop" takes the reference out of the meetings (and roles) that hold it, refusing if a meeting would be left
    without participants; "delete" deletes those meetings (roles only lose the organization).
    """
    if force is not None and force not in FORCE_CHOICES:
        raise UsageError(f"--force must be drop (remove the references) or delete (delete the meetings), "
                         f"not {force!r}")
    files = _Files(root)
    if kind == "meeting":
        m = names.find_meeting(log, ref)
        files.doc(_rel(m))
        return files.change([f"meeting {m.id} ({m.title})"], {}, [root / _rel(m)])
    if kind == "topic":
        record: Stakeholder | Topic = names.resolve(log.topics, ref, "topic")
        key = "topics"
        meetings = [m for m in log.sorted_meetings() if record.id in m.topics]
        holders: list[Stakeholder] = []
    elif kind in ("person", "organization"):
        record = names.resolve_kind(log.stakeholders, ref, kind)
        key = "participants"
        meetings = [m for m in log.sorted_meetings() if record.id in m.participants]
        holders = [o for o in log.stakeholders.values() if o.id != record.id
                   and any(r.organization == record.id for r in o.roles)]
    else:
        raise UsageError(f"cannot remove a {kind!r}: give a meeting id, or person, organization or topic and a name")
    if (meetings or holders) and force is None:
        used = [f"{len(meetings)} meeting(s) ({_listed(meetings)})"] if meetings else []
        used += [f"the roles of {', '.join(o.id for o in holders)}"] if holders else []
        raise NaftaLogError(f"{kind} {record.id} is still referenced by {' and '.join(used)}; give --force drop to "
                            "remove it from them, or --force delete to delete those meetings. Nothing was changed")
    writes: dict[Path, str] = {}
    deletes: list[Path] = []
    summary = [f"{kind} {record.id} ({record.name})"]
    if force == "delete":
        deletes += [root / _rel(m) for m in meetings]
        if meetings:
            summary.append(f"delete {len(meetings)} meeting(s): {_listed(meetings)}")
    elif meetings:
        emptied = [m for m in meetings if key == "participants" and set(m.participants) <= {record.id}]
        if emptied:
            raise NaftaLogError(f"{_listed(emptied)} would be left without participants; use --force delete to "
                                "delete such meetings, or add someone to them first. Nothing was changed")
        for m in meetings:
            mdoc = files.doc(_rel(m))
            tomledit.remove_from_list(mdoc, key, record.id)
            writes[root / _rel(m)] = tomledit.dumps(mdoc)
        summary.append(f"drop {record.id} from {len(meetings)} meeting(s): {_listed(meetings)}")
    for o in holders:
        doc = files.doc(_rel(o))
        for role in doc.get("roles", []):
            if role.get("organization") == record.id:
                tomledit.set_value(role, "organization", None)
        writes[root / _rel(o)] = tomledit.dumps(doc)
    if holders:
        summary.append(f"roles at {record.id} lose their organization: {', '.join(o.id for o in holders)}")
    if kind == "topic":
        doc = files.doc(store.TOPICS)
        del doc["topics"][record.id]
        writes[root / store.TOPICS] = tomledit.dumps(doc)
    else:
        files.doc(_rel(record))
        deletes.append(root / _rel(record))
    return files.change(summary, writes, deletes)


def rename(root: Path, kind: str, ref: str, new_name: str, new_id: str | None = None,
           keep_old_name: bool = False) -> Change:
    """Rename a person, organization or topic under the lock, all or nothing; return what was done."""
    with store.locked(root):
        change = plan_rename(root, _require_whole(root), kind, ref, new_name, new_id, keep_old_name)
        store.apply_changes(root, change.writes, change.deletes, change.expected)
    return change


def remove(root: Path, kind: str, ref: str, force: str | None = None, confirmed: Change | None = None) -> Change:
    """Remove a record under the lock, all or nothing; refuse if it differs from the `confirmed` plan.

    Removing a stakeholder or topic needs every file of the log readable (a broken one might refer to it).
    """
    with store.locked(root):
        log = store.load(root).log if kind == "meeting" else _require_whole(root)
        change = plan_remove(root, log, kind, ref, force)
        if confirmed is not None and (change.summary, set(change.writes), change.deletes, change.expected) != (
                confirmed.summary, set(confirmed.writes), confirmed.deletes, confirmed.expected):
            raise ConflictError("the log changed while you were deciding; nothing was removed: run the command again")
        store.apply_changes(root, change.writes, change.deletes, change.expected)
    return change
