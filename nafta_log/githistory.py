"""What git remembers about a log: the versions of one record, and what changed since a date or revision.

Each version is read with the loader and records are compared field by field (diffs.py), not lines of text.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import NamedTuple

from nafta_log import diffs, gitlog, store
from nafta_log.dates import parse_date
from nafta_log.errors import DateError, NaftaLogError, UsageError
from nafta_log.gitlog import run

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"  # git's id of the empty tree


class HistoryEntry(NamedTuple):
    """One commit that changed a record: who, when, and the fields it changed."""

    sha: str
    author: str
    email: str
    date: str           # author date, ISO 8601 with offset
    subject: str
    action: str         # added, edited, merged (by hand, in a merge commit), renamed, removed
    path: str           # relative to the log, at this commit
    changes: list[diffs.FieldChange]


class ChangeRow(NamedTuple):
    """One record added, edited, renamed or removed over a range of commits."""

    action: str
    kind: str
    rid: str
    label: str | None
    fields: list[str]
    authors: list[str]
    path: str


def history(root: Path, path: str) -> list[HistoryEntry]:
    """Every commit that changed the record at log-relative `path` (following renames), newest first."""
    gitlog.repo_top(root)
    pre = gitlog.prefix(root)
    # --cc lists a merge only when the record differs from every parent: a merge written by hand, not one
    # that took one side's version (that side's own commit is listed instead).
    out = run(root, "log", "--follow", "-M", "--cc", "--format=%x1e%H%x00%an%x00%ae%x00%aI%x00%P%x00%s",
              "--name-status", "--", path).stdout
    commits = []
    tracked = pre + path
    for block in out.split("\x1e")[1:]:
        head, _, status = block.partition("\n")
        sha, author, email, date, parents, subject = head.split("\0")
        if len(parents.split()) > 1 and not status.strip():
            continue
        at, before = tracked, tracked
        for line in status.strip().splitlines():
            parts = line.split("\t")
            if parts[0].startswith("R") and len(parts) == 3:
                before, at = parts[1], parts[2]
                tracked = before
        parent = parents.split()[0] if parents.split() else None
        commits.append((sha, author, email, date, subject, parent, len(parents.split()) > 1, before, at))
    specs = []
    for sha, *_, parent, _merge, before, at in commits:
        specs += [f"{sha}:{at}", f"{parent}:{before}" if parent else f"{EMPTY_TREE}:{before}"]
    texts = gitlog.read_blobs(root, specs)
    entries = []
    for i, (sha, author, email, date, subject, parent, merge, before, at) in enumerate(commits):
        rel_at, rel_before = at.removeprefix(pre), before.removeprefix(pre)
        new, old = diffs.parse_version(rel_at, texts[2 * i]), diffs.parse_version(rel_before, texts[2 * i + 1])
        action = "added" if old is None else "removed" if new is None else \
            "renamed" if before != at else "merged" if merge else "edited"
        changes = diffs.field_changes(old.table if old else None, new.table if new else None)
        if action == "renamed":
            changes.insert(0, diffs.FieldChange("id", old.rid if old else None, new.rid if new else None))
        if changes or action not in ("edited", "merged"):
            entries.append(HistoryEntry(sha, author, email, date, subject, action, rel_at, changes))
    return entries


def removed_path(root: Path, prefix: str) -> str | None:
    """The log-relative path of a meeting or stakeholder removed from the log whose id starts with `prefix`."""
    if not prefix or "/" in prefix or "*" in prefix:
        return None
    pre = gitlog.prefix(root)
    out = run(root, "log", "--diff-filter=D", "--format=", "--name-only", "--",
              f"{store.MEETINGS}/*/{prefix}*.toml", f"{store.STAKEHOLDERS}/{prefix}*.toml").stdout
    found = sorted({p.removeprefix(pre) for p in out.split() if p})
    if len(found) > 1:
        raise NaftaLogError(f"{prefix!r} matches {len(found)} removed records: {', '.join(found[:5])}; "
                            "type more of the id")
    return found[0] if found else None


def since_base(root: Path, since: str, today: dt.date, date_order: str | None = None) -> str | None:
    """The commit to compare HEAD with: the last one before DATE (None: before the first), or the revision REV."""
    gitlog.repo_top(root)
    try:
        day = parse_date(since, today, date_order).first_day()
    except DateError as date_error:
        proc = run(root, "rev-parse", "--verify", "-q", f"{since}^{{commit}}", check=False)
        if proc.returncode != 0 or since.startswith("-"):
            raise UsageError(f"--since: {since!r} is neither a date ({date_error}) nor a git revision "
                             "(a commit, tag or branch)") from None
        return proc.stdout.strip()
    before = run(root, "rev-list", "-1", "--first-parent", f"--before={day.isoformat()} 00:00:00", "HEAD",
                 check=False).stdout.strip()
    return before or None


def changes(root: Path, base: str | None) -> list[ChangeRow]:
    """Meetings, stakeholders and topics added, edited, renamed or removed between `base` and HEAD."""
    pre = gitlog.prefix(root)
    old_rev = base or EMPTY_TREE
    scope = [store.MEETINGS, store.STAKEHOLDERS, store.TOPICS]
    raw = run(root, "diff", "--raw", "--no-abbrev", "-z", "-M", "--relative", old_rev, "HEAD", "--", *scope).stdout
    items: list[tuple[str, str | None, str | None, str, str]] = []  # status, old blob, new blob, old path, new path
    fields = raw.split("\0")
    i = 0
    while i < len(fields) - 1:
        _, _, old_blob, new_blob, status = fields[i].lstrip(":").split()
        if status.startswith("R"):
            old_path, new_path = fields[i + 1], fields[i + 2]
            i += 3
        else:
            old_path = new_path = fields[i + 1]
            i += 2
        items.append((status[:1], None if status == "A" else old_blob, None if status == "D" else new_blob,
                      old_path, new_path))
    authors = _authors(root, base, pre)
    wanted = [blob for _, old_blob, new_blob, _, _ in items for blob in (old_blob, new_blob) if blob]
    texts = dict(zip(wanted, gitlog.read_blobs(root, wanted)))
    rows: list[ChangeRow] = []
    for status, old_blob, new_blob, old_path, new_path in items:
        before = diffs.parse_version(old_path, texts.get(old_blob) if old_blob else None)
        after = diffs.parse_version(new_path, texts.get(new_blob) if new_blob else None)
        by = sorted(set(authors.get(old_path, []) + authors.get(new_path, [])))
        rows += _rows(status, before, after, by, new_path)
    order = {"added": 0, "edited": 1, "renamed": 2, "removed": 3}
    return sorted(rows, key=lambda r: (order[r.action], r.kind, r.rid))


def _rows(status: str, before: diffs.Version | None, after: diffs.Version | None, by: list[str],
          path: str) -> list[ChangeRow]:
    shown = after or before
    if shown is None or shown.kind == "file":
        return []
    if shown.kind == "topics":
        return [ChangeRow(t.action, "topic", t.topic.id, t.topic.name, t.fields, by, path)
                for t in diffs.topic_changes(before, after)]
    if shown.kind == "settings":
        return []
    action = {"A": "added", "D": "removed", "R": "renamed"}.get(status, "edited")
    fields = [f.field for f in diffs.field_changes(before.table if before else None, after.table if after else None)]
    label = shown.label
    if action == "renamed" and before is not None:
        fields = [f"id (was {before.rid})", *fields]
    return [ChangeRow(action, shown.kind, shown.rid, label, fields if action in ("edited", "renamed") else [], by,
                      path)]


def _authors(root: Path, base: str | None, pre: str) -> dict[str, list[str]]:
    """Log-relative path -> the authors of the commits that touched it in base..HEAD."""
    rng = f"{base}..HEAD" if base else "HEAD"
    out = run(root, "log", "--format=%x1e%an", "--name-only", rng, "--", ".").stdout
    found: dict[str, list[str]] = {}
    for block in out.split("\x1e")[1:]:
        author, _, names = block.partition("\n")
        for name in names.split("\n"):
            if name.strip():
                found.setdefault(name.strip().removeprefix(pre), []).append(author)
    return found
