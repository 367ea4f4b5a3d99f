"""rename and remove: every reference follows, all or nothing, and removal is confirmed and explicit."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, invoke, lines

LEFTOVER = re.compile(r"/\.[^/]+\.(staged|tmp)$")
DIAS_MEETINGS = ["2017-12-14-dias-ross-cb43", "2017-dias-ross-192d", "2017-dias-ross-38f1", "2017-dias-ross-bdc8"]


def _files(root: Path) -> dict[str, bytes]:
    """Every file of the log, hidden ones included, except the cache folder."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
            if p.is_file() and ".nafta-log" not in p.parts}


def test_rename_person_rewrites_every_reference(sample: Path) -> None:
    """The file moves to the new id, meetings and roles point at it, comments in meetings stay, check passes."""
    meeting = sample / "meetings" / "2017" / "2017-dias-ross-38f1.toml"
    meeting.write_text("# keep me\n" + meeting.read_text())
    before = meeting.read_text()
    r = invoke(["rename", "person", "Dias", "Jerome Dias", "--keep-old-name"], log=sample)
    assert r.exit_code == 0, r.output
    assert lines(r.stdout) == ["Renamed person jerry-dias -> jerome-dias (Jerome Dias)",
                               "  4 meeting(s) rewritten: 2017-dias-ross-38f1, 2017-dias-ross-bdc8, "
                               "2017-dias-ross-192d, 2017-12-14-dias-ross-cb43"]
    assert not (sample / "stakeholders" / "jerry-dias.toml").exists()
    assert (sample / "stakeholders" / "jerome-dias.toml").read_text().startswith(
        'kind = "person"\nname = "Jerome Dias"\naliases = ["Dias", "Jerry Dias"]\n')
    assert meeting.read_text() == before.replace('"jerry-dias"', '"jerome-dias"')
    assert invoke(["check"], log=sample).stdout == ""
    found = invoke(["meetings", "--person", "Jerry Dias", "--format", "csv"], log=sample).stdout
    assert sorted(row.split(",")[0] for row in found.splitlines()[1:]) == DIAS_MEETINGS


def test_rename_organization_rewrites_roles(sample: Path) -> None:
    """Roles at a renamed organization follow it."""
    r = invoke(["rename", "organization", "Unifor", "Unifor Canada"], log=sample)
    assert r.exit_code == 0, r.output
    assert lines(r.stdout)[1] == "  roles of 1 stakeholder(s) rewritten: jerry-dias"
    assert 'organization = "unifor-canada"' in (sample / "stakeholders" / "jerry-dias.toml").read_text()
    assert invoke(["check"], log=sample).stdout == ""


def test_rename_topic_renames_its_table_and_meetings(sample: Path) -> None:
    """A topic's [topics.<id>] header and every meeting's topics list change; nothing else in topics.toml does."""
    topics = sample / "topics.toml"
    before = topics.read_text()
    r = invoke(["rename", "topic", "autos", "Automotive industry"], log=sample)
    assert r.exit_code == 0, r.output
    assert topics.read_text() == before.replace('[topics.auto-sector]\nname = "Auto sector"',
                                                '[topics.automotive-industry]\nname = "Automotive industry"')
    assert invoke(["check"], log=sample).stdout == ""
    assert len(lines(invoke(["meetings", "--topic", "automotive-industry"], log=sample).stdout)) == 2 + 5


@pytest.mark.parametrize("args, message", [
    (["person", "Dias", "Wilbur Ross"], "Error: a stakeholder with id 'wilbur-ross' already exists (Wilbur Ross)"),
    (["person", "Dias", "Someone", "--id", "../x"], "Error: --id '../x' is not a valid id"),
    (["person", "Unifor", "X"], "Error: 'Unifor' is an organization, not a person"),
    (["topic", "autos", "Trade"], "Error: a topic with id 'trade' already exists (Trade)"),
    (["robot", "a", "b"], "Error: KIND must be person, organization or topic, not 'robot'"),
])
def test_bad_renames_change_nothing(sample: Path, args: list[str], message: str) -> None:
    """A clash of ids or a bad id is refused before anything is written."""
    before = _files(sample)
    r = invoke(["rename", *args], log=sample)
    assert r.exit_code in (1, 2) and r.stderr.startswith(message), r.stderr
    assert _files(sample) == before


def test_rename_refuses_while_a_file_is_broken(sample: Path) -> None:
    """A broken meeting might refer to the old id and would be missed: the rename waits until it is fixed."""
    (sample / "meetings" / "2017" / "2017-12-01-x-0000.toml").write_text('participants = ["jerry-dias"\n')
    before = _files(sample)
    r = invoke(["rename", "person", "Dias", "Jerome Dias"], log=sample)
    assert r.exit_code == 1
    assert r.stderr.startswith("Error: meetings/2017/2017-12-01-x-0000.toml:1: TOML syntax")
    assert "fix the log first (`nafta-log check`)" in r.stderr
    assert _files(sample) == before


def test_remove_refuses_a_referenced_stakeholder_without_force(sample: Path) -> None:
    """Still in meetings: refused, saying which and what --force does."""
    before = _files(sample)
    r = invoke(["remove", "person", "Trump", "--yes"], log=sample)
    assert r.exit_code == 1
    assert r.stderr == ("Error: person donald-trump is still referenced by 1 meeting(s) "
                        "(2017-10-11-trudeau-trump-ross-3360); give --force drop to remove it from them, or --force "
                        "delete to delete those meetings. Nothing was changed\n")
    assert _files(sample) == before


