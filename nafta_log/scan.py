"""Finding what changed in a log since the last command, without reading every file (see index.py).

`find -cnewer STAMP` runs in its own process, started before the command line's slow imports, and lists the files
and folders whose ctime is newer than the stamp; without `find`, `all_files` lets the caller compare everything.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from nafta_log import store

if TYPE_CHECKING:
    from nafta_log.watch import Reply

STAMP = "stamp"
FILE = "index.sqlite3"  # the index a scan is relative to (no index: nothing to compare, no scan)
# Below this many files, comparing every file in Python (a millisecond) is cheaper than starting `find`.
FIND_MIN = 1_000
FIND_SPLIT = 20_000  # from this many files, two `find` processes share the work
# From this many files a watcher process (watch.py) answers instead of `find`; below it `find` takes milliseconds
# and no background process is worth keeping around.
WATCH_MIN = 5_000
FileMeta = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode

def file_meta(st: os.stat_result) -> FileMeta:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def kind_of(rel: str) -> str | None:
    """What a path inside the log holds: "meeting", "stakeholder", "topics", "settings", or None."""
    name = rel.rsplit("/", 1)[-1]
    if not name.endswith(".toml") or name.startswith(".") or "/." in "/" + rel:
        return None
    if rel == store.TOPICS:
        return "topics"
    if rel == store.MARKER:
        return "settings"
    if rel.startswith(store.STAKEHOLDERS + "/"):
        return "stakeholder"
    if rel.startswith(store.MEETINGS + "/"):
        return "meeting"
    return None


def walk(root: Path, folder: str, stat: bool = True) -> Iterator[tuple[str, FileMeta | None]]:
    """(relative path, metadata) of every record file under `folder`, hidden and temporary files skipped.

    Without `stat` the metadata is None: whoever opens the file reads it then (a first build does, in parallel).
    """
    base = str(root)
    pending = [folder]
    while pending:
        rel_dir = pending.pop()
        try:
            entries = list(os.scandir(f"{base}/{rel_dir}"))
        except OSError:
            continue
        for entry in sorted(entries, key=lambda e: e.name):
            name = entry.name
            if name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(f"{rel_dir}/{name}")
                elif name.endswith(".toml"):
                    yield f"{rel_dir}/{name}", file_meta(entry.stat()) if stat else None
            except OSError:
                continue


def all_files(root: Path, meetings: bool = True, stat: bool = True) -> dict[str, FileMeta | None]:
    """(relative path, metadata) of every record file of the log (meetings left out if asked; see walk for `stat`)."""
    out: dict[str, FileMeta | None] = {}
    for rel in (store.MARKER, store.TOPICS):
        try:
            out[rel] = file_meta((root / rel).stat())
        except OSError:
            pass
    for folder in (store.STAKEHOLDERS, store.MEETINGS) if meetings else (store.STAKEHOLDERS,):
        out.update(walk(root, folder, stat))
    return out


class Scan:
    """A freshness scan in progress: `find` started in the background, or nothing (then Python does it).

    For a large log the meetings' year folders are shared between two `find` processes, one per core: the
    stat() of every file is the whole cost, and it divides.
    """

    def __init__(self, root: Path, meetings: bool = True) -> None:
        self.root = root
        self.meetings = meetings
        self.started_ns = time.time_ns()
        self.procs: list[subprocess.Popen[bytes]] = []
        self._changed: list[str] | None = None
        self._extra: list[str] = []
        self.watched: Reply | None = None  # the watcher's answer, when it was asked (see watch.py)
        stamp = root / store.CACHE / STAMP
        seen = _files_last_seen(stamp)
        if seen < FIND_MIN or not (root / store.CACHE / FILE).exists():
            return
        if meetings and seen >= WATCH_MIN:
            from nafta_log import watch  # only for a log this large: a small log's commands never load it
            if watch.enabled(root):
                self.watched = watch.ask(root, watch.read_state(root / store.CACHE))
                if self.watched is None:
                    watch.spawn(root)  # for the next command; this one scans with find
                elif self.watched.paths is not None:
                    return  # the watcher's list is the answer: no find
        if not all((root / t).is_dir() for t in (store.STAKEHOLDERS, store.MEETINGS)[:2 if meetings else 1]):
            return  # a whole top folder is gone: `find` cannot list what is not there; compare every file instead
        others = [t for t in (store.STAKEHOLDERS, store.TOPICS, store.MARKER) if (root / t).exists()]
        groups = [others]
        if meetings and (root / store.MEETINGS).is_dir():
            years = sorted(f"{store.MEETINGS}/{e.name}" for e in os.scandir(root / store.MEETINGS)
                           if e.is_dir(follow_symlinks=False) and not e.name.startswith("."))
            half = len(years) // 2 if seen >= FIND_SPLIT else 0
            groups = [years[:half] + others, years[half:]]
            try:  # the meetings folder itself: a year folder added or removed
                if (root / store.MEETINGS).stat().st_ctime_ns > stamp.stat().st_mtime_ns:
                    self._extra.append(store.MEETINGS)
            except OSError:
                return
        try:
            for targets in (g for g in groups if g):
                self.procs.append(subprocess.Popen(["find", *targets, "-cnewer", str(stamp), "-print0"], cwd=root,
                                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                                   stdin=subprocess.DEVNULL))
        except OSError:
            self.procs = []

    @property
    def proc(self) -> subprocess.Popen[bytes] | None:
        """The first `find` process, if any was started."""
        return self.procs[0] if self.procs else None

    def changed(self) -> list[str] | None:
        """Relative paths changed since the stamp, or None when they are unknown (scan everything)."""
        if self.watched is not None and self.watched.paths is not None:
            return self.watched.paths
        if not self.procs:
            return None
        if self._changed is None:
            found = list(self._extra)
            for proc in self.procs:
                out, _ = proc.communicate()
                if proc.returncode != 0:
                    self.procs = []
                    return None
                found += [p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p]
            self._changed = found
        return self._changed


def _files_last_seen(stamp: Path) -> int:
    """How many record files the last full scan saw (the stamp file holds the number); 0 if unknown."""
    try:
        return int(stamp.read_text() or 0)
    except (OSError, ValueError):
        return 0


_STARTED: dict[tuple[str, bool], Scan] = {}


def start_scan(root: Path, meetings: bool = True, keep: bool = False) -> Scan:
    """Start looking for changed files now, so the work overlaps whatever the caller does next.

    With `meetings=False` only stakeholders, topics and settings are checked (enough to add a record).
    With `keep`, the scan is kept for one later `take_scan`.
    """
    scan = Scan(root, meetings)
    if keep:
        _STARTED[(str(root), meetings)] = scan
    return scan


def take_scan(root: Path, meetings: bool = True) -> Scan | None:
    """The scan started earlier for this log and scope, if any (each scan is used once)."""
    return _STARTED.pop((str(root), meetings), None)
