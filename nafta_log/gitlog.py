"""The log as a git repository: making one, and committing each change with a message in words.

Everything here runs the `git` executable (no Python git library: the user's own git, with its
configuration, credentials and remotes, is what they already trust and what `git log` shows later).

Wiring `--commit` (and `[settings] auto_commit = true`) into a command that changes the log takes
one check before the write and one call after it, outside `store.locked` (the commit takes the lock):

    from nafta_log import gitlog
    gitlog.check_commit(root, commit)                      # before writing: fails early, nothing written
    path = actions.add_meeting(root, m)[1]                 # the write
    done = gitlog.commit_change(root, [path], gitlog.describe_change("add", "meeting", m.id, m.title),
                                requested=commit)
    if done:
        print(f"Committed {done.short}: {done.message}")

`paths` are the files the command wrote, renamed or deleted (both names for a rename); only they are
committed, so anything else the user has staged stays as it was. `describe_change("edit", "person",
"jerry-dias", "Jerry Dias")` gives "Edit person jerry-dias: Jerry Dias".
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Iterable, NamedTuple, Sequence

from nafta_log import store
from nafta_log.errors import NaftaLogError
from nafta_log.safe import visible

GITATTRIBUTES = """\
# nafta-log: every record is a small TOML text file; keep LF line endings on every machine
# so a record edited on Windows does not show as changed on every line.
*.toml text eol=lf
# No merge=union: a union merge of two edits to one record keeps both lines (two `summary = `
# keys, invalid TOML, or a silently wrong record). `nafta-log sync` resolves conflicts record by
# record instead, and merges topics.toml topic by topic.
"""
NO_IDENTITY = ("git does not know your name and email, which every commit records; set them with "
               "`git config --global user.name \"Your Name\"` and `git config --global user.email you@example.org`")


class GitError(NaftaLogError):
    """Git is missing, the log is not in a repository, or a git command failed."""


class Commit(NamedTuple):
    """A commit made by nafta-log: its hash and message."""

    sha: str
    message: str

    @property
    def short(self) -> str:
        """The abbreviated hash, as git shows it."""
        return self.sha[:7]


class Change(NamedTuple):
    """One changed file as git status reports it: 'A'dded, 'M'odified, 'D'eleted; path relative to the log."""

    status: str
    path: str


def git_executable() -> str:
    """The path of `git`, or GitError saying it is missing."""
    exe = shutil.which("git")
    if exe is None:
        raise GitError("git is not installed (or not on PATH); install it (e.g. `apt install git`) to use "
                       "the git commands; every other nafta-log command works without it")
    return exe


def run(root: Path, *args: str, input: str | None = None, check: bool = True,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `git ARGS` in `root`; on failure raise GitError with git's own explanation."""
    full_env = {**os.environ, **(env or {})}
    if not sys.stdin.isatty():  # no one to type a password: fail at once rather than wait
        full_env.setdefault("GIT_TERMINAL_PROMPT", "0")
    try:
        proc = subprocess.run([git_executable(), *args], cwd=root, input=input, capture_output=True,
                              text=True, encoding="utf-8", errors="replace", env=full_env)
    except OSError as exc:
        raise GitError(f"cannot run git in {root}: {exc.strerror}") from None
    if check and proc.returncode != 0:
        raise GitError(failure(args, proc))
    return proc


def failure(args: Sequence[str], proc: subprocess.CompletedProcess[str]) -> str:
    """A one-line explanation of a failed git command, from git's own message."""
    text = (proc.stderr or proc.stdout or "").strip()
    if "tell me who you are" in text or "Author identity unknown" in text or "empty ident" in text:
        return NO_IDENTITY
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("hint:")]
    detail = "; ".join(ln.removeprefix("fatal: ").removeprefix("error: ") for ln in lines[:3]) or \
        f"exit status {proc.returncode}"
    return f"`git {' '.join(args[:2])}` failed: {visible(detail)}"


def repo_top(root: Path) -> Path:
    """The top folder of the git repository holding the log, or GitError saying it is not in one."""
    proc = run(root, "rev-parse", "--show-toplevel", check=False)
    if proc.returncode != 0:
        raise GitError(f"the log at {root} is not in a git repository; make it one with `git init` in it "
                       "(or start a new log with `nafta-log init DIR --git`), or clone the team's log with "
                       "`git clone URL`")
    return Path(proc.stdout.strip())


def prefix(root: Path) -> str:
    """The log folder's path inside its repository ('' or 'data/'), as git prints paths."""
    return run(root, "rev-parse", "--show-prefix").stdout.strip()


def auto_commit(root: Path) -> bool:
    """True when the log's nafta-log.toml says `[settings] auto_commit = true`."""
    settings, _ = store.load_settings(root)
    table = settings.extra.get("settings")
    return isinstance(table, dict) and table.get("auto_commit") is True


def check_commit(root: Path, requested: bool) -> bool:
    """Whether a change will be committed; GitError before anything is written if it cannot be."""
    if not (requested or auto_commit(root)):
        return False
    repo_top(root)
    run(root, "var", "GIT_AUTHOR_IDENT")  # fails, with NO_IDENTITY, when git does not know who is committing
    return True


