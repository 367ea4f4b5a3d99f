"""The index answers exactly as the files do, after every kind of change made behind nafta-log's back."""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
from pathlib import Path

import pytest

from nafta_log import index, iquery, query, store
from nafta_log.index import Index
from nafta_log.query import MeetingQuery

from conftest import invoke, lines


@pytest.fixture(autouse=True)
def always_find(monkeypatch: pytest.MonkeyPatch) -> None:
    """These logs are small; make the scan use `find` anyway (two of them), as it does for large logs."""
    from nafta_log import scan
    monkeypatch.setattr(scan, "FIND_MIN", 0)
    monkeypatch.setattr(scan, "FIND_SPLIT", 0)


def _settle(root: Path) -> None:
    """Move the stamp to now (no margin), so the next check must find changes by their own ctimes."""
    import time
    now = time.time_ns()
    os.utime(root / ".nafta-log" / index.STAMP, ns=(now, now))
    time.sleep(0.05)  # the kernel's ctime clock is coarse


def _oracle_matches(root: Path) -> None:
    """Every query answered from the index equals the same query over the files loaded afresh."""
    had_index = (root / ".nafta-log" / index.FILE).exists()
    scan = index.start_scan(root)
    listed = scan.changed()
    ix = Index.open(root, scan)
    if had_index and shutil.which("find"):
        assert listed is not None and len(listed) < 40, listed  # find listed only what changed, not the whole log
    log = store.load(root).log
    assert ix.problems() == sorted(store.load(root).problems, key=lambda p: p.sort_key())
    assert [m.id for m in ix.meetings_where()] == [m.id for m in log.sorted_meetings()]
    assert {m.id: m for m in ix.meetings_where()} == log.meetings
    for sid in log.stakeholders:
        q = MeetingQuery(people=(sid,))
        assert iquery.select_meetings(ix, q) == query.select_meetings(log, q)
        assert iquery.pairs(ix, sid)[1] == query.pairs(log, sid)
        assert iquery.profile(ix, sid)[1] == query.profile(log, sid)
    for tid in log.topics:
        q = MeetingQuery(topics=(tid,), status="held")
        assert iquery.select_meetings(ix, q) == query.select_meetings(log, q)
    assert iquery.people_rows(ix)[1] == query.people_rows(log)
    assert iquery.topic_summary(ix)[1] == query.topic_summary(log)
    assert iquery.pairs(ix)[1] == query.pairs(log)
    assert ix.stakeholders() == log.stakeholders
    assert ix.topics() == log.topics
    _settle(root)


def _meeting(title: str, date: str, people: list[str], topics: list[str] = (), status: str = "held") -> str:  # type: ignore[assignment]
    value = date if "-" in date and len(date) == 10 else f'"{date}"'
    return (f'title = "{title}"\ndate = {value}\nstatus = "{status}"\nparticipants = {json.dumps(people)}\n'
            f'topics = {json.dumps(list(topics))}\n')


def test_sample_log_index_agrees_with_the_files(sample: Path) -> None:
    """Built from scratch, the index gives every answer the pure queries give."""
    _oracle_matches(sample)


