"""A watcher process that tells a large log's next command which files changed, so that no command stats them all.

Why: the only way to see every change with `find` (an edit in place, a `git pull`, a deletion) is to stat every file,
which at 100,000 files costs more than Python's whole start-up. Linux's inotify reports each change as it happens;
a small process per log (`python -m nafta_log.watch ROOT`, started by the first command that needs it, gone after
WATCH_IDLE seconds without a question or when the log is removed) listens, numbers every change, and answers
"what changed since number N?" over a Unix socket in well under a millisecond.

Never wrong, by construction:
- inotify queues an event inside the system call that changes the file, so by the time an editor's write has returned,
  the event is waiting; the watcher reads everything waiting before it answers.
- A command trusts the watcher only for changes after a point (generation G, number S) that it saved once its index
  held everything up to that point. A watcher of another generation (restarted, or never asked), a lost event
  (the kernel's queue overflowed: the watcher exits), or a change it cannot describe per file (a top folder of the
  log created, moved or deleted) makes the command fall back to the full `find` scan, which is always right.
- Applying a change twice is harmless (the index re-reads a file only when its size, times or inode differ), so
  concurrent commands and a crash between updating the index and saving the point cost time, never correctness.
- It is used only where inotify sees every change: Linux, local file systems (not NFS, SMB or FUSE, whose other
  clients' writes it never hears of), and a log of at least scan.WATCH_MIN files; NAFTA_LOG_WATCH=0 turns it off.
Only scan.py imports this module, and only for such a log: a small log's commands never load it.
"""

from __future__ import annotations

import errno
import os
import socket
import struct
import sys
from pathlib import Path
from typing import NamedTuple

WATCH_IDLE = 900  # seconds without a question before the watcher exits
STATE = "watch-state"  # in the cache folder: "GENERATION SEQUENCE" of the last change the index holds
TIMEOUT = 1.0  # seconds a command waits for the watcher before scanning with find
# File systems on which inotify sees every change (a network file system's other clients' writes are not seen).
LOCAL_FILE_SYSTEMS = {"ext2", "ext3", "ext4", "xfs", "btrfs", "tmpfs", "f2fs", "zfs", "jfs", "reiserfs", "bcachefs",
                      "overlay"}

# inotify's flags (linux/inotify.h).
IN_MODIFY, IN_ATTRIB, IN_CLOSE_WRITE = 0x2, 0x4, 0x8
IN_MOVED_FROM, IN_MOVED_TO, IN_CREATE, IN_DELETE = 0x40, 0x80, 0x100, 0x200
IN_DELETE_SELF, IN_MOVE_SELF = 0x400, 0x800
IN_Q_OVERFLOW, IN_IGNORED, IN_ISDIR = 0x4000, 0x8000, 0x40000000
IN_ONLYDIR, IN_DONT_FOLLOW = 0x01000000, 0x02000000
IN_NONBLOCK, IN_CLOEXEC = 0o4000, 0o2000000
MASK = (IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_DELETE_SELF
        | IN_MOVE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW)
_EVENT = struct.Struct("iIII")  # wd, mask, cookie, len (then len bytes of NUL-padded name)
_TOP_FOLDERS = ("stakeholders", "meetings")


class Reply(NamedTuple):
    """The watcher's answer: its generation, its latest change number, and the paths changed since the number asked
    about (None: the command must scan everything itself, e.g. because it asked about another generation)."""

    generation: str
    seq: int
    paths: list[str] | None


def enabled(root: Path, environ: dict[str, str] | os._Environ[str] | None = None) -> bool:
    """True when a watcher can be trusted for this log: Linux, inotify, a local file system, not turned off."""
    env = os.environ if environ is None else environ
    if env.get("NAFTA_LOG_WATCH", "1") == "0" or not sys.platform.startswith("linux"):
        return False
    return file_system(root) in LOCAL_FILE_SYSTEMS


def file_system(path: Path) -> str | None:
    """The type of the file system holding `path` (from /proc/self/mountinfo), or None if unknown."""
    try:
        target = os.path.realpath(path)
        with open("/proc/self/mountinfo", encoding="utf-8", errors="surrogateescape") as f:
            mounts = f.read().splitlines()
    except OSError:
        return None
    best, kind = "", None
    for line in mounts:
        fields = line.split(" ")
        try:
            point = fields[4].replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\")
            fstype = fields[fields.index("-") + 1]
        except (IndexError, ValueError):
            continue
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, fstype
    return kind


