"""A SQLite index of the log, kept in .nafta-log/ beside it and brought up to date before every answer.

The TOML files stay the only source of truth: the index is a cache that is rebuilt from them whenever it is
missing, corrupt, or of another schema version, so deleting `.nafta-log/` loses nothing.

Freshness. Every command first asks what changed since the last one, without reading every file:

- `find ROOT/meetings ROOT/stakeholders ROOT/topics.toml ROOT/nafta-log.toml -cnewer STAMP` lists the files and
  folders whose inode change time (ctime) is newer than the stamp file's mtime, which is set at the start of each
  scan (less a one-second margin, because the kernel stamps ctime with a coarse clock). The kernel updates a file's
  ctime on every write, truncation, rename or `touch` (and a user cannot set it back), and a folder's ctime whenever
  an entry is added, removed or renamed in it. So an edit in place by an editor, files written or deleted by
  `git pull`, and records added by nafta-log all show up, and nothing else is re-read. A listed folder is
  re-listed and compared with the index to find added and deleted files; a listed file is re-parsed only if its
  (size, mtime, ctime, inode) differ from what the index holds.
- `find` runs as a separate process, started before the slow imports of the command line, so on a two-core machine
  its stat() of every file overlaps with Python starting up (see `start_scan`). Measured at 100,000 files, a
  stat() of every file costs about 0.3-0.5 s here whether done by Python or by find; overlapping it is what makes
  a warm query cost about as much as Python's own start-up.
- Without `find` (or if it fails), the same comparison is made in Python over every file: slower, never wrong.
- What this cannot see: a file changed with the system clock set back before the stamp, or on a filesystem that
  does not keep ctime. `nafta-log check` compares every file with the index and repairs it; `nafta-log reindex`
  rebuilds it.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from nafta_log import indexrows
from nafta_log import records, store
from nafta_log.scan import FILE, STAMP, FileMeta, Scan, all_files, file_meta, kind_of, start_scan, take_scan, walk  # noqa: F401
from nafta_log.errors import Problem
from nafta_log.model import Log, Meeting, Origin, Settings, Stakeholder, Topic

SCHEMA_VERSION = 4
STAMP_MARGIN_NS = 1_000_000_000

_SCHEMA = """
CREATE TABLE files (path TEXT PRIMARY KEY, size INT, mtime INT, ctime INT, ino INT) WITHOUT ROWID;
CREATE TABLE problems (path TEXT, line INT, col INT, message TEXT);
CREATE INDEX problems_path ON problems(path);
CREATE TABLE meetings (id TEXT PRIMARY KEY, path TEXT UNIQUE, first TEXT, last TEXT, skey TEXT, status TEXT,
                       date TEXT, data TEXT);
CREATE INDEX meetings_skey ON meetings(skey);
CREATE INDEX meetings_first ON meetings(first);
CREATE TABLE participants (stakeholder TEXT, meeting TEXT, skey TEXT, held INT,
                           PRIMARY KEY (stakeholder, held, skey, meeting)) WITHOUT ROWID;
CREATE INDEX participants_meeting ON participants(meeting);
CREATE TABLE meeting_topics (topic TEXT, meeting TEXT, skey TEXT, held INT,
                             PRIMARY KEY (topic, held, skey, meeting)) WITHOUT ROWID;
