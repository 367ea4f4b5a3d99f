"""The watcher process: commands that ask it what changed answer exactly as the files do (see watch.py)."""

from __future__ import annotations

import random
import shutil
import time
from pathlib import Path
from typing import Iterator

import pytest

from nafta_log import index, iquery, scan as scan_module, store, watch
from nafta_log.index import Index

from conftest import invoke, lines
from test_index import _meeting, _oracle_matches

pytestmark = pytest.mark.skipif(not watch.enabled(Path(__file__).parent), reason="no inotify on this file system")


def _ask(root: Path) -> watch.Reply | None:
    return watch.ask(root, watch.read_state(root / store.CACHE))


@pytest.fixture
def watched(sample: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The sample log with its index built and a watcher running for it (as for a log of thousands of files)."""
    monkeypatch.setattr(scan_module, "FIND_MIN", 0)
    monkeypatch.setattr(scan_module, "WATCH_MIN", 0)
    monkeypatch.delenv("NAFTA_LOG_WATCH", raising=False)
    Index.open(sample)
    watch.spawn(sample)
    deadline = time.monotonic() + 20
    while _ask(sample) is None:
        assert time.monotonic() < deadline, "the watcher did not start"
        time.sleep(0.05)
    Index.open(sample, index.start_scan(sample))  # the first command after it starts: a full scan, then trusted
    yield sample
    watch.stop(sample)


def _through_watcher(root: Path) -> None:
    """The next refresh uses the watcher's list (no find), and every answer matches the files."""
    scan = index.start_scan(root)
    assert scan.watched is not None and scan.watched.paths is not None and scan.procs == []
    assert len(scan.watched.paths) < 40
    Index.open(root, scan)
    _oracle_matches(root)
    Index.open(root, index.start_scan(root))


def test_every_kind_of_change_is_reported_by_the_watcher(watched: Path) -> None:
    """Adds, in-place edits, deletes, moves, new and renamed folders, vocabulary and stakeholder edits."""
    sample = watched
    m2017 = sample / "meetings" / "2017"
    (sample / "meetings" / "2019").mkdir()
    (sample / "meetings" / "2019" / "2019-03-01-dias-trump-aaaa.toml").write_text(
        _meeting("New", "2019-03-01", ["jerry-dias", "donald-trump"], ["trade"]))
    _through_watcher(sample)
    path = m2017 / "2017-dias-ross-38f1.toml"
    with open(path, "r+") as f:  # in place, same size
        f.write(path.read_text().replace("earlier 2017 meeting 1 of 3", "EARLIER 2017 MEETING 1 OF 3"))
    _through_watcher(sample)
    assert "Dias and Ross meet (EARLIER 2017 MEETING 1 OF 3)" in [m.title for m in Index.open(sample).meetings_where()]
    (m2017 / "2017-dias-ross-bdc8.toml").unlink()
    shutil.move(m2017 / "2017-dias-ross-192d.toml", sample / "meetings" / "2019" / "2017-dias-ross-192d.toml")
    (sample / "topics.toml").write_text((sample / "topics.toml").read_text() + '\n[topics.dairy]\nname = "Dairy"\n')
    ross = sample / "stakeholders" / "wilbur-ross.toml"
    ross.write_text(ross.read_text().replace('aliases = ["Ross"]', 'aliases = ["Ross", "Wilbur"]'))
    _through_watcher(sample)
    assert iquery.resolve_stakeholder(Index.open(sample), "wilbur").id == "wilbur-ross"
    (sample / "meetings" / "2019").rename(sample / "meetings" / "2020")  # files keep their times
    _through_watcher(sample)
    (sample / "meetings" / "2020" / "2017-dias-ross-192d.toml").write_text(
        _meeting("Edited in a moved folder", "2017", ["jerry-dias", "wilbur-ross"]))
    _through_watcher(sample)
    shutil.rmtree(sample / "meetings" / "2020")
    (sample / "stakeholders" / "li-keqiang.toml").unlink()
    _through_watcher(sample)


def test_random_changes_through_the_watcher_keep_the_index_exact(watched: Path) -> None:
    """Two hundred random adds, edits and deletes, checked against the files every few steps."""
    sample, rng = watched, random.Random(11)
    people = sorted(p.stem for p in (sample / "stakeholders").glob("*.toml"))
    for step in range(200):
        files = sorted((sample / "meetings").rglob("*.toml"))
        action = rng.choice(["add", "add", "edit", "delete"]) if files else "add"
        if action == "add":
            year = rng.choice(["2016", "2017", "2018"])
            (sample / "meetings" / year).mkdir(exist_ok=True)
            (sample / "meetings" / year / f"{year}-r-{step:04x}.toml").write_text(
                _meeting(f"M{step}", year, rng.sample(people, rng.randint(1, 4)), [], rng.choice(["held", "cancelled"])))
        elif action == "edit":
            f = rng.choice(files)
            f.write_text(f.read_text() + f'location = "Room {step}"\n')
        else:
            rng.choice(files).unlink()
        if step % 40 == 39:
            _through_watcher(sample)


def test_a_top_folder_removed_or_a_stopped_watcher_falls_back_to_find(watched: Path) -> None:
    """What the watcher cannot describe file by file, and a watcher that is gone, mean a full scan: still right."""
    sample = watched
    shutil.rmtree(sample / "meetings")
    scan = index.start_scan(sample)
    assert scan.watched is not None and scan.watched.paths is None  # "scan everything yourself"
    Index.open(sample, scan)
    _oracle_matches(sample)
    assert watch.stop(sample)
    deadline = time.monotonic() + 10
    while _ask(sample) is not None:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    (sample / "meetings" / "2018").mkdir(parents=True)
    (sample / "meetings" / "2018" / "2018-01-02-x-cccc.toml").write_text(_meeting("After", "2018-01-02", ["jerry-dias"]))
    scan = index.start_scan(sample)  # no watcher: find, and a new watcher started for the next command
    assert scan.watched is None
    Index.open(sample, scan)
    _oracle_matches(sample)
    deadline = time.monotonic() + 20
    while _ask(sample) is None:
        assert time.monotonic() < deadline, "no watcher was started again"
        time.sleep(0.05)
    assert lines(invoke(["meetings", "--person", "Dias", "--format", "csv"], log=sample).stdout)[1:] == [
        "2018-01-02-x-cccc,2018-01-02,,,,held,After,Jerry Dias,jerry-dias,,,,"]


def test_a_watcher_of_another_generation_is_not_trusted(watched: Path) -> None:
    """A saved point from an earlier watcher (or none at all) makes the next command scan with find."""
    sample = watched
    generation, seq = watch.read_state(sample / store.CACHE) or ("", 0)
    watch.save_state(sample / store.CACHE, "other-generation", seq)
    reply = _ask(sample)
    assert reply is not None and reply.paths is None and reply.generation == generation
    (sample / store.CACHE / watch.STATE).unlink()
    reply = _ask(sample)
    assert reply is not None and reply.paths is None


def test_the_watcher_is_used_only_where_inotify_sees_everything(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Turned off by NAFTA_LOG_WATCH=0, and off on file systems such as NFS whose other clients it cannot hear."""
    assert watch.enabled(tmp_path, {}) is True  # this test file's own file system (else the module is skipped)
    assert watch.enabled(tmp_path, {"NAFTA_LOG_WATCH": "0"}) is False
    for kind, expected in (("nfs4", False), ("cifs", False), ("fuse.sshfs", False), ("ext4", True), ("xfs", True)):
        monkeypatch.setattr(watch, "file_system", lambda path, kind=kind: kind)
        assert watch.enabled(tmp_path, {}) is expected, kind