def test_remove_force_drop_and_delete(sample: Path) -> None:
    """drop takes the id out of meetings; delete deletes them; a meeting left empty needs delete."""
    r = invoke(["remove", "person", "Trump", "--force", "drop", "--yes"], log=sample)
    assert r.exit_code == 0, r.output
    assert lines(r.stdout) == ["Removed person donald-trump (Donald Trump)",
                               "  drop donald-trump from 1 meeting(s): 2017-10-11-trudeau-trump-ross-3360"]
    assert 'participants = ["justin-trudeau", "wilbur-ross"]\n' in (
        sample / "meetings" / "2017" / "2017-10-11-trudeau-trump-ross-3360.toml").read_text()
    (sample / "meetings" / "2017" / "2017-12-20-li-0001.toml").write_text(
        'title = "Alone"\ndate = 2017-12-20\nparticipants = ["li-keqiang"]\n')
    r = invoke(["remove", "person", "Li", "--force", "drop", "--yes"], log=sample)
    assert r.exit_code == 1 and "would be left without participants; use --force delete" in r.stderr
    r = invoke(["remove", "person", "Li", "--force", "delete", "--yes"], log=sample)
    assert r.exit_code == 0, r.output
    assert lines(r.stdout)[1] == "  delete 2 meeting(s): 2017-12-04-trudeau-li-0021, 2017-12-20-li-0001"
    assert not (sample / "stakeholders" / "li-keqiang.toml").exists()
    assert list((sample / "meetings" / "2017").glob("*li-*")) == []
    assert invoke(["check"], log=sample).stdout == ""


def test_remove_topic_and_organization(sample: Path) -> None:
    """A topic leaves topics.toml and its meetings; an organization leaves the roles held at it."""
    r = invoke(["remove", "topic", "trade", "--force", "drop", "--yes"], log=sample)
    assert r.exit_code == 0, r.output
    assert "[topics.trade]" not in (sample / "topics.toml").read_text()
    r = invoke(["remove", "organization", "Unifor", "--yes"], log=sample)
    assert r.exit_code == 1 and "still referenced by the roles of jerry-dias" in r.stderr
    r = invoke(["remove", "organization", "Unifor", "--force", "drop", "--yes"], log=sample)
    assert r.exit_code == 0, r.output
    assert (sample / "stakeholders" / "jerry-dias.toml").read_text().endswith('[[roles]]\ntitle = "President"\n')
    assert invoke(["check"], log=sample).stdout == ""


def test_remove_asks_on_a_terminal_and_refuses_without_one(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No terminal and no --yes: refused; on a terminal, n keeps the meeting and y removes it."""
    path = sample / "meetings" / "2017" / "2017-12-04-trudeau-li-0021.toml"
    r = invoke(["remove", "2017-12-04"], log=sample)
    assert r.exit_code == 2 and r.stderr.startswith(
        "Error: removing needs a confirmation and there is no terminal to ask on; add --yes")
    monkeypatch.setattr("nafta_log.cli.references.is_interactive", lambda: True)
    r = invoke(["remove", "2017-12-04"], log=sample, input="n\n")
    assert r.exit_code == 1 and "cancelled; nothing was removed" in r.stderr
    assert r.stdout.startswith("Remove meeting 2017-12-04-trudeau-li-0021 (Trudeau meets Premier Li Keqiang in "
                               "Beijing)\nRemove? [y/N]")
    assert path.exists()
    r = invoke(["remove", "2017-12-04"], log=sample, input="y\n")
    assert r.exit_code == 0 and not path.exists()


def _rename_in_subprocess(root: Path, crash_after: int | None) -> int:
    """Run `rename person Dias "Jerome Dias"` in a real process, optionally killed after N steps."""
    env = {**os.environ, "NAFTA_LOG_TODAY": "2017-12-12"}
    if crash_after is not None:
        env["NAFTA_LOG_CRASH_AFTER"] = str(crash_after)
    return subprocess.run([sys.executable, "-m", "nafta_log", "rename", "person", "Dias", "Jerome Dias", "--log",
                           str(root)], cwd=REPO, env=env, capture_output=True).returncode


def test_a_rename_killed_at_any_step_leaves_the_log_whole(sample: Path, tmp_path: Path) -> None:
    """Killed after each of its steps, a rename leaves the log as before or as after, never in between."""
    import shutil
    old = _files(sample)
    done = tmp_path / "done"
    shutil.copytree(sample, done)
    assert _rename_in_subprocess(done, None) == 0
    new = _files(done)
    outcomes = []
    for step in range(1, 20):
        log = tmp_path / f"crash-{step}"
        shutil.copytree(sample, log)
        code = _rename_in_subprocess(log, step)
        if code == 0:  # finished before reaching this step: every step has been tried
            break
        assert code == 137
        check = invoke(["check"], log=log)  # the next command, a reader: completes a committed change
        visible = {k: v for k, v in _files(log).items() if not LEFTOVER.search(k)}
        assert visible in (old, new), step
        assert (check.exit_code, check.stdout) == (0, ""), step
        outcomes.append("new" if visible == new else "old")
        invoke(["add", "topic", "Dairy"], log=log)  # the next writer removes leftover staged files
        assert [k for k in _files(log) if LEFTOVER.search(k)] == []
    assert "old" in outcomes and "new" in outcomes and len(outcomes) >= 10