CREATE TABLE topic_people (topic TEXT, stakeholder TEXT, n INT, PRIMARY KEY (topic, stakeholder)) WITHOUT ROWID;
CREATE INDEX meeting_topics_meeting ON meeting_topics(meeting);
CREATE TABLE stakeholders (id TEXT PRIMARY KEY, path TEXT UNIQUE, name TEXT, kind TEXT, data TEXT);
CREATE TABLE roles (stakeholder TEXT, organization TEXT);
CREATE INDEX roles_organization ON roles(organization);
CREATE TABLE people_stats (stakeholder TEXT PRIMARY KEY, meetings INT, last TEXT) WITHOUT ROWID;
CREATE TABLE topic_stats (topic TEXT PRIMARY KEY, meetings INT, first TEXT, last TEXT, top TEXT) WITHOUT ROWID;
CREATE TABLE topics (id TEXT PRIMARY KEY, name TEXT, data TEXT);
CREATE TABLE name_keys (what TEXT, stage INT, key TEXT, id TEXT);
CREATE INDEX name_keys_key ON name_keys(what, stage, key);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
"""


_OPEN: list[sqlite3.Connection] = []




def close_all() -> None:
    """Close every index this process opened (the command line calls it when a command ends)."""
    while _OPEN:
        _OPEN.pop().close()


# ---------------------------------------------------------------- the index

class Index:
    """An open, up-to-date index of one log; every query command answers from it."""

    def __init__(self, root: Path, con: sqlite3.Connection, interrupted: Sequence[Problem] = ()) -> None:
        self.root = root
        self.con = con
        self.interrupted = list(interrupted)  # an unfinished change that could not be completed
        _OPEN.append(con)
        self._stakeholders: dict[str, Stakeholder] = {}
        self._topics: dict[str, Topic] | None = None
        self._settings: Settings | None = None

    # ---- building and refreshing

    @classmethod
    def open(cls, root: Path, scan: Scan | None = None,
             progress: Callable[[int, int], None] | None = None) -> Index:
        """Open the index of the log at `root`, building it or bringing it up to date (as far as `scan` looks)."""
        cache = root / store.CACHE
        path = cache / FILE
        scan = scan or Scan(root)
        interrupted: list[Problem] = []
        if store.pending_change(root):  # a writer was killed mid-change: complete it, then look again
            interrupted = store.complete_interrupted(root)
            scan = Scan(root, scan.meetings)
        try:
            cache.mkdir(exist_ok=True)
            writable = os.access(cache, os.W_OK)
        except OSError:
            writable = False
        con = _connect(path) if writable else None
        if con is None:
            try:
                return cls._built(root, path, progress, interrupted) if writable else cls._in_memory(
                    root, progress, interrupted)
            except OSError:  # the cache folder cannot be written after all (a read-only medium)
                return cls._in_memory(root, progress, interrupted)
        index = cls(root, con, interrupted)
        index._refresh(scan)
        return index

    @classmethod
    def _built(cls, root: Path, path: Path, progress: Callable[[int, int], None] | None,
               interrupted: list[Problem]) -> Index:
        """Build the index file from scratch (one process at a time; a second waits and uses the first's)."""
        with _building(path.parent), store.reading(root):
            con = _connect(path)  # another process may have built it while this one waited
            if con is not None:
                return cls(root, con, interrupted)
            for leftover in (path, *(Path(str(path) + x) for x in ("-journal", "-wal", "-shm"))):
                leftover.unlink(missing_ok=True)
            con = _connect(path, create=True)
            assert con is not None
            index = cls(root, con, interrupted)
            index._build(progress)
            return index

    @classmethod
    def _in_memory(cls, root: Path, progress: Callable[[int, int], None] | None,
                   interrupted: list[Problem]) -> Index:
        """An index in memory, built for this one command: for a log whose cache folder cannot be written."""
        con = _connect(Path(":memory:"), create=True)
        assert con is not None
        index = cls(root, con, interrupted)
        index._build(progress, stamp=False)
        return index

    def _build(self, progress: Callable[[int, int], None] | None, stamp: bool = True) -> None:
        """Fill an empty index from every file of the log, inserting while the workers parse.

        The index is a cache, so it is written without waiting for the disk (synchronous = OFF); the row that
        marks it complete is written last, so a build cut short is found incomplete and done again.
        """
        started = time.time_ns()
        files = all_files(self.root, stat=False)  # names only: the workers read each file's metadata as they open it
        con = self.con
        mode = con.execute("PRAGMA journal_mode").fetchone()[0]
        for pragma in ("synchronous = OFF", "journal_mode = OFF", "cache_size = -262144", "temp_store = MEMORY"):
            con.execute(f"PRAGMA {pragma}")  # a cache being built from scratch needs no journal; 256 MB of pages
        stats = indexrows.Stats()
        taken: dict[str, str] = {}
        batch: list[indexrows.Parsed] = []
        for parsed in indexrows.parse_many(self.root, files, progress):
            batch.append(parsed)
            if len(batch) >= 2_000:
                self._apply(batch, [], full=True, stats=stats, taken=taken)
                batch = []
        self._apply(batch, [], full=True, stats=stats, taken=taken)
        with con:
            stats.write(con)
            con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        for pragma in ("synchronous = NORMAL", f"journal_mode = {mode}", "cache_size = -2000"):
            con.execute(f"PRAGMA {pragma}")
        if stamp:
            self._stamp(started)

    def _refresh(self, scan: Scan) -> None:
        """Re-read only the files that changed since the last command."""
        changed = scan.changed()
        if changed == []:
            self._watched(scan)
            return
        if changed is None:
            known = self._known()
            current = all_files(self.root, scan.meetings)
            stale: list[str] = [p for p, meta in current.items() if known.get(p) != meta]
            deleted = [p for p in known if p not in current and (scan.meetings or kind_of(p) != "meeting")]
        else:
            stale, deleted = self._diff(changed)
        if stale or deleted:
            # Reading the log: a shared lock waits for a multi-file change in progress. The index itself is
            # written in one SQLite transaction, which SQLite serializes between processes.
            with store.reading(self.root):
                self._apply(list(indexrows.parse_many(self.root, stale, None)), deleted=deleted, full=False)
        if scan.meetings:
            self._stamp(scan.started_ns)  # only a scan that looked at everything moves the stamp
        self._watched(scan)

    def _watched(self, scan: Scan) -> None:
        """After a refresh: tell the next command that the index holds every change the watcher had numbered."""
        reply = scan.watched
        if reply is not None and reply.paths != []:
            from nafta_log import watch
            watch.save_state(self.root / store.CACHE, reply.generation, reply.seq)

    def _known(self, folder: str | None = None) -> dict[str, FileMeta]:
        """The metadata the index holds for every file (or every file under `folder`)."""
        if folder is None:
            rows = self.con.execute("SELECT * FROM files")
        else:
            # A range of the primary key ('0' follows '/'), so the lookup reads only this folder's rows.
            rows = self.con.execute("SELECT * FROM files WHERE path >= ? AND path < ?", (folder + "/", folder + "0"))
        return {p: (s, m, c, i) for p, s, m, c, i in rows}

    def add_files(self, paths: Sequence[Path]) -> None:
        """Index files just written by this process (call under the log's lock)."""
        rels = [p.relative_to(self.root).as_posix() for p in paths]
        self._apply([indexrows.parse(str(self.root), rel) for rel in rels], deleted=[], full=False)

    def _diff(self, changed: list[str]) -> tuple[list[str], list[str]]:
        """From the paths `find` listed: the record files to re-read, and the ones that are gone."""
        stale: set[str] = set()
        deleted: set[str] = set()
        for rel in changed:
            full = self.root / rel
            if full.is_dir():
                # Files added or changed here are listed by find themselves (their ctime is new): a folder
                # only needs its names compared, for what was deleted or moved away.
                # A folder moved in whole keeps its files' ctimes: a subfolder the index knows nothing of is
                # walked in full.
                folder = rel.rstrip("/")
                try:
                    present = set(os.listdir(full))  # names only: a year folder can hold tens of thousands
                except OSError:
                    present = set()
                # What the index holds under `folder`, as paths relative to it (set operations run in C).
                # One string joined by SQLite and split by Python, both in C: no Python object per row.
                (joined,) = self.con.execute("SELECT group_concat(substr(path, ?), char(10)) FROM files "
                                             "WHERE path >= ? AND path < ?",
                                             (len(folder) + 2, folder + "/", folder + "0")).fetchone()
                known = set(joined.split("\n")) if joined else set()
                gone = known - present  # files directly here that are gone, and every file in a subfolder
                deleted.update(f"{folder}/{r}" for r in gone if "/" not in r or r.split("/", 1)[0] not in present)
                heads = {r.split("/", 1)[0] for r in gone if "/" in r}  # subfolders the index knows
                for name in present - known - heads:
                    if not name.startswith(".") and (full / name).is_dir():
                        stale.update(p for p, _ in walk(self.root, f"{folder}/{name}"))
            elif kind_of(rel) is not None:
                row = self.con.execute("SELECT size, mtime, ctime, ino FROM files WHERE path = ?", (rel,)).fetchone()
                try:
                    meta = file_meta(full.stat())
                except OSError:
                    if row is not None:
                        deleted.add(rel)
                    continue
                if row is None or tuple(row) != meta:
                    stale.add(rel)
        return sorted(stale), sorted(deleted - stale)

    def _stamp(self, started_ns: int) -> None:
        """Mark the time of a full check (less the margin), and how many files the log has, in the stamp file."""
        stamp = self.root / store.CACHE / STAMP
        when = started_ns - STAMP_MARGIN_NS
        count = self.con.execute("SELECT count(*) FROM files").fetchone()[0]
        try:
            current = stamp.read_text() if stamp.exists() else ""
            if current != str(count):
                stamp.write_text(str(count))
            os.utime(stamp, ns=(when, when))
        except OSError:
            pass

    def _apply(self, parsed: list[indexrows.Parsed], deleted: list[str], full: bool, stats: indexrows.Stats | None = None,
               taken: dict[str, str] | None = None) -> None:
        """Write parsed files into the index and drop deleted ones, in one transaction.

        A full build passes `stats` (the summaries are counted in Python as rows go by, far faster than SQL
        joins over the whole log) and `taken` (meeting ids seen so far); other changes update the summaries of
        the stakeholders and topics they touch.
        """
        con = self.con
        with con:
            affected_people: set[str] = set()
            affected_topics: set[str] = set()
            counts: dict[tuple[str, str], int] = {}  # ("s"|"t", id) -> change in meetings that count
            if not full:
                affected_people, affected_topics = self._forget([p for p, *_ in parsed] + deleted, counts)
            con.executemany("DELETE FROM files WHERE path = ?", [(p,) for p in deleted])
            con.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?)",
                            [(rel, *meta) for rel, meta, *_ in parsed])
            problems: list[tuple[Any, ...]] = []
            meetings, parts, mtopics, people, keys, roles = [], [], [], [], [], []
            pairs: list[tuple[str, str]] = []  # (topic, stakeholder) of each meeting that counts
            renamed: list[str] = []  # stakeholders (re)read: their names order the topics' rankings
            for rel, meta, kind, encoded, probs, made in parsed:
                problems += [(rel, line, col, msg) for line, col, msg in probs]
                if made is None or encoded is None:
                    continue
                stem = rel.rsplit("/", 1)[-1][:-5]
                if kind == "meeting":
                    other = self._taken(stem, rel, taken)
                    if other is not None:
                        problems.append((rel, None, None, f"duplicate meeting id {stem!r}, also in {other}; "
                                                          "this copy is ignored"))
                        continue
                    first, last, skey, status, date, participants, topics = made
                    meetings.append((stem, rel, first, last, skey, status, date, encoded))
                    if stats is not None:
                        stats.meeting(skey, status, participants, topics)
                    held = int(status != "cancelled")
                    parts += [(p, stem, skey, held) for p in participants]
                    mtopics += [(t, stem, skey, held) for t in topics]
                    if held and stats is None:
                        pairs += [(t, p) for t in topics for p in participants]
                        for p in participants:
                            counts[("s", p)] = counts.get(("s", p), 0) + 1
                        for t in topics:
                            counts[("t", t)] = counts.get(("t", t), 0) + 1
                    affected_people.update(participants)
                    affected_topics.update(topics)
                elif kind == "stakeholder":
                    name, skind, skeys, orgs = made
                    people.append((stem, rel, name, skind, encoded))
                    keys += [("s", stage, key, stem) for stage, key in skeys]
                    roles += [(stem, org) for org in orgs]
                    affected_people.add(stem)
                    renamed.append(stem)
                    if stats is not None:
                        stats.names[stem] = name
                elif kind == "topics":
                    self._store_topics(made)
                elif kind == "settings":
                    con.execute("INSERT OR REPLACE INTO meta VALUES ('settings', ?)", (encoded,))
            con.executemany("INSERT INTO problems VALUES (?, ?, ?, ?)", problems)
            con.executemany("INSERT INTO meetings VALUES (?, ?, ?, ?, ?, ?, ?, ?)", meetings)
            con.executemany("INSERT OR IGNORE INTO participants VALUES (?, ?, ?, ?)", parts)
            con.executemany("INSERT OR IGNORE INTO meeting_topics VALUES (?, ?, ?, ?)", mtopics)
            con.executemany("INSERT INTO topic_people VALUES (?, ?, 1) ON CONFLICT (topic, stakeholder) "
                            "DO UPDATE SET n = n + 1", pairs)
            con.executemany("INSERT OR REPLACE INTO stakeholders VALUES (?, ?, ?, ?, ?)", people)
            con.executemany("INSERT INTO name_keys VALUES (?, ?, ?, ?)", keys)
            con.executemany("INSERT INTO roles VALUES (?, ?)", roles)
            if not full:
                for sid in renamed:
                    affected_topics.update(r[0] for r in con.execute(
                        "SELECT topic FROM topic_people WHERE stakeholder = ? AND n > 0", (sid,)))
            if stats is None:
                self._update_stats(affected_people, affected_topics, counts)

    def _taken(self, mid: str, rel: str, taken: dict[str, str] | None) -> str | None:
        """The other file already holding meeting id `mid`, if any (a duplicate id across year folders)."""
        if taken is not None:  # a full build: ids seen so far are in `taken`, not yet all in the table
            other = taken.setdefault(mid, rel)
            return other if other != rel else None
        row = self.con.execute("SELECT path FROM meetings WHERE id = ?", (mid,)).fetchone()
        return row[0] if row and row[0] != rel else None

    def _update_stats(self, people: set[str], topics: set[str], counts: Mapping[tuple[str, str], int]) -> None:
        """Bring the per-person and per-topic summaries of the given ids up to date, at a cost that follows the change.

        Counts move by the `counts` deltas; a first or last date is one lookup at the end of the id's range of
        `participants` or `meeting_topics` (keyed by id, then held, then date); a topic's most involved people
        come from `topic_people`, whose counts move with every meeting that comes or goes.
        """
        con = self.con
        for sid in people:
            con.execute("INSERT INTO people_stats VALUES (?, ?, NULL) ON CONFLICT (stakeholder) "
                        "DO UPDATE SET meetings = meetings + excluded.meetings", (sid, counts.get(("s", sid), 0)))
            con.execute("UPDATE people_stats SET last = (SELECT max(skey) FROM participants WHERE stakeholder = ? "
                        "AND held = 1) WHERE stakeholder = ?", (sid, sid))
        con.execute("DELETE FROM people_stats WHERE meetings <= 0")
        for tid in topics:
            con.execute("INSERT INTO topic_stats VALUES (?, ?, NULL, NULL, NULL) ON CONFLICT (topic) "
                        "DO UPDATE SET meetings = meetings + excluded.meetings", (tid, counts.get(("t", tid), 0)))
            top = con.execute("SELECT t.stakeholder, t.n, s.name FROM topic_people t LEFT JOIN stakeholders s "
                              "ON s.id = t.stakeholder WHERE t.topic = ? AND t.n > 0", (tid,)).fetchall()
            con.execute("UPDATE topic_stats SET first = (SELECT min(skey) FROM meeting_topics WHERE topic = ?1 "
                        "AND held = 1), last = (SELECT max(skey) FROM meeting_topics WHERE topic = ?1 AND held = 1), "
                        "top = ?2 WHERE topic = ?1", (tid, json.dumps(indexrows.ranked(top))))
        con.execute("DELETE FROM topic_stats WHERE meetings <= 0")

    def _store_topics(self, topics: Mapping[str, Topic]) -> None:
        con = self.con
        con.execute("DELETE FROM topics")
        con.execute("DELETE FROM name_keys WHERE what = 't'")
        con.executemany("INSERT INTO topics VALUES (?, ?, ?)",
                        [(t.id, t.name, indexrows.dumps(records.topics_to_table({t.id: t})["topics"][t.id]))
                         for t in topics.values()])
        con.executemany("INSERT INTO name_keys VALUES (?, ?, ?, ?)",
                        [("t", stage, key, t.id) for t in topics.values() for stage, key in indexrows.name_keys(t)])

    def _forget(self, paths: Sequence[str], counts: dict[tuple[str, str], int]) -> tuple[set[str], set[str]]:
        """Drop everything the index holds from these files; return the stakeholders and topics it touched.

        Each meeting that counted (not cancelled) takes one off its people's and topics' `counts`.
        """
        con = self.con
        people: set[str] = set()
        topics: set[str] = set()
        for rel in paths:
            con.execute("DELETE FROM problems WHERE path = ?", (rel,))
            kind = kind_of(rel)
            stem = rel.rsplit("/", 1)[-1][:-5]
            if kind == "meeting":
                row = con.execute("SELECT id, status FROM meetings WHERE path = ?", (rel,)).fetchone()
                if row:
                    mid, status = row
                    row = (mid,)
                    was = [r[0] for r in con.execute("SELECT stakeholder FROM participants WHERE meeting = ?", row)]
                    about = [r[0] for r in con.execute("SELECT topic FROM meeting_topics WHERE meeting = ?", row)]
                    people.update(was)
                    topics.update(about)
                    if status != "cancelled":
                        con.executemany("UPDATE topic_people SET n = n - 1 WHERE topic = ? AND stakeholder = ?",
                                        [(t, p) for t in about for p in was])
                        for p in was:
                            counts[("s", p)] = counts.get(("s", p), 0) - 1
                        for t in about:
                            counts[("t", t)] = counts.get(("t", t), 0) - 1
                    con.execute("DELETE FROM meetings WHERE id = ?", row)
                    con.execute("DELETE FROM participants WHERE meeting = ?", row)
                    con.execute("DELETE FROM meeting_topics WHERE meeting = ?", row)
            elif kind == "stakeholder":
                if con.execute("DELETE FROM stakeholders WHERE path = ?", (rel,)).rowcount:
                    con.execute("DELETE FROM name_keys WHERE what = 's' AND id = ?", (stem,))
                    con.execute("DELETE FROM roles WHERE stakeholder = ?", (stem,))
                    people.add(stem)
            elif kind == "topics":
                con.execute("DELETE FROM topics")
                con.execute("DELETE FROM name_keys WHERE what = 't'")
            elif kind == "settings":
                con.execute("DELETE FROM meta WHERE key = 'settings'")
        return people, topics

    # ---- reading records back

    def problems(self) -> list[Problem]:
        """Every load problem of every file, in file order."""
        return self.interrupted + [Problem(*row) for row in
                                   self.con.execute("SELECT * FROM problems ORDER BY path, line, col")]

    def settings(self) -> Settings:
        """The log's settings."""
        if self._settings is None:
            row = self.con.execute("SELECT value FROM meta WHERE key = 'settings'").fetchone()
            self._settings = (records.settings_from_table(indexrows.decode(row[0]), Origin(store.MARKER))[0] if row
                              else Settings())
        return self._settings

    def _meeting(self, row: tuple[str, str, str]) -> Meeting:
        mid, rel, data = row
        m, _ = records.meeting_from_table(mid, indexrows.decode(data), Origin(rel, "", str(self.root)))
        assert m is not None
        return m

    def meetings_where(self, where: str = "", args: Sequence[Any] = (), limit: int | None = None) -> list[Meeting]:
        """Meetings matching an SQL condition on `meetings m`, in date order."""
        sql = f"SELECT m.id, m.path, m.data FROM meetings m {where} ORDER BY m.skey"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [self._meeting(row) for row in self.con.execute(sql, args)]

    def meeting_ids(self, prefix: str) -> list[str]:
        """Ids of meetings starting with `prefix`, sorted."""
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return [r[0] for r in self.con.execute(
            "SELECT id FROM meetings WHERE id LIKE ? ESCAPE '\\' ORDER BY id", (escaped + "%",))]

    def meeting(self, mid: str) -> Meeting | None:
        """One meeting by id."""
        row = self.con.execute("SELECT id, path, data FROM meetings WHERE id = ?", (mid,)).fetchone()
        return self._meeting(row) if row else None

    def stakeholders(self, ids: Iterable[str] | None = None) -> dict[str, Stakeholder]:
        """Stakeholders by id: the given ones (those that exist), or all."""
        if ids is None:
            rows = self.con.execute("SELECT id, path, data FROM stakeholders").fetchall()
        else:
            wanted = [i for i in dict.fromkeys(ids) if i not in self._stakeholders]
            rows = []
            for i in range(0, len(wanted), 500):
                chunk = wanted[i:i + 500]
                rows += self.con.execute(f"SELECT id, path, data FROM stakeholders WHERE id IN "
                                         f"({','.join('?' * len(chunk))})", chunk).fetchall()
        for sid, rel, data in rows:
            if sid not in self._stakeholders:
                s, _ = records.stakeholder_from_table(sid, indexrows.decode(data), Origin(rel, "", str(self.root)))
                if s is not None:
                    self._stakeholders[sid] = s
        if ids is None:
            return dict(self._stakeholders)
        return {i: self._stakeholders[i] for i in ids if i in self._stakeholders}

    def topics(self) -> dict[str, Topic]:
        """The topic vocabulary."""
        if self._topics is None:
            self._topics = {}
            for tid, data in self.con.execute("SELECT id, data FROM topics ORDER BY id"):
                topics, _ = records.topics_from_table({"topics": {tid: indexrows.decode(data)}}, Origin(store.TOPICS))
                self._topics.update(topics)
        return self._topics

    def log_for(self, meetings: Iterable[Meeting], extra_ids: Iterable[str] = ()) -> Log:
        """A Log holding `meetings` and the stakeholders and topics needed to show them."""
        ms = list(meetings)
        ids = [p for m in ms for p in m.participants] + list(extra_ids)
        people = self.stakeholders(ids)
        orgs = [r.organization for s in people.values() for r in s.roles if r.organization]
        people.update(self.stakeholders(orgs))
        return Log(str(self.root), self.settings(), people, dict(self.topics()), {m.id: m for m in ms})

    def full_log(self) -> Log:
        """Every record of the log (for checks and exports)."""
        return Log(str(self.root), self.settings(), self.stakeholders(), dict(self.topics()),
                   {m.id: m for m in self.meetings_where()})

    def candidates(self, what: str, stage: int, key: str, slug: str) -> list[str]:
        """Ids whose stage-`stage` name key is `key` or `slug` (stage 3: ids starting with `slug`)."""
        table = "stakeholders" if what == "s" else "topics"
        if stage == 3:
            escaped = slug.replace("%", "\\%").replace("_", "\\_")
            return [r[0] for r in self.con.execute(f"SELECT id FROM {table} WHERE id LIKE ? ESCAPE '\\'",
                                                   (escaped + "%",))]
        return [r[0] for r in self.con.execute("SELECT DISTINCT id FROM name_keys WHERE what = ? AND stage = ? "
                                               "AND key IN (?, ?)", (what, stage, key, slug))]

    def verify(self) -> list[Problem]:
        """Compare every file with the index; repair what differs and report it."""
        current = all_files(self.root)
        known = self._known()
        stale = sorted(p for p, meta in current.items() if known.get(p) != meta)
        deleted = sorted(p for p in known if p not in current)
        if stale or deleted:
            with store.reading(self.root):
                self._apply(list(indexrows.parse_many(self.root, stale, None)), deleted=deleted, full=False)
        return [Problem(p, None, None, "the index was out of date for this file (repaired)") for p in stale + deleted]


