"""Concurrent writers: many processes adding and editing at once lose nothing, and a held lock is waited for."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

from nafta_log import actions, edit, names, store
from nafta_log.model import PartialDate

from conftest import REPO, invoke

WORKERS = 8


def _add_meetings(root: str, worker: int, count: int) -> None:
    """One process: add `count` meetings through the library, each under the lock."""
    log = store.load(Path(root)).log
    for i in range(count):
        m = actions.new_meeting(actions.LogDirectory(log), title=f"worker {worker} meeting {i}", date=PartialDate(2017, 12, 1),
                                participants=["Dias", "Ross"])
        actions.add_meeting(Path(root), m)


def _add_aliases(root: str, worker: int, count: int) -> None:
    """One process: add `count` aliases to the same person, one edit at a time."""
    for i in range(count):
        edit.edit_stakeholder(Path(root), "person", "Dias", edit.StakeholderEdit(add_aliases=(f"w{worker}-{i}",)))


def _run_all(target: object, root: Path, count: int) -> None:
    """Run `target` in 8 forked processes at once and wait for all of them to succeed."""
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=target, args=(str(root), w, count)) for w in range(WORKERS)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0


def test_eight_processes_adding_fifty_meetings_each_lose_none(sample: Path) -> None:
    """400 meetings added at once by 8 processes (all with the same date and people, so ids clash): all 400 kept."""
    before = len(store.load(sample).log.meetings)
    _run_all(_add_meetings, sample, 50)
    result = store.load(sample)
    assert result.problems == []
    titles = sorted(m.title for m in result.log.meetings.values() if m.title.startswith("worker "))
    assert titles == sorted(f"worker {w} meeting {i}" for w in range(WORKERS) for i in range(50))
    assert len(result.log.meetings) == before + 400
    assert invoke(["check"], log=sample).stdout == ""
    assert [p for p in sample.rglob(".*") if p.is_file() and p.name != ".gitignore"] == []


def test_concurrent_edits_of_one_record_lose_none(sample: Path) -> None:
    """8 processes each adding 10 aliases to one person: every one of the 80 is in the file afterwards."""
    _run_all(_add_aliases, sample, 10)
    dias = names.resolve(store.load(sample).log.stakeholders, "Dias")
    assert sorted(dias.aliases) == sorted(["Dias", *(f"w{w}-{i}" for w in range(WORKERS) for i in range(10))])


def test_an_edit_waits_for_the_lock_and_applies_on_top(sample: Path) -> None:
    """While another writer holds the lock and changes the file, an edit waits, then builds on the new content."""
    path = sample / "stakeholders" / "jerry-dias.toml"
    env = {**os.environ, "NAFTA_LOG_TODAY": "2017-12-12"}
    with store.locked(sample):
        proc = subprocess.Popen([sys.executable, "-m", "nafta_log", "edit", "person", "Dias", "--country", "US",
                                 "--log", str(sample)], cwd=REPO, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        time.sleep(1.0)  # the edit is now waiting for the lock (it cannot finish before it is released)
        assert proc.poll() is None
        path.write_text(path.read_text().replace('aliases = ["Dias"]', 'aliases = ["Dias", "Jerry"]'))
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    text = path.read_text()
    assert 'aliases = ["Dias", "Jerry"]' in text and 'country = "US"' in text


def test_a_lock_held_too_long_says_the_log_is_busy(sample: Path) -> None:
    """A writer that cannot get the lock within the timeout exits 1 with "the log is busy", writing nothing."""
    before = (sample / "topics.toml").read_bytes()
    env = {**os.environ, "NAFTA_LOG_LOCK_TIMEOUT": "0.2"}
    with store.locked(sample):  # held by this process; the writer is another one
        proc = subprocess.run([sys.executable, "-m", "nafta_log", "add", "topic", "Dairy", "--log", str(sample)],
                              cwd=REPO, env=env, capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stderr == ("Error: the log is busy: another nafta-log has held its lock for 0.2 s; try again when "
                           "it has finished\n")
    assert (sample / "topics.toml").read_bytes() == before
    assert invoke(["add", "topic", "Dairy"], log=sample).exit_code == 0


def test_the_lock_is_reentrant_within_a_process(sample: Path) -> None:
    """A library write inside a caller's own locked block goes ahead instead of waiting for itself."""
    with store.locked(sample, timeout=0.5):
        topic, path = actions.add_topic(sample, name="Dairy")
    assert topic.id == "dairy" and "[topics.dairy]" in path.read_text()


def test_a_reader_waits_for_a_change_being_made(sample: Path, tmp_path: Path) -> None:
    """A query started while a writer changes two files under the lock sees both changes, never just the first."""
    a, b = sample / "stakeholders" / "unifor.toml", sample / "stakeholders" / "li-keqiang.toml"
    started = tmp_path / "started"
    writer = (
        "import sys, time, pathlib\n"
        "from nafta_log import store\n"
        f"root, a, b, started = map(pathlib.Path, {[str(sample), str(a), str(b), str(started)]!r})\n"
        "with store.locked(root):\n"
        "    a.write_text(a.read_text().replace('name = \"Unifor\"', 'name = \"Unifor A\"'))\n"
        "    started.write_text('')\n"
        "    time.sleep(1.5)\n"
        "    b.write_text(b.read_text().replace('name = \"Li Keqiang\"', 'name = \"Li B\"'))\n")
    proc = subprocess.Popen([sys.executable, "-c", writer], cwd=REPO)
    while not started.exists():
        assert proc.poll() is None
        time.sleep(0.01)
    log = store.load(sample).log  # the first file has changed, the second not yet: the reader must wait
    assert proc.wait(timeout=60) == 0
    assert (log.stakeholders["unifor"].name, log.stakeholders["li-keqiang"].name) == ("Unifor A", "Li B")
