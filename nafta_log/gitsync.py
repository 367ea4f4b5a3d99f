"""`sync`: commit pending changes, fetch, merge the team's work, check, push; hold on a record both sides changed.

A merge (not a rebase) brings in the team's work: every unpushed commit is resolved in one step, the commits keep
their hashes, and an unfinished merge is undone with `git merge --abort`, so the working tree is never left with
conflict markers. When the same record was changed on both sides, the merge is aborted, the two versions are kept
in `.nafta-log/sync-held.json` (by git object id) and returned as `Conflict`s; calling `sync` again with a
`Resolution` for each held record (keep mine, keep theirs, or a merged text) finishes it. topics.toml is merged
topic by topic (three-way, by topic id), since two people adding topics at once is ordinary.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Mapping, NamedTuple

from nafta_log import check, diffs, gitlog, records, store, tomltext
from nafta_log.errors import NaftaLogError, Problem
from nafta_log.gitlog import Commit, GitError, run
from nafta_log.model import Topic

HELD = "sync-held.json"


class Side(NamedTuple):
    """One side of a conflict: the file's text (None: removed) and who changed it last, when."""

    text: str | None
    blob: str | None
    author: str
    date: str


class Conflict(NamedTuple):
    """A record changed differently on both sides: yours (mine) and the team's (theirs)."""

    path: str           # relative to the log
    kind: str
    rid: str
    label: str | None
    mine: Side
    theirs: Side
    changes: list[diffs.FieldChange]   # old = yours, new = theirs


class Resolution(NamedTuple):
    """What to keep of a held record: "mine", "theirs", or "merge" with the merged text."""

    keep: str
    text: str | None = None


class SyncReport(NamedTuple):
    """What a sync did, or where it stopped."""

    remote: str
    committed: Commit | None = None
    incoming: int = 0                  # commits brought in from the team
    notes: tuple[str, ...] = ()        # automatic resolutions, in words
    conflicts: tuple[Conflict, ...] = ()
    problems: tuple[Problem, ...] = ()
    pushed: bool = False


class _Upstream(NamedTuple):
    remote: str
    branch: str
    tracking: bool   # the branch already tracks it

    @property
    def ref(self) -> str:
        return f"refs/remotes/{self.remote}/{self.branch}"

    def __str__(self) -> str:
        return f"{self.remote}/{self.branch}"


def _upstream(root: Path) -> tuple[str, _Upstream]:
    head = run(root, "symbolic-ref", "--short", "-q", "HEAD", check=False)
    if head.returncode != 0:
        raise GitError("the repository is not on a branch (detached HEAD); check out your branch "
                       "(`git switch main`) and run nafta-log sync again")
    branch = head.stdout.strip()
    remote = run(root, "config", f"branch.{branch}.remote", check=False).stdout.strip()
    merge = run(root, "config", f"branch.{branch}.merge", check=False).stdout.strip()
    if remote and merge:
        return branch, _Upstream(remote, merge.removeprefix("refs/heads/"), True)
    remotes = run(root, "remote").stdout.split()
    if not remotes:
        raise GitError("this log's repository has no remote to sync with; add the team's with "
                       "`git remote add origin URL` (any URL git understands), then run nafta-log sync again")
    chosen = "origin" if "origin" in remotes else remotes[0]
    if len(remotes) > 1 and chosen != "origin":
        raise GitError(f"this repository has several remotes ({', '.join(remotes)}) and the branch {branch!r} "
                       "tracks none; choose one with `git branch -u REMOTE/BRANCH`")
    return branch, _Upstream(chosen, branch, False)


def _held_path(root: Path) -> Path:
    return root / store.CACHE / HELD


def _commit_pending(root: Path) -> Commit | None:
    changes = gitlog.pending(root)
    if not changes:
        return None
    message = describe_pending(root, changes)
    run(root, "add", "--all", "--", ".")
    run(root, "commit", "--quiet", "--no-verify", "-m", message, "--", ".")
    return Commit(run(root, "rev-parse", "HEAD").stdout.strip(), message)


