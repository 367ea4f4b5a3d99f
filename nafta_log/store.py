"""The log folder <-> model: finding the log, loading every record with its problems, atomic locked writes."""

from __future__ import annotations

import errno
import fcntl
import os
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterator, Mapping, NamedTuple, Sequence
from contextlib import contextmanager

from nafta_log import records, tomltext
from nafta_log.errors import ConflictError, LockTimeout, LogNotFound, NaftaLogError, Problem
from nafta_log.ids import is_valid_id
from nafta_log.model import Log, Meeting, Origin, Settings, Stakeholder, Topic

MARKER = "nafta-log.toml"
TOPICS = "topics.toml"
STAKEHOLDERS = "stakeholders"
MEETINGS = "meetings"
CACHE = ".nafta-log"
LOCK_TIMEOUT = 10.0


def find_root(explicit: str | None, environ: Mapping[str, str], cwd: Path) -> Path:
    """The log to use: `--log DIR`, else $NAFTA_LOG, else the nearest folder upward holding nafta-log.toml."""
    given = explicit or environ.get("NAFTA_LOG") or None
    if given:
        where = "--log" if explicit else "$NAFTA_LOG"
        path = Path(given).expanduser()
        for candidate in (path, path / "data"):
            if (candidate / MARKER).is_file():
                return candidate.resolve()
        if not path.exists():
            raise LogNotFound(f"{where} {given}: no such folder; make a log there with `nafta-log init {given}`")
        raise LogNotFound(f"{where} {given}: not a nafta-log log (no {MARKER} in it); "
                          f"make one with `nafta-log init {given}`")
    for folder in (cwd, *cwd.parents):
        for candidate in (folder, folder / "data"):
            if (candidate / MARKER).is_file():
                return candidate.resolve()
    raise LogNotFound(f"no log found in {cwd} or any folder above it; give one with --log DIR or $NAFTA_LOG, "
                      "or make one with `nafta-log init DIR` (`--sample` for the NAFTA sample log)")


