"""Writes that survive faults: the log's lock, atomic one-file writes, and journaled all-or-nothing multi-file changes.

json and secrets are imported where they are used: every command imports this module, few write several files.
`store` re-exports `locked`, `write_file`, `replace_file` and `apply_changes`; callers use them from there.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping, Sequence

from nafta_log.errors import ConflictError, LockTimeout, NaftaLogError

CACHE = ".nafta-log"
LOCK_TIMEOUT = 10.0
JOURNAL = "journal.json"
# Temporary files of one-file writes (".NAME.XXXX.tmp") and staged files of a multi-file change (".NAME.ID.staged").
_LEFTOVER_RE = re.compile(r"^\..+\.[A-Za-z0-9_]+\.(tmp|staged)$")
_steps = 0
_held: set[tuple[str, int]] = set()  # (log's real path, pid) for each lock this process holds


def crash_point() -> None:
    """Exit at once, as if killed, after $NAFTA_LOG_CRASH_AFTER steps of a multi-file change (for crash tests)."""
    global _steps
    limit = os.environ.get("NAFTA_LOG_CRASH_AFTER")
    if not limit:
        return
    _steps += 1
    if _steps >= int(limit):
        os._exit(137)


# Present while a writer holds the lock; a writer that finds it was left by one that was killed, and only then
# sweeps the log for leftover temporary files (a sweep reads every folder: half a second at 100,000 records).
WRITING = "writing"


@contextmanager
def locked(root: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the log's write lock (flock on .nafta-log/lock), finishing any interrupted change and removing leftovers.

    Fails with "the log is busy" after `timeout` seconds (default 10, or $NAFTA_LOG_LOCK_TIMEOUT). Re-entrant: a
    process already holding the lock of `root` (e.g. a library call inside a caller's own locked block) goes on.
    """
    key = (os.path.realpath(root), os.getpid())  # a forked child does not hold its parent's lock
    if key in _held:
        yield
        return
    cache = root / CACHE
    try:
        cache.mkdir(exist_ok=True)
        fd = os.open(cache / "lock", os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise NaftaLogError(f"cannot lock the log at {root}: {_reason(exc)}; nothing was written") from None
    writing = cache / WRITING
    try:
        _flock(fd, fcntl.LOCK_EX, timeout)
        _held.add(key)
        if writing.exists() or pending_change(root):
            recover(root)  # the last writer was killed: finish its change, sweep its temporary files
        try:
            os.close(os.open(writing, os.O_WRONLY | os.O_CREAT, 0o644))
        except OSError:
            pass  # a read-only log: the write itself will say so
        yield
        writing.unlink(missing_ok=True)
    finally:
        _held.discard(key)
        os.close(fd)


@contextmanager
def reading(root: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the log's lock shared while reading, so a multi-file change being made is waited for, never seen half done.

    A process holding the write lock reads on; a log whose lock file cannot be opened (never written to, or on
    a read-only medium) is read without it.
    """
    if (os.path.realpath(root), os.getpid()) in _held:
        yield
        return
    try:
        fd = os.open(root / CACHE / "lock", os.O_RDONLY)
    except OSError:
        yield
        return
    try:
        _flock(fd, fcntl.LOCK_SH, timeout)
        yield
    finally:
        os.close(fd)


def _flock(fd: int, mode: int, timeout: float | None) -> None:
    """Take a flock of `mode` on `fd`, polling; LockTimeout after `timeout` s (10, or $NAFTA_LOG_LOCK_TIMEOUT)."""
    if timeout is None:
        timeout = float(os.environ.get("NAFTA_LOG_LOCK_TIMEOUT", LOCK_TIMEOUT))
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise LockTimeout(f"the log is busy: another nafta-log has held its lock for {timeout:g} s; "
                                  "try again when it has finished") from None
            time.sleep(0.02)


def write_file(path: Path, text: str, *, overwrite: bool) -> None:
    """Write `text` atomically: temp file in the same folder, fsync, link (new) or replace (existing), fsync the folder.

    A new file never overwrites another (ConflictError). An existing file keeps its mode, and a symlinked record
    is written through to its target, which is replaced atomically.
    """
    if overwrite and path.is_symlink():
        path = Path(os.path.realpath(path))
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        import tempfile  # only writers need it (7 ms at start-up)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise write_error(path, exc) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(text.encode("utf-8"))
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, _mode_for(path))
        if overwrite:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)  # fails if the name is taken: never overwrites another record
            except FileExistsError:
                raise ConflictError(f"{path} already exists; nothing was written") from None
            os.unlink(tmp)
        _fsync_dir(folder)
    except OSError as exc:
        raise write_error(path, exc) from None
    finally:
        if os.path.lexists(tmp):
            os.unlink(tmp)


def replace_file(path: Path, text: str, expected: bytes) -> None:
    """Atomically replace an existing file, refusing (ConflictError) if it no longer holds `expected` (call locked)."""
    _check_unchanged({path: expected})
    write_file(path, text, overwrite=True)


def apply_changes(root: Path, writes: Mapping[Path, str], deletes: Iterable[Path] = (),
                  expected: Mapping[Path, bytes | None] | None = None) -> None:
    """Write and delete several files all or nothing; call it under `locked(root)`.

    `writes` maps each path to its new text (new or existing files), `deletes` lists files to remove, and
    `expected` maps paths to the bytes they must still hold (None: must not exist) or the change is refused with
    a ConflictError before anything is written. Steps:

    1. every new text is written to a hidden staged file beside its target (".NAME.ID.staged"), fsynced, and its
       folder fsynced;
    2. a journal naming every move and deletion is written atomically to .nafta-log/journal.json: the commit point;
    3. the staged files are renamed over their targets, the deletions done, the folders fsynced, the journal removed.

    A crash before step 2 leaves the log as it was (the next writer removes the staged files); a crash after it is
    completed by the next command that takes the lock (`recover`). Each step of the completion is idempotent, so
    finishing twice duplicates nothing. Symlinked targets are written through to the file they point to.
    """
    import json
    import secrets
    deletes = list(deletes)
    if set(writes) & set(deletes):
        raise ValueError("a path cannot be both written and deleted in one change")
    targets = {p: Path(os.path.realpath(p)) if p.is_symlink() else p for p in writes}
    _check_unchanged(expected or {})
    tx = secrets.token_hex(4)
    staged: list[tuple[Path, Path]] = []
    try:
        for path, text in writes.items():
            target = targets[path]
            target.parent.mkdir(parents=True, exist_ok=True)
            stage = target.parent / f".{target.name}.{tx}.staged"
            staged.append((stage, target))
            with open(stage, "xb") as f:
                f.write(text.encode("utf-8"))
                f.flush()
                os.fsync(f.fileno())
            os.chmod(stage, _mode_for(target))
            crash_point()
        for folder in {target.parent for _, target in staged}:
            _fsync_dir(folder)  # the staged names must outlast a power cut before the journal counts on them
        journal = {"moves": [[os.path.relpath(s, root), os.path.relpath(t, root)] for s, t in staged],
                   "deletes": [os.path.relpath(p, root) for p in deletes]}
        write_file(root / CACHE / JOURNAL, json.dumps(journal, indent=1), overwrite=True)
    except (OSError, NaftaLogError) as exc:
        for stage, _ in staged:
            if os.path.lexists(stage):
                os.unlink(stage)
        if isinstance(exc, NaftaLogError):
            raise
        raise write_error(staged[-1][1] if staged else root, exc) from None
    crash_point()
    try:
        _finish(root, journal)
    except OSError as exc:
        raise NaftaLogError(f"the change was interrupted ({_reason(exc)}); it is recorded in {CACHE}/{JOURNAL} "
                            "and the next nafta-log command completes it") from None


def _finish(root: Path, journal: Mapping[str, list]) -> None:
    """Carry out a committed journal: move staged files in, delete, fsync, drop the journal. Safe to repeat."""
    folders: set[Path] = set()
    for stage, target in journal["moves"]:
        if os.path.lexists(root / stage):  # absent: already moved by an earlier, interrupted run
            os.replace(root / stage, root / target)
            crash_point()
        folders.add((root / target).parent)
    for rel in journal["deletes"]:
        if os.path.lexists(root / rel):
            os.unlink(root / rel)
            crash_point()
        folders.add((root / rel).parent)
    for folder in folders:
        _fsync_dir(folder)
    os.unlink(root / CACHE / JOURNAL)
    _fsync_dir(root / CACHE)
    crash_point()


def pending_change(root: Path) -> bool:
    """True when an interrupted multi-file change waits to be completed."""
    return (root / CACHE / JOURNAL).exists()


def recover(root: Path) -> bool:
    """Under the lock: complete an interrupted change and remove leftover temporary and staged files.

    Returns True when there was an interrupted change to complete.
    """
    journal_path = root / CACHE / JOURNAL
    finished = False
    if journal_path.exists():
        import json
        try:
            journal = json.loads(journal_path.read_text(encoding="utf-8"))
            if not isinstance(journal, dict) or not {"moves", "deletes"} <= journal.keys():
                raise ValueError("not a journal")
        except (OSError, ValueError) as exc:
            raise NaftaLogError(f"{journal_path} is unreadable ({exc.__class__.__name__}): an interrupted change "
                                "cannot be completed; restore the log from git or delete the file") from None
        try:
            _finish(root, journal)
        except OSError as exc:
            raise NaftaLogError(f"cannot complete an interrupted change ({_reason(exc)}); it stays recorded in "
                                f"{journal_path}") from None
        finished = True
    for folder in _record_folders(root):
        for entry in os.scandir(folder):
            if _LEFTOVER_RE.match(entry.name) and entry.is_file(follow_symlinks=False) and (
                    folder != root / CACHE or entry.name.startswith(f".{JOURNAL}.")):
                try:
                    os.unlink(entry.path)
                except OSError:
                    pass  # a read-only folder: readers ignore the file anyway
    return finished


def _record_folders(root: Path) -> Iterator[Path]:
    """The log root, its cache (where only the journal's temporary files are ours) and every record folder."""
    yield root
    if (root / CACHE).is_dir():
        yield root / CACHE
    for sub in ("stakeholders", "meetings"):
        for dirpath, dirnames, _ in os.walk(root / sub):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            yield Path(dirpath)


def _check_unchanged(expected: Mapping[Path, bytes | None]) -> None:
    """Raise ConflictError if any file no longer holds the bytes it was read with (None: absent)."""
    for path, before in expected.items():
        try:
            now: bytes | None = path.read_bytes()
        except FileNotFoundError:
            now = None
        except OSError as exc:
            raise NaftaLogError(f"cannot read {path}: {_reason(exc)}; nothing was written") from None
        if now != before:
            what = "was deleted" if now is None else "appeared" if before is None else "changed"
            raise ConflictError(f"{path} {what} on disk since it was read (an editor, a git pull?); "
                                "nothing was written: run the command again")


def _mode_for(path: Path) -> int:
    """The mode of the existing file at `path`, or the default for a new file (0666 less the umask)."""
    try:
        return os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def _fsync_dir(folder: Path) -> None:
    """Flush a folder's entries (new, renamed and removed names) to disk."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _reason(exc: OSError) -> str:
    """An OSError in words a user can act on."""
    return {errno.ENOSPC: "the disk is full", errno.EROFS: "the folder is read-only",
            errno.EACCES: "permission denied", errno.EPERM: "permission denied",
            errno.EDQUOT: "the disk quota is exceeded"}.get(exc.errno or 0, exc.strerror or str(exc))


def write_error(path: Path, exc: OSError) -> NaftaLogError:
    """The error for a write that failed and changed nothing."""
    return NaftaLogError(f"cannot write {path}: {_reason(exc)}; nothing was changed")


def write_batch(files: Sequence[tuple[str | Path, str]], *, overwrite: bool = False,
                progress: Callable[[int, int], None] | None = None) -> None:
    """Write many files at once, each atomically, with one flush to disk for the whole batch (call under the lock).

    `write_file` costs two fsyncs per file, which makes a bulk import of thousands of records take minutes.
    Here every file is first written to a temporary name in its folder (readers ignore those), then the whole
    filesystem is flushed once (syncfs, or sync where that is missing), then each file is linked into place
    (new files: fails rather than overwrite) or renamed over the old one (`overwrite`), and finally each folder
    is fsynced once. Files are placed in the order given, so callers put stakeholders before the meetings
    that name them.

    The trade-off: each file is still all-or-nothing (no reader or crash ever sees half a record), but the
    batch as a whole is not. A crash before the placing step leaves only temporary files; a crash during it
    leaves the first files in place and not the rest, and one before the folder fsyncs may lose some
    placements. Importers make this safe by being idempotent: running the same import again writes what is
    missing. When a name is already taken before the batch starts, nothing is written. `progress` is told
    (files written, total) every 500 files.
    """
    join, dirname, exists = os.path.join, os.path.dirname, os.path.exists
    if not overwrite:
        taken = [p for p, _ in files if exists(p)]
        if taken:
            raise ConflictError(f"{taken[0]} already exists; nothing was written")
    temps: list[tuple[str, str]] = []
    placed = 0
    suffix = f".{os.getpid()}.tmp"
    try:
        mode = 0o666 & ~_umask()
        folders: set[str] = set()
        for path, text in files:
            path = os.fspath(path)
            folder = dirname(path)
            if folder not in folders:
                os.makedirs(folder, exist_ok=True)
                folders.add(folder)
            tmp = join(folder, "." + path[len(folder) + 1:] + suffix)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
            temps.append((tmp, path))
            try:
                os.write(fd, text.encode("utf-8"))
            finally:
                os.close(fd)
            if progress and len(temps) % 500 == 0:
                progress(len(temps), len(files))
        if temps:
            _sync_filesystem(dirname(temps[0][1]))
        for tmp, path in temps:
            if overwrite:
                os.replace(tmp, path)
            else:
                try:
                    os.link(tmp, path)
                except FileExistsError:
                    raise ConflictError(f"{path} appeared while writing; {placed:,} of {len(temps):,} files were "
                                        "written: run the same command again to finish") from None
                os.unlink(tmp)
            placed += 1
        for folder in folders:
            _fsync_dir(Path(folder))
    except OSError as exc:
        done = "nothing was changed" if not placed else f"{placed:,} of {len(temps):,} files were written"
        raise NaftaLogError(f"cannot write {temps[-1][1] if temps else 'the batch'}: {_reason(exc)}; {done}") from None
    finally:
        for tmp, _ in temps:
            if exists(tmp):
                os.unlink(tmp)


def remove_file(path: Path) -> None:
    """Delete one record file and make the deletion durable (fsync of its folder)."""
    try:
        os.unlink(path)
        _fsync_dir(path.parent)
    except OSError as exc:
        raise NaftaLogError(f"cannot remove {path}: {_reason(exc)}") from None


def _sync_filesystem(somewhere: str) -> None:
    """Flush every written file of the filesystem holding `somewhere` to disk, in one call."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        fd = os.open(somewhere, os.O_RDONLY)
        try:
            if libc.syncfs(fd) == 0:
                return
        finally:
            os.close(fd)
    except (OSError, AttributeError):
        pass
    os.sync()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