def describe_pending(root: Path, changes: list[gitlog.Change]) -> str:
    """A commit message for uncommitted changes: one line in words per record, a summary line first."""
    pre = gitlog.prefix(root)
    known = [c for c in changes if c.status != "A"]  # a new file has no old version to read
    old_texts = dict(zip(known, gitlog.read_blobs(root, [f"HEAD:{pre}{c.path}" for c in known])))
    described: list[tuple[str, str, str]] = []
    for c in changes:
        old_text = old_texts.get(c)
        before = diffs.parse_version(c.path, old_text)
        now = diffs.parse_version(c.path, None if c.status == "D" else (root / c.path).read_text("utf-8", "replace"))
        described += describe_versions(c.path, before, now)
    if len(described) == 1:
        return described[0][2]
    counts: dict[tuple[str, str], int] = {}
    for action, kind, _ in described:
        counts[(action, kind)] = counts.get((action, kind), 0) + 1
    summary = ", ".join(f"{action} {n} {kind}{'s' if n > 1 else ''}" for (action, kind), n in counts.items())
    return f"Sync: {summary}\n\n" + "\n".join(line for _, _, line in described)


def describe_versions(path: str, before: diffs.Version | None, now: diffs.Version | None) -> list[tuple[str, str, str]]:
    """(action, kind, line in words) for one file changed from `before` to `now`; topics.toml: one per topic."""
    shown = now or before
    if shown is None:
        return []
    if shown.kind == "topics" and all(v.topics is not None for v in (before, now) if v):
        verbs = {"added": "add", "edited": "edit", "removed": "remove"}
        return [(verbs[t.action], "topic", gitlog.describe_change(verbs[t.action], "topic", t.topic.id, t.topic.name))
                for t in diffs.topic_changes(before, now)]
    action = "add" if before is None else "remove" if now is None else "edit"
    if shown.kind == "file":
        return [(action, "file", f"{action.capitalize()} file {path}")]
    line = gitlog.describe_change(action, shown.kind, shown.rid, shown.label)
    if before is not None and now is not None and shown.kind != "settings":
        fields = [c.field for c in diffs.field_changes(before.table, now.table)]
        line += f" ({', '.join(fields)})" if fields else ""
    return [(action, shown.kind, line)]


def _unmerged(root: Path) -> dict[str, dict[int, str]]:
    """Unmerged paths (relative to the repository top) -> stage number -> blob id."""
    out: dict[str, dict[int, str]] = {}
    for entry in run(root, "ls-files", "-u", "-z", "--full-name", ":/").stdout.split("\0"):
        if "\t" in entry:
            meta, path = entry.split("\t", 1)
            _, blob, stage = meta.split()
            out.setdefault(path, {})[int(stage)] = blob
    return out


def _blob_text(root: Path, blob: str | None) -> str | None:
    return run(root, "cat-file", "blob", blob).stdout if blob else None


def _last_change(root: Path, rev: str, top_path: str) -> tuple[str, str]:
    out = run(root, "log", "-1", "--format=%an%x00%ad", "--date=short", rev, "--", f":/{top_path}").stdout.strip()
    author, _, date = out.partition("\0")
    return author or "?", date


def _conflict(root: Path, pre: str, top_path: str, stages: dict[int, str], theirs_ref: str) -> Conflict:
    path = top_path.removeprefix(pre)
    mine = Side(_blob_text(root, stages.get(2)), stages.get(2), *_last_change(root, "HEAD", top_path))
    theirs = Side(_blob_text(root, stages.get(3)), stages.get(3), *_last_change(root, theirs_ref, top_path))
    a, b = diffs.parse_version(path, mine.text), diffs.parse_version(path, theirs.text)
    shown = b or a
    changes = diffs.field_changes(a.table if a else None, b.table if b else None)
    if a is None or b is None:  # one side removed the record: show what the other changed since the common base
        base = diffs.parse_version(path, _blob_text(root, stages.get(1)))
        kept = a or b
        changes = [diffs.FieldChange(f.field, f.new if a else None, f.new if b else None)
                   for f in diffs.field_changes(base.table if base else None, kept.table if kept else None)]
    return Conflict(path, shown.kind if shown else "file", shown.rid if shown else path,
                    (a.label if a else None) or (b.label if b else None), mine, theirs, changes)