def describe_change(action: str, kind: str, rid: str, label: str | None = None) -> str:
    """A commit message in words: describe_change("add", "meeting", id, title) -> "Add meeting ID: TITLE"."""
    text = f"{action.capitalize()} {kind} {rid}"
    if label:
        text += f": {visible(' '.join(label.split()))}"  # one line, control and bidi characters as escapes
    return text


def _relative(root: Path, paths: Iterable[Path | str]) -> list[str]:
    out = []
    for p in paths:
        path = Path(p)
        out.append(os.path.relpath(path if path.is_absolute() else root / path, root))
    return out


def commit_paths(root: Path, paths: Iterable[Path | str], message: str) -> Commit | None:
    """Commit exactly these files (added, changed or deleted) with `message`; None when none changed."""
    rel = _relative(root, paths)
    if not rel:
        return None
    spec = "\0".join(rel)  # given on stdin, so an import of thousands of files fits no command line limit
    run(root, "add", "--all", "--pathspec-from-file=-", "--pathspec-file-nul", input=spec)
    staged = set(run(root, "diff", "--cached", "--name-only", "--relative", "-z").stdout.split("\0")) & set(rel)
    if not staged:
        return None
    run(root, "commit", "--quiet", "--no-verify", "--only", "--pathspec-from-file=-", "--pathspec-file-nul",
        "-m", message, input=spec)
    return Commit(run(root, "rev-parse", "HEAD").stdout.strip(), message)


def commit_change(root: Path, paths: Iterable[Path | str], message: str, *, requested: bool = False) -> Commit | None:
    """After a write: commit `paths` when `requested` (--commit) or the log sets auto_commit; else do nothing."""
    if not check_commit(root, requested):
        return None
    with store.locked(root):
        try:
            return commit_paths(root, paths, message)
        except GitError as exc:
            raise GitError(f"the change was written but not committed: {exc}") from None


def pending(root: Path) -> list[Change]:
    """Every file of the log that differs from the last commit (new files included), in path order."""
    pre = prefix(root)
    out = run(root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames", "--", ".").stdout
    changes = []
    for entry in out.split("\0"):
        if len(entry) < 4:
            continue
        xy, path = entry[:2], entry[3:]
        status = "D" if "D" in xy else "A" if xy in ("??", "A ", "AM") else "M"
        changes.append(Change(status, path.removeprefix(pre)))
    return sorted(changes, key=lambda c: c.path)


def commit_new_changes(root: Path, before: set[str] | None, message: str, requested: bool) -> Commit | None:
    """Commit the files that became different from the last commit since `before` (from `pending_paths`).

    For commands whose library call does not list the files it wrote (merge, import json): a file that was
    already uncommitted before the command is left for the user to commit.
    """
    if before is None:
        return None
    paths = [c.path for c in pending(root) if c.path not in before]
    return commit_change(root, paths, message, requested=requested)


def pending_paths(root: Path, requested: bool) -> set[str] | None:
    """The uncommitted files of the log now, when this change will be committed (check_commit); else None."""
    return {c.path for c in pending(root)} if check_commit(root, requested) else None


def read_blobs(root: Path, specs: list[str]) -> list[str | None]:
    """The texts of blob ids or `rev:top-relative-path` specs, in one `git cat-file --batch`; None where missing."""
    if not specs:
        return []
    proc = subprocess.run([git_executable(), "cat-file", "--batch"], cwd=root, capture_output=True,
                          input=("\n".join(specs) + "\n").encode("utf-8"))
    if proc.returncode != 0:
        raise GitError(f"`git cat-file` failed: {proc.stderr.decode('utf-8', 'replace').strip()}")
    out, pos, texts = proc.stdout, 0, []
    for _ in specs:
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        pos = end + 1
        if len(header) == 3 and header[1] == b"blob":
            size = int(header[2])
            texts.append(out[pos:pos + size].decode("utf-8", "replace"))
            pos += size + 1
        else:
            texts.append(None)
    return texts


def init_repo(root: Path) -> Commit:
    """Make the log at `root` a git repository with .gitignore and .gitattributes, and commit it all."""
    if (root / ".git").exists():
        raise GitError(f"{root} is already a git repository")
    run(root, "init", "--quiet")
    attributes = root / ".gitattributes"
    if not attributes.exists():
        store.write_file(attributes, GITATTRIBUTES, overwrite=False)
    run(root, "add", "--all")
    name = store.load_settings(root)[0].name or root.name
    message = f"Start the log: {' '.join(name.split())}"
    try:
        run(root, "commit", "--quiet", "--no-verify", "-m", message)
    except GitError as exc:
        raise GitError(f"the log and its repository were made in {root}, but the first commit failed: {exc}; "
                       "then run `git commit -m \"Start the log\"` there") from None
    return Commit(run(root, "rev-parse", "HEAD").stdout.strip(), message)