def address(root: Path) -> bytes:
    """The watcher's socket for this log, in Linux's abstract namespace (no file, no path-length limit)."""
    import hashlib
    st = os.stat(root)
    key = f"{os.path.realpath(root)}\0{st.st_dev}\0{st.st_ino}".encode("utf-8", "surrogateescape")
    return b"\0nafta-log-watch-" + hashlib.sha256(key).hexdigest()[:32].encode()


def read_state(cache: Path) -> tuple[str, int] | None:
    """The (generation, number) of the last change the index holds, as saved by `save_state`."""
    try:
        generation, seq = (cache / STATE).read_text().split()
        return generation, int(seq)
    except (OSError, ValueError):
        return None


def save_state(cache: Path, generation: str, seq: int) -> None:
    """Record that the index holds every change up to `seq` of watcher `generation` (best effort)."""
    tmp = cache / f".{STATE}.{os.getpid()}"
    try:
        tmp.write_text(f"{generation} {seq}\n")
        os.replace(tmp, cache / STATE)
    except OSError:
        tmp.unlink(missing_ok=True)


def _peer_is_me(sock: socket.socket) -> bool:
    """True when the process at the other end of `sock` runs as this user."""
    try:
        _, uid, _ = struct.unpack("3i", sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))
    except OSError:
        return False
    return uid == os.getuid()