def test_every_kind_of_change_behind_its_back_is_seen(sample: Path) -> None:
    """Adds, in-place edits (same size, mtime put back), deletes, moves, broken files and vocabulary edits."""
    Index.open(sample)
    _settle(sample)
    m2017 = sample / "meetings" / "2017"
    # a file added by hand, in a new year folder
    (sample / "meetings" / "2019").mkdir()
    (sample / "meetings" / "2019" / "2019-03-01-dias-trump-aaaa.toml").write_text(
        _meeting("New", "2019-03-01", ["jerry-dias", "donald-trump"], ["trade"]))
    _oracle_matches(sample)
    # an edit in place that keeps the size and puts the mtime back: only ctime tells
    path = next(m2017.glob("2017-dias-ross-38f1.toml"))
    st = path.stat()
    text = path.read_text()
    with open(path, "r+") as f:
        f.write(text.replace("earlier 2017 meeting 1 of 3", "EARLIER 2017 MEETING 1 OF 3"))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns
    _oracle_matches(sample)
    assert "Dias and Ross meet (EARLIER 2017 MEETING 1 OF 3)" in [m.title for m in Index.open(sample).meetings_where()]
    # a participant removed in place, a file deleted, a file moved to another year folder
    trudeau = m2017 / "2017-12-04-trudeau-li-0021.toml"
    trudeau.write_text(trudeau.read_text().replace('"justin-trudeau", ', ""))
    (m2017 / "2017-dias-ross-bdc8.toml").unlink()
    shutil.move(m2017 / "2017-dias-ross-192d.toml", sample / "meetings" / "2019" / "2017-dias-ross-192d.toml")
    _oracle_matches(sample)
    # a broken file, then fixed; a stakeholder renamed in place; a topic added to the vocabulary
    broken = m2017 / "2017-12-20-x-bbbb.toml"
    broken.write_text('title = "x"\ndate = 2017-12-20\nparticipants = [\n')
    _oracle_matches(sample)
    broken.write_text(_meeting("Fixed", "2017-12-20", ["wilbur-ross"], ["dairy"]))
    (sample / "topics.toml").write_text((sample / "topics.toml").read_text() + '\n[topics.dairy]\nname = "Dairy"\n')
    ross = sample / "stakeholders" / "wilbur-ross.toml"
    ross.write_text(ross.read_text().replace('aliases = ["Ross"]', 'aliases = ["Ross", "Wilbur"]'))
    _oracle_matches(sample)
    assert iquery.resolve_stakeholder(Index.open(sample), "wilbur").id == "wilbur-ross"
    # a whole year folder renamed: its files keep their ctimes, the folder's parent changes
    (sample / "meetings" / "2019").rename(sample / "meetings" / "2020")
    _oracle_matches(sample)
    (sample / "meetings" / "2020").rename(sample / "meetings" / "2019")
    # a stakeholder deleted (meetings now refer to an unknown id), a whole folder removed
    (sample / "stakeholders" / "li-keqiang.toml").unlink()
    shutil.rmtree(sample / "meetings" / "2019")
    _oracle_matches(sample)
    # the whole meetings folder removed: find cannot list what is not there, so every file is compared
    shutil.rmtree(sample / "meetings")
    scan = index.start_scan(sample)
    assert scan.changed() is None
    ix = Index.open(sample, scan)
    assert ix.meetings_where() == []
    assert iquery.people_rows(ix)[1] == query.people_rows(store.load(sample).log)


def test_random_changes_keep_the_index_exact(sample: Path) -> None:
    """A few hundred random adds, edits and deletes, checked against the files every few steps."""
    rng = random.Random(7)
    people = sorted(p.stem for p in (sample / "stakeholders").glob("*.toml"))
    topics = ["nafta", "trade", "auto-sector", "rules-of-origin"]
    Index.open(sample)
    _settle(sample)
    for step in range(200):
        files = sorted((sample / "meetings").rglob("*.toml"))
        action = rng.choice(["add", "add", "edit", "delete"]) if files else "add"
        if action == "add":
            year = rng.choice(["2016", "2017", "2018"])
            day = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            date = rng.choice([day, day[:7], year])
            folder = sample / "meetings" / year
            folder.mkdir(exist_ok=True)
            (folder / f"{date}-r-{step:04x}.toml").write_text(
                _meeting(f"M{step}", date, rng.sample(people, rng.randint(1, 4)), rng.sample(topics, rng.randint(0, 2)),
                         rng.choice(["held", "held", "scheduled", "cancelled"])))
        elif action == "edit":
            f = rng.choice(files)
            f.write_text(f.read_text().replace("held", "cancelled", 1) if rng.random() < 0.5
                         else f.read_text() + f'location = "Room {step}"\n')
        else:
            rng.choice(files).unlink()
        if step % 25 == 24:
            _oracle_matches(sample)