def _connect(path: Path, create: bool = False) -> sqlite3.Connection | None:
    """Open the index file; None if it is missing, unreadable, corrupt or of another schema version."""
    if not create and not path.exists():
        return None
    if str(path) == ":memory:":
        con = sqlite3.connect(":memory:")
        con.executescript(_SCHEMA)
        return con
    try:
        con = sqlite3.connect(path, isolation_level=None if create else "DEFERRED")
        con.execute("PRAGMA journal_mode = WAL" if not create else "PRAGMA journal_mode = DELETE")
        if create:
            con.executescript(_SCHEMA)
            con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            con.isolation_level = "DEFERRED"
            con.execute("PRAGMA journal_mode = WAL")
            return con
        version = con.execute("PRAGMA user_version").fetchone()[0]
        complete = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if version != SCHEMA_VERSION or complete is None:
            con.close()
            return None
        return con
    except sqlite3.DatabaseError:
        return None


def rebuild(root: Path, progress: Callable[[int, int], None] | None = None) -> Index:
    """Delete the index and build it again from the files."""
    cache = root / store.CACHE
    cache.mkdir(exist_ok=True)
    with _building(cache):
        for name in (FILE, FILE + "-wal", FILE + "-shm", FILE + "-journal", STAMP):
            (cache / name).unlink(missing_ok=True)
    return Index.open(root, progress=progress)


@contextmanager
def _building(cache: Path) -> Iterator[None]:
    """Hold the index's own lock (not the log's: building a cache changes no record) while it is made."""
    import fcntl
    fd = os.open(cache / "index.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # waits for another process's build, however long it takes
        yield
    finally:
        os.close(fd)


__all__ = ["Index", "Scan", "start_scan", "take_scan", "rebuild", "close_all"]