def ask(root: Path, state: tuple[str, int] | None, request: str = "sync") -> Reply | None:
    """Ask the log's watcher what changed since `state`; None when no usable watcher answers in time."""
    generation, seq = state if state else ("-", 0)
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(TIMEOUT)
            sock.connect(address(root))
            if not _peer_is_me(sock):
                return None
            sock.sendall(f"{request} {generation} {seq}\n".encode())
            chunks = []
            while True:
                chunk = sock.recv(1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
    except OSError:
        return None
    head, _, body = b"".join(chunks).partition(b"\n")
    try:
        their_generation, their_seq, mode = head.decode().split()
        number = int(their_seq)
    except ValueError:
        return None
    if mode != "paths":
        return Reply(their_generation, number, None)
    return Reply(their_generation, number, [p.decode("utf-8", "surrogateescape") for p in body.split(b"\0") if p])


def spawn(root: Path) -> None:
    """Start a watcher for the log in the background (best effort; a second one for the same log exits at once)."""
    import subprocess
    try:
        subprocess.Popen([sys.executable, "-m", "nafta_log.watch", str(root)], start_new_session=True,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         close_fds=True, cwd="/")
    except OSError:
        pass


def stop(root: Path) -> bool:
    """Ask the log's watcher to exit; True if one answered."""
    return ask(root, None, "quit") is not None


class Watcher:
    """The watching side: inotify watches on every folder of the log, and every change numbered."""

    def __init__(self, root: Path) -> None:
        import ctypes
        self.root = Path(os.path.realpath(root))
        self.ctypes = ctypes
        self.libc = ctypes.CDLL(None, use_errno=True)  # the C library the interpreter itself runs on
        self.fd = self.libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1 failed")
        self.folders: dict[int, str] = {}  # watch descriptor -> folder relative to the root ("" for the root)
        self.changed: dict[str, int] = {}  # path -> number of its latest change, oldest first
        self.seq = 0
        self.full_from = 0  # the number of the latest change that needs a full scan
        self.generation = f"{os.getpid()}-{int.from_bytes(os.urandom(6), 'big'):x}"
        self.done = False  # set when the watcher can no longer be trusted (or was asked to quit)
        self._add("")
        if not self.folders:  # the log itself cannot be watched
            self.done = True
        for top in _TOP_FOLDERS:
            self._add_tree(top)

    def _add(self, rel: str) -> None:
        """Watch one folder (relative to the root)."""
        path = os.path.join(self.root, rel) if rel else str(self.root)
        wd = self.libc.inotify_add_watch(self.fd, os.fsencode(path), MASK)
        if wd >= 0:
            self.folders[wd] = rel
        elif self.ctypes.get_errno() != errno.ENOENT:  # e.g. fs.inotify.max_user_watches reached: a folder unseen
            self.done = True

    def _add_tree(self, rel: str) -> None:
        """Watch a folder and every folder under it (hidden ones left out, as the log leaves them out)."""
        pending = [rel]
        while pending:
            folder = pending.pop()
            self._add(folder)
            try:
                entries = list(os.scandir(self.root / folder))
            except OSError:
                continue
            pending += [f"{folder}/{e.name}" for e in entries
                        if not e.name.startswith(".") and e.is_dir(follow_symlinks=False)]

    def _note(self, rel: str) -> None:
        self.seq += 1
        self.changed.pop(rel, None)
        self.changed[rel] = self.seq

    def read_events(self) -> None:
        """Number every change waiting in the inotify queue."""
        while True:
            try:
                data = os.read(self.fd, 1 << 16)
            except BlockingIOError:
                return
            offset = 0
            while offset < len(data):
                wd, mask, _, size = _EVENT.unpack_from(data, offset)
                name = data[offset + _EVENT.size:offset + _EVENT.size + size].rstrip(b"\0")
                offset += _EVENT.size + size
                self._event(wd, mask, os.fsdecode(name))

    def _event(self, wd: int, mask: int, name: str) -> None:
        if mask & IN_Q_OVERFLOW:  # changes were lost: only a full scan can tell; let the next watcher start afresh
            self.done = True
            return
        folder = self.folders.get(wd)
        if folder is None:
            return
        if mask & IN_IGNORED or mask & (IN_DELETE_SELF | IN_MOVE_SELF):
            if mask & IN_IGNORED:
                self.folders.pop(wd, None)
            if folder == "":  # the log itself was removed or moved away
                self.done = True
            return
        if not name or name.startswith("."):
            return
        rel = f"{folder}/{name}" if folder else name
        if mask & IN_ISDIR:
            if mask & (IN_CREATE | IN_MOVED_TO) and (folder or name in _TOP_FOLDERS):
                self._add_tree(rel)
            if folder == "":
                if name in _TOP_FOLDERS:  # a top folder came or went: no per-file account of it
                    self.seq += 1
                    self.full_from = self.seq
                return
            self._note(folder)  # the folder's names are compared: files inside it came or went in bulk
            return
        if name.endswith(".toml"):
            self._note(rel)

    def answer(self, request: bytes) -> bytes:
        """The reply to one request: "sync GENERATION SEQ" (what changed since) or "quit"."""
        self.read_events()
        try:
            verb, generation, seq_text = request.decode().split()
            since = int(seq_text)
        except ValueError:
            return b""
        if verb == "quit":
            self.done = True
            return f"{self.generation} {self.seq} quit\n".encode()
        if self.done or generation != self.generation or since < self.full_from or since > self.seq:
            return f"{self.generation} {self.seq} full\n".encode()
        paths = []
        for rel, number in reversed(self.changed.items()):
            if number <= since:
                break
            paths.append(rel)
        return f"{self.generation} {self.seq} paths\n".encode() + b"\0".join(os.fsencode(p) for p in paths)


def serve(root: Path) -> None:
    """Watch the log at `root` and answer commands until idle for WATCH_IDLE seconds or the log is gone."""
    import select
    import time
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(address(root))  # taken: another watcher serves this log already
    except OSError:
        return
    watcher = Watcher(root)  # every watch in place before the first question can be answered
    server.listen(16)  # only now can a command connect: every watch is in place
    server.setblocking(False)
    asked = time.monotonic()
    while not watcher.done:
        left = WATCH_IDLE - (time.monotonic() - asked)
        if left <= 0:
            break
        ready, _, _ = select.select([server, watcher.fd], [], [], left)
        if watcher.fd in ready:
            watcher.read_events()
        if server in ready:
            try:
                conn, _ = server.accept()
            except BlockingIOError:
                continue
            asked = time.monotonic()
            with conn:
                conn.settimeout(TIMEOUT)
                try:
                    if _peer_is_me(conn):
                        request = conn.makefile("rb").readline()
                        conn.sendall(watcher.answer(request))
                except OSError:
                    pass
    server.close()


if __name__ == "__main__":
    if len(sys.argv) == 2:
        serve(Path(sys.argv[1]))