def merge_topics(base: str | None, mine: str | None, theirs: str | None) -> tuple[str, list[str]] | None:
    """topics.toml merged topic by topic (three-way by id), with notes; None when a side does not load."""
    versions = [diffs.parse_version(store.TOPICS, t) for t in (base, mine, theirs)]
    if any(v is not None and v.topics is None for v in versions):
        return None
    b, m, t = ((v.topics or {}) if v else {} for v in versions)
    merged: dict[str, Topic] = {}
    notes = []
    for tid in sorted(set(b) | set(m) | set(t)):
        old, ours, their = b.get(tid), m.get(tid), t.get(tid)
        keep = ours if ours == their or their == old else their if ours == old else ours
        if ours != their and old not in (ours, their):
            notes.append(f"topic {tid} was changed on both sides; kept yours")
        if keep is not None:
            merged[tid] = keep
    return tomltext.dumps(records.topics_to_table(merged)), notes


def _apply(root: Path, top: Path, top_path: str, text: str | None) -> None:
    target = top / top_path
    if text is None:
        target.unlink(missing_ok=True)
    else:
        store.write_file(target, text, overwrite=True)
    run(root, "add", "--all", "--", f":/{top_path}")


def _merge(root: Path, up: _Upstream, resolutions: Mapping[str, Resolution]) -> tuple[int, list[str], list[Conflict]]:
    """Merge the fetched work: (commits brought in, notes, conflicts left); conflicts leave nothing merged."""
    incoming = int(run(root, "rev-list", "--count", f"HEAD..{up.ref}").stdout.strip() or 0)
    if incoming == 0:
        return 0, [], []
    message = f"Sync: merge the team's changes from {up}"
    proc = run(root, "merge", "--quiet", "--no-edit", "--no-verify", "-m", message, up.ref, check=False)
    if proc.returncode == 0:
        return incoming, [], []
    unmerged = _unmerged(root)
    if not unmerged:
        if run(root, "rev-parse", "-q", "--verify", "MERGE_HEAD", check=False).returncode == 0:
            run(root, "merge", "--abort")
        raise GitError(gitlog.failure(("merge", up.ref), proc) + "; nothing was changed")
    top, pre = gitlog.repo_top(root), gitlog.prefix(root)
    held = _read_held(root)
    notes, conflicts, body = [], [], []
    for top_path, stages in sorted(unmerged.items()):
        if not top_path.startswith(pre):
            run(root, "merge", "--abort")
            raise GitError(f"your changes and the team's conflict in {top_path}, which is outside the log; "
                           f"merge by hand with `git merge {up}`; nothing was changed")
        path = top_path.removeprefix(pre)
        if path == store.TOPICS:
            topics = merge_topics(*(_blob_text(root, stages.get(i)) for i in (1, 2, 3)))
            if topics is not None:
                _apply(root, top, top_path, topics[0])
                notes += ["merged topics.toml topic by topic", *topics[1]]
                continue
        choice = resolutions.get(path)
        if choice is None or held.get(path) != [stages.get(2), stages.get(3)]:
            conflicts.append(_conflict(root, pre, top_path, stages, up.ref))
            continue
        if choice.keep == "merge":
            text, kept = choice.text, "a merge of both versions"
        else:
            text = _blob_text(root, stages.get(2 if choice.keep == "mine" else 3))
            kept = "yours" if choice.keep == "mine" else "theirs"
        _apply(root, top, top_path, text)
        body.append(f"{path}: kept {kept}")
    if conflicts:
        run(root, "merge", "--abort")
        _write_held(root, up, conflicts)
        return incoming, notes, conflicts
    run(root, "commit", "--quiet", "--no-verify", "-m", "\n\n".join([message, "\n".join(notes + body)]).strip())
    return incoming, notes, []


