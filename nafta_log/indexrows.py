"""Record files -> the rows the index stores: parsing (in worker processes for a large log), JSON, summaries."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from nafta_log import records
from nafta_log.errors import Problem
from nafta_log.ids import is_valid_id
from nafta_log.model import Meeting, Origin, Stakeholder, Topic
from nafta_log.scan import FileMeta, file_meta, kind_of

PARALLEL_MIN = 2_000  # logs with fewer files are parsed in one process

def tag(value: Any) -> Any:
    """A date or time as a tagged JSON object, so it comes back as the same type (json.dumps' default hook)."""
    if isinstance(value, dt.datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$d": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$t": value.isoformat()}
    raise TypeError(f"cannot index a value of type {type(value).__name__}")


def dumps(table: Mapping[str, Any]) -> str:
    """A record's table as JSON, dates and times tagged."""
    return _ENCODER.encode(table)


def _decode_hook(obj: dict[str, Any]) -> Any:
    if len(obj) == 1:
        if "$d" in obj:
            return dt.date.fromisoformat(obj["$d"])
        if "$t" in obj:
            return dt.time.fromisoformat(obj["$t"])
        if "$dt" in obj:
            return dt.datetime.fromisoformat(obj["$dt"])
    return obj


def decode(text: str) -> dict[str, Any]:
    """A table stored by `dumps`, dates and times as they were."""
    return _DECODER.decode(text)


# Made once: json.dumps and json.loads with options build a new encoder or decoder on every call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, default=tag)
_DECODER = json.JSONDecoder(object_hook=_decode_hook)


# (path, metadata, kind, encoded table or None, problems, rows for the index or None)
Parsed = tuple[str, tuple[int, int, int, int], str | None, str | None, list[tuple[int | None, int | None, str]], Any]


def sort_key_text(m: Meeting) -> str:
    """Meeting.sort_key() as one string that SQLite orders the same way (ISO date, rank, time, title, id)."""
    first, rank, time_, title, mid = m.sort_key()
    return f"{first.isoformat()}{rank}{time_}\x00{title}\x00{mid}"


def parse(root: str, rel: str, meta: tuple[int, int, int, int] | None = None) -> Parsed:
    """Read and check one record file: its metadata, encoded table, problems, and the index rows it makes.

    `meta` is the file's metadata from the scan that found it; it is read here when not given.
    """
    kind = kind_of(rel)
    try:
        with open(f"{root}/{rel}", "rb") as f:
            meta = meta or file_meta(os.fstat(f.fileno()))
            raw = f.read()
    except OSError as exc:
        return rel, (0, 0, 0, 0), kind, None, [(None, None, f"cannot read: {exc.strerror}")], None
    from nafta_log import tomltext  # only when a file changed: a warm query parses nothing
    table, text, problems = tomltext.decode(raw, rel)
    rows: Any = None
    if table is not None:
        origin = Origin(rel, text)
        stem = rel.rsplit("/", 1)[-1][:-5]
        if kind == "meeting":
            m, problems = records.meeting_from_table(stem, table, origin)
            if m is not None:
                first, last = m.span
                rows = (first.isoformat(), last.isoformat(), sort_key_text(m), m.status, str(m.date),
                        list(dict.fromkeys(m.participants)), list(dict.fromkeys(m.topics)))
        elif kind == "stakeholder":
            s, problems = records.stakeholder_from_table(stem, table, origin)
            if s is not None:
                rows = (s.name, s.kind, name_keys(s), [r.organization for r in s.roles if r.organization])
        elif kind == "topics":
            topics, problems = records.topics_from_table(table, origin)
            rows = topics
        elif kind == "settings":
            problems = records.settings_from_table(table, origin)[1]
            rows = True
        if kind in ("meeting", "stakeholder") and not is_valid_id(stem):
            problems = [*problems, Problem(rel, None, None, f"file name {stem!r} is not a valid {kind} id "
                                                            "(lower-case letters, digits and single hyphens)")]
            rows = None
    encoded = dumps(table) if table is not None else None
    return rel, meta, kind, encoded, [(p.line, p.col, p.message) for p in problems], rows


def _parse_chunk(args: tuple[str, list[tuple[str, FileMeta | None]]]) -> list[Parsed]:
    root, items = args
    return [parse(root, rel, meta) for rel, meta in items]


def parse_many(root: Path, files: Mapping[str, FileMeta | None] | Sequence[str],
                progress: Callable[[int, int], None] | None) -> Iterator[Parsed]:
    """Parse files (with their metadata when known), in several processes when there are many."""
    items = sorted(files.items()) if isinstance(files, Mapping) else [(rel, None) for rel in sorted(files)]
    total = len(items)
    if total < PARALLEL_MIN or (os.cpu_count() or 1) < 2:
        for i, (rel, meta) in enumerate(items, 1):
            yield parse(str(root), rel, meta)
            if progress and i % 500 == 0:
                progress(i, total)
    else:
        import multiprocessing
        chunks = [(str(root), items[i:i + 500]) for i in range(0, total, 500)]
        ctx = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
        with ctx.Pool(min(os.cpu_count() or 2, 4)) as pool:
            done = 0
            for parsed in pool.imap(_parse_chunk, chunks):
                yield from parsed
                done += len(parsed)
                if progress:
                    progress(done, total)
    if progress:
        progress(total, total)


TOP_PARTICIPANTS = 10


class Stats:
    """The per-person and per-topic summaries of a whole log, counted as its meetings are read."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.people: dict[str, list[Any]] = {}  # id -> [meetings, last skey]
        self.topics: dict[str, list[Any]] = {}  # id -> [meetings, first skey, last skey]
        self.pairs: dict[tuple[str, str], int] = {}  # (topic, stakeholder) -> meetings

    def meeting(self, skey: str, status: str, participants: Sequence[str], topics: Sequence[str]) -> None:
        """Count one meeting (cancelled meetings do not count, as in query.py)."""
        if status == "cancelled":
            return
        for p in participants:
            entry = self.people.get(p)
            if entry is None:
                self.people[p] = [1, skey]
            else:
                entry[0] += 1
                if skey > entry[1]:
                    entry[1] = skey
        for t in topics:
            entry = self.topics.get(t)
            if entry is None:
                self.topics[t] = [1, skey, skey]
            else:
                entry[0] += 1
                if skey < entry[1]:
                    entry[1] = skey
                if skey > entry[2]:
                    entry[2] = skey
            for p in participants:
                self.pairs[(t, p)] = self.pairs.get((t, p), 0) + 1

    def write(self, con: sqlite3.Connection) -> None:
        """Store the summaries in people_stats, topic_stats and topic_people."""
        con.executemany("INSERT INTO people_stats VALUES (?, ?, ?)", [(p, n, last) for p, (n, last) in self.people.items()])
        per: dict[str, list[tuple[str, int, str | None]]] = {}
        for (t, p), n in self.pairs.items():
            per.setdefault(t, []).append((p, n, self.names.get(p)))
        con.executemany("INSERT INTO topic_stats VALUES (?, ?, ?, ?, ?)",
                        [(t, n, first, last, json.dumps(ranked(per.get(t, []))))
                         for t, (n, first, last) in self.topics.items()])
        con.executemany("INSERT INTO topic_people VALUES (?, ?, ?)", [(t, p, n) for (t, p), n in self.pairs.items()])


def ranked(counts: Iterable[tuple[str, int, str | None]]) -> list[tuple[str, int]]:
    """The most involved participants of a topic, as query.topic_summary ranks them (count, then name)."""
    from nafta_log.names import fold
    counts = list(counts)
    if len(counts) > TOP_PARTICIPANTS:  # only those who can make the top need their names folded
        least = sorted((c[1] for c in counts), reverse=True)[TOP_PARTICIPANTS - 1]
        counts = [c for c in counts if c[1] >= least]
    ranked = sorted(counts, key=lambda c: (-c[1], fold(c[2] if c[2] is not None else c[0])))
    return [(sid, n) for sid, n, _ in ranked[:TOP_PARTICIPANTS]]


def name_keys(record: Stakeholder | Topic) -> list[tuple[int, str]]:
    from nafta_log.names import keys
    return keys(record)