class LoadResult(NamedTuple):
    """Every record that loaded, and every problem found on the way."""

    log: Log
    problems: list[Problem]

    def broken_files(self) -> list[Problem]:
        """The first problem of each file that could not be loaded (one warning line per file)."""
        seen: dict[str, Problem] = {}
        for p in self.problems:
            seen.setdefault(p.path, p)
        return list(seen.values())


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _read_table(root: Path, path: Path) -> tuple[dict | None, Origin, list[Problem]]:
    rel = _rel(root, path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, Origin(rel), [Problem(rel, None, None, f"cannot read: {exc.strerror}")]
    table, text, problems = tomltext.decode(raw, rel)
    return table, Origin(rel, text), problems


def record_files(folder: Path) -> Iterator[Path]:
    """Every `*.toml` under `folder`, in a stable order, skipping hidden and temporary files."""
    if not folder.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.endswith(".toml") and not name.startswith("."):
                yield Path(dirpath) / name


def load_settings(root: Path) -> tuple[Settings, list[Problem]]:
    """Read nafta-log.toml."""
    table, origin, problems = _read_table(root, root / MARKER)
    if table is None:
        return Settings(), problems
    return records.settings_from_table(table, origin)


class TopicsResult(NamedTuple):
    """The topic vocabulary and the problems found in topics.toml."""

    topics: dict[str, Topic]
    problems: list[Problem]


def load_topics(root: Path) -> TopicsResult:
    """Read topics.toml (an absent file is an empty vocabulary)."""
    if not (root / TOPICS).is_file():
        return TopicsResult({}, [])
    table, origin, problems = _read_table(root, root / TOPICS)
    if table is None:
        return TopicsResult({}, problems)
    topics, problems = records.topics_from_table(table, origin)
    return TopicsResult(topics, problems)


def load(root: Path) -> LoadResult:
    """Load every record of the log at `root`; a broken file is left out and reported, never fatal."""
    settings, problems = load_settings(root)
    log = Log(root=str(root), settings=settings)
    topics = load_topics(root)
    log.topics = topics.topics
    problems += topics.problems
    for path in record_files(root / STAKEHOLDERS):
        sid = path.stem
        table, origin, probs = _read_table(root, path)
        if table is not None:
            s, probs = records.stakeholder_from_table(sid, table, origin)
            if s is not None:
                probs += _id_problems(origin, sid, log.stakeholders, "stakeholder")
                log.stakeholders.setdefault(sid, s)
        problems += probs
    for path in record_files(root / MEETINGS):
        mid = path.stem
        table, origin, probs = _read_table(root, path)
        if table is not None:
            m, probs = records.meeting_from_table(mid, table, origin)
            if m is not None:
                probs += _id_problems(origin, mid, log.meetings, "meeting")
                log.meetings.setdefault(mid, m)
        problems += probs
    return LoadResult(log, problems)


def _id_problems(origin: Origin, rid: str, seen: Mapping[str, object], what: str) -> list[Problem]:
    out = []
    if not is_valid_id(rid):
        out.append(Problem(origin.path, None, None, f"file name {rid!r} is not a valid {what} id "
                                                    "(lower-case letters, digits and single hyphens)"))
    if rid in seen:
        other = getattr(seen[rid], "origin", None)
        out.append(Problem(origin.path, None, None, f"duplicate {what} id {rid!r}, also in "
                                                    f"{other.path if other else '?'}; this copy is ignored"))
    return out


def stakeholder_relpath(sid: str) -> str:
    """Where the stakeholder with id `sid` lives, relative to the log: stakeholders/<id>.toml."""
    return f"{STAKEHOLDERS}/{sid}.toml"


def meeting_relpath(m: Meeting) -> str:
    """Where a meeting lives, relative to the log: meetings/<year>/<id>.toml."""
    return f"{MEETINGS}/{m.date.year:04d}/{m.id}.toml"


def stakeholder_path(root: Path, sid: str) -> Path:
    """Where the stakeholder with id `sid` lives."""
    return root / stakeholder_relpath(sid)


def meeting_path(root: Path, m: Meeting) -> Path:
    """Where a meeting lives: meetings/<year>/<id>.toml."""
    return root / meeting_relpath(m)


@contextmanager
def locked(root: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the log's write lock (flock on .nafta-log/lock), or fail clearly after `timeout` seconds."""
    if timeout is None:
        timeout = float(os.environ.get("NAFTA_LOG_LOCK_TIMEOUT", LOCK_TIMEOUT))
    cache = root / CACHE
    try:
        cache.mkdir(exist_ok=True)
        fd = os.open(cache / "lock", os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise NaftaLogError(f"cannot lock the log at {root}: {exc.strerror}; nothing was written") from None
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeout(f"the log is busy: another nafta-log has held its lock for {timeout:g} s; "
                                      "try again when it has finished") from None
                time.sleep(0.02)
        yield
    finally:
        os.close(fd)


def write_file(path: Path, text: str, *, overwrite: bool) -> None:
    """Write `text` atomically: temp file in the same folder, fsync, then link (new) or replace (existing)."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise _write_error(path, exc) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(text.encode("utf-8"))
            f.flush()
            os.fsync(f.fileno())
        if overwrite:
            if path.exists():
                os.chmod(tmp, os.stat(path).st_mode & 0o7777)
            os.replace(tmp, path)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
            try:
                os.link(tmp, path)  # fails if the name is taken: never overwrites another record
            except FileExistsError:
                raise ConflictError(f"{path} already exists; nothing was written") from None
            os.unlink(tmp)
        _fsync_dir(folder)
    except OSError as exc:
        raise _write_error(path, exc) from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


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


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _reason(exc: OSError) -> str:
    """What an OSError means, in words a user can act on."""
    return {errno.ENOSPC: "the disk is full", errno.EROFS: "the folder is read-only",
            errno.EACCES: "permission denied", errno.EDQUOT: "the disk quota is exceeded"}.get(
        exc.errno or 0, exc.strerror or str(exc))


def _write_error(path: Path, exc: OSError) -> NaftaLogError:
    return NaftaLogError(f"cannot write {path}: {_reason(exc)}; nothing was changed")


def save_stakeholder(root: Path, s: Stakeholder) -> Path:
    """Write a new stakeholder file; refuse if one with its id exists."""
    path = stakeholder_path(root, s.id)
    write_file(path, tomltext.dumps(records.stakeholder_to_table(s)), overwrite=False)
    return path


def save_meeting(root: Path, m: Meeting) -> Path:
    """Write a new meeting file; refuse if one with its id exists."""
    path = meeting_path(root, m)
    write_file(path, tomltext.dumps(records.meeting_to_table(m)), overwrite=False)
    return path


def save_topics(root: Path, topics: Mapping[str, Topic]) -> Path:
    """Rewrite topics.toml with the given vocabulary (call under the lock, after reloading it)."""
    path = root / TOPICS
    write_file(path, tomltext.dumps(records.topics_to_table(topics)), overwrite=True)
    return path


def init_log(folder: Path, name: str, sample: Path | None = None) -> Path:
    """Make a new log in `folder` (which must be empty or absent), empty or as a copy of `sample`."""
    if (folder / MARKER).exists():
        raise NaftaLogError(f"{folder} already holds a log ({MARKER}); nothing was changed")
    if folder.exists() and not folder.is_dir():
        raise NaftaLogError(f"{folder} exists and is not a folder")
    if folder.exists() and any(folder.iterdir()):
        raise NaftaLogError(f"{folder} is not empty; give a new or empty folder")
    import shutil
    try:
        if sample is not None:
            shutil.copytree(sample, folder, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns(CACHE, "__pycache__", ".*.tmp"))
        else:
            folder.mkdir(parents=True, exist_ok=True)
            write_file(folder / MARKER, tomltext.dumps({"schema_version": records.SCHEMA_VERSION, "name": name}),
                       overwrite=False)
            (folder / STAKEHOLDERS).mkdir(exist_ok=True)
            (folder / MEETINGS).mkdir(exist_ok=True)
        gitignore = folder / ".gitignore"
        if not gitignore.exists():
            write_file(gitignore, f"{CACHE}/\n", overwrite=False)
    except OSError as exc:
        raise _write_error(folder, exc) from None
    return folder