def _read_held(root: Path) -> dict[str, list[str | None]]:
    try:
        data = json.loads(_held_path(root).read_text("utf-8"))
        return {k: list(v) for k, v in data["conflicts"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _write_held(root: Path, up: _Upstream, conflicts: list[Conflict]) -> None:
    data = {"remote": str(up), "conflicts": {c.path: [c.mine.blob, c.theirs.blob] for c in conflicts}}
    store.write_file(_held_path(root), json.dumps(data, indent=1) + "\n", overwrite=True)


class Held(NamedTuple):
    """A record a stopped sync is waiting on: its log-relative path, your text and the team's (None: removed)."""

    path: str
    mine: str | None
    theirs: str | None


def held_conflicts(root: Path) -> list[Held]:
    """The records a stopped sync is waiting on you to choose for."""
    held = _read_held(root)
    if not held:
        raise NaftaLogError("no sync is waiting for a choice; run `nafta-log sync` first")
    return [Held(path, _blob_text(root, mine), _blob_text(root, theirs)) for path, (mine, theirs) in sorted(held.items())]


def _push(root: Path, branch: str, up: _Upstream) -> bool:
    """Push; False when the remote moved on meanwhile (fetch and merge again)."""
    args = ["push", "--quiet"] + ([] if up.tracking else ["--set-upstream"]) + [up.remote, f"{branch}:{up.branch}"]
    proc = run(root, *args, check=False)
    if proc.returncode == 0:
        return True
    text = proc.stderr
    if "[rejected]" in text or "fetch first" in text or "non-fast-forward" in text:
        return False
    raise GitError(gitlog.failure(args, proc) + "; your changes are committed here: run nafta-log sync again "
                                                "when the remote is reachable")


def sync(root: Path, resolutions: Mapping[str, Resolution] | None = None, attempts: int = 3) -> SyncReport:
    """Commit pending changes, fetch, merge, check and push; stop before pushing on conflicts or problems."""
    gitlog.repo_top(root)
    with store.locked(root):
        if run(root, "rev-parse", "-q", "--verify", "MERGE_HEAD", check=False).returncode == 0:
            raise GitError("a git merge is already in progress in this repository; finish it (`git commit`) or "
                           "undo it (`git merge --abort`), then run nafta-log sync again")
        branch, up = _upstream(root)
        committed = _commit_pending(root)
        incoming, notes = 0, []
        for _ in range(attempts):
            fetched = run(root, "fetch", "--quiet", up.remote, check=False)
            if fetched.returncode != 0:
                raise GitError(f"cannot fetch from {up.remote!r}: {gitlog.failure(('fetch', up.remote), fetched)}; "
                               "your changes are committed here: run nafta-log sync again when it is reachable")
            has_remote = run(root, "rev-parse", "-q", "--verify", up.ref, check=False).returncode == 0
            if has_remote:
                n, more, conflicts = _merge(root, up, resolutions or {})
                incoming, notes = incoming + n, notes + more
                if conflicts:
                    return SyncReport(str(up), committed, incoming, tuple(notes), tuple(conflicts))
            loaded = store.load(root)
            problems = sorted(loaded.problems + check.run_checks(loaded.log), key=Problem.sort_key)
            if problems:
                return SyncReport(str(up), committed, incoming, tuple(notes), problems=tuple(problems))
            if _push(root, branch, up):
                _held_path(root).unlink(missing_ok=True)
                return SyncReport(str(up), committed, incoming, tuple(notes), pushed=True)
            up = up._replace(tracking=True) if has_remote else up
        raise GitError("the remote kept changing while syncing; your changes are committed here: "
                       "run nafta-log sync again")


def draft(path: str, mine: str | None, theirs: str | None) -> str:
    """The text to edit for a merge: your version, with the team's differing values as `# sync:` comments."""
    head = ["# sync: nafta-log: edit this into the version to keep, then save and close the editor.",
            "# sync: Lines starting with '# sync:' are dropped. Below is your version; the team's has:"]
    a, b = diffs.parse_version(path, mine), diffs.parse_version(path, theirs)
    raw = tomltext.decode((theirs or "").encode("utf-8"), path)[0] or {}
    for change in diffs.field_changes(a.table if a else None, b.table if b else None):
        value = raw.get(change.field)
        shown = tomltext.dumps({change.field: value}).rstrip("\n") if value is not None else f"{change.field}: (none)"
        head += [f"# sync: {ln}" for ln in shown.splitlines()]
    return "\n".join(head) + "\n" + (mine if mine is not None else theirs or "")


def undraft(path: str, text: str) -> str:
    """The edited draft without its `# sync:` lines; NaftaLogError when it is not a valid record."""
    kept = "".join(ln for ln in text.splitlines(keepends=True) if not ln.startswith("# sync:"))
    version = diffs.parse_version(path, kept)
    if version is None or version.problem:
        raise NaftaLogError(f"your merge of {path} is not a valid record ({version.problem if version else 'empty'}); "
                            "nothing was pushed: run `nafta-log sync --edit` again")
    return kept