def test_missing_corrupt_or_old_index_is_rebuilt_and_deleting_the_cache_loses_nothing(sample: Path) -> None:
    """The cache is only a cache."""
    first = lines(invoke(["meetings", "-p", "Dias"], log=sample).stdout)
    db = sample / ".nafta-log" / index.FILE
    assert db.exists()
    db.write_bytes(b"this is not a database" * 100)
    assert lines(invoke(["meetings", "-p", "Dias"], log=sample).stdout) == first
    con = sqlite3.connect(db)
    con.execute("PRAGMA user_version = 999")
    con.commit()
    con.close()
    assert lines(invoke(["meetings", "-p", "Dias"], log=sample).stdout) == first
    assert sqlite3.connect(db).execute("PRAGMA user_version").fetchone()[0] == index.SCHEMA_VERSION
    shutil.rmtree(sample / ".nafta-log")
    assert lines(invoke(["meetings", "-p", "Dias"], log=sample).stdout) == first


def test_without_find_the_python_scan_sees_the_same_changes(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When `find` cannot run, every file is compared in Python instead."""
    Index.open(sample)
    monkeypatch.setenv("PATH", "/nonexistent")
    path = sample / "meetings" / "2017" / "2017-12-04-trudeau-li-0021.toml"
    path.write_text(path.read_text().replace("Beijing", "Peking"))
    scan = index.start_scan(sample)
    assert scan.proc is None
    assert "Trudeau meets Premier Li Keqiang in Peking" in [m.title for m in Index.open(sample, scan).meetings_where()]
    _oracle_matches(sample)


def test_add_indexes_the_new_meeting_in_the_same_step(sample: Path) -> None:
    """After `add meeting`, the index already holds it: the next scan finds nothing to re-read."""
    invoke(["meetings"], log=sample)
    r = invoke(["add", "meeting", "--title", "Call", "--date", "today", "--with", "Lighthizer"], log=sample)
    mid = lines(r.stdout)[0].split()[-1]
    ix = Index.open(sample, index.Scan(sample, meetings=False))  # looks at stakeholders only
    assert ix.meeting(mid) is not None and ix.meeting(mid).title == "Call"


def test_check_verifies_the_index_and_repairs_it(sample: Path) -> None:
    """A row missing from the index is reported on stderr and put back; the log itself passes."""
    invoke(["meetings"], log=sample)
    con = sqlite3.connect(sample / ".nafta-log" / index.FILE)
    con.execute("DELETE FROM files WHERE path LIKE 'meetings/2017/2017-12-04%'")
    con.commit()
    con.close()
    later = __import__("time").time_ns() + 60 * 10**9  # the stamp says: nothing changed since (a missed change)
    os.utime(sample / ".nafta-log" / index.STAMP, ns=(later, later))
    r = invoke(["check"], log=sample)
    assert (r.exit_code, r.stdout) == (0, "")
    assert r.stderr == ("warning: meetings/2017/2017-12-04-trudeau-li-0021.toml: the index was out of date for this "
                        "file (repaired)\n")
    assert invoke(["check"], log=sample).stderr == ""


def test_reindex_rebuilds_from_scratch(sample: Path) -> None:
    """`reindex` says how many files it indexed."""
    r = invoke(["reindex"], log=sample)
    assert r.exit_code == 0
    count = len(list(sample.rglob("*.toml"))) - len(list((sample / ".nafta-log").rglob("*.toml")))
    assert r.stdout == f"Indexed {count} files in {sample.resolve()}\n"


def test_a_read_only_log_is_answered_from_memory(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When the cache folder cannot be written, queries still answer (nothing is written)."""
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if str(p).endswith(".nafta-log") else real_access(p, mode))
    r = invoke(["meetings", "-p", "Dias", "--format", "json"], log=sample)
    assert r.exit_code == 0 and len(json.loads(r.stdout)) == 4
    assert not (sample / ".nafta-log" / index.FILE).exists()


def test_settings_come_from_the_index(sample: Path) -> None:
    """The log's name and date order are read back from the index, and a change to them is seen."""
    assert Index.open(sample).settings().name == "NAFTA renegotiation, 2017 (sample log)"
    marker = sample / "nafta-log.toml"
    marker.write_text(marker.read_text() + '\n[settings]\ndate_order = "DMY"\n')
    r = invoke(["meetings", "--from", "04/12/2017", "--to", "04/12/2017", "--format", "json"], log=sample)
    assert [m["title"] for m in json.loads(r.stdout)] == ["Trudeau meets Premier Li Keqiang in Beijing"]
