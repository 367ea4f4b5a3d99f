"""`nafta-log sync` between clones of one bare remote: no conflict on different records, a clear stop on the same one."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

from conftest import invoke, lines
from nafta_log import actions, store
from nafta_log.model import PartialDate

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs the git executable")

ANA = {"GIT_AUTHOR_NAME": "Ana Tester", "GIT_COMMITTER_NAME": "Ana Tester"}
BEN = {"GIT_AUTHOR_NAME": "Ben Writer", "GIT_AUTHOR_EMAIL": "ben@example.org", "GIT_COMMITTER_NAME": "Ben Writer",
       "GIT_COMMITTER_EMAIL": "ben@example.org"}
MEETING = "meetings/2017/2017-12-14-dias-ross-cb43.toml"


def git(root: Path, *args: str) -> str:
    """The output of a git command run in `root`."""
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout


class Team(NamedTuple):
    """A bare remote and two clones of the sample log: Ana's and Ben's."""

    remote: Path
    ana: Path
    ben: Path


@pytest.fixture
def team(tmp_path: Path, git_env: dict[str, str]) -> Team:
    """Ana starts the log and pushes it to a bare remote; Ben clones it."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", str(remote))
    ana, ben = tmp_path / "ana", tmp_path / "ben"
    assert invoke(["init", str(ana), "--sample", "--git"]).exit_code == 0
    git(ana, "remote", "add", "origin", str(remote))
    first = invoke(["sync"], log=ana, **ANA)
    assert (first.exit_code, first.stdout) == (0, "Pushed to origin/main; check passed\n")
    git(tmp_path, "clone", "--quiet", str(remote), str(ben))
    return Team(remote, ana, ben)


def add_meetings(root: Path, count: int, title: str, summary: str = "") -> list[Path]:
    """Add `count` meetings through the library (in-process, as `add meeting` does) and return their files."""
    log = store.load(root).log
    paths = []
    for i in range(count):
        date = PartialDate.from_date(dt.date(2017, 1, 1) + dt.timedelta(days=i % 365))
        m = actions.new_meeting(actions.LogDirectory(log), title=f"{title} {i}", date=date, participants=["Dias", "Ross"],
                                summary=summary or None)
        paths.append(actions.add_meeting(root, m)[1])
    return paths


def set_summary(path: Path, summary: str) -> None:
    """Edit a record in place, as a person would in an editor (edit is another branch's command)."""
    text = path.read_text()
    start = text.index("summary = ")
    end = text.index("\n", start)
    path.write_text(text[:start] + f'summary = "{summary}"' + text[end:])


def summary_of(root: Path, rel: str) -> str:
    """The summary of one meeting, read with the loader."""
    log = store.load(root).log
    return log.meetings[Path(rel).stem].summary or ""


def meeting_ids(root: Path) -> set[str]:
    """Every meeting id of a log."""
    return set(store.load(root).log.meetings)


def test_two_clones_add_100_meetings_and_edit_10_records_each_and_never_conflict(team: Team) -> None:
    """Each adds 100 meetings and edits 10 different records; after syncing in turn both hold all of it."""
    shared = add_meetings(team.ana, 20, "Shared meeting", summary="first draft")
    assert invoke(["sync"], log=team.ana, **ANA).exit_code == 0
    assert invoke(["sync"], log=team.ben, **BEN).exit_code == 0
    rel = [p.relative_to(team.ana).as_posix() for p in shared]
    add_meetings(team.ana, 100, "Autos call from Ana's desk")
    add_meetings(team.ben, 100, "Dairy lunch at Ben's desk")
    for i in range(10):
        set_summary(team.ana / rel[i], f"Ana's edit {i}")
        set_summary(team.ben / rel[10 + i], f"Ben's edit {i}")
    results = [invoke(["sync"], log=team.ana, **ANA), invoke(["sync"], log=team.ben, **BEN),
               invoke(["sync"], log=team.ana, **ANA)]
    assert [r.exit_code for r in results] == [0, 0, 0], [r.output for r in results]
    assert lines(results[1].stdout) == ["Committed " + git(team.ben, "rev-parse", "--short=7", "HEAD^1").strip()
                                        + ": Sync: add 100 meetings, edit 10 meetings",
                                        "Merged 1 commit from origin/main",
                                        "Pushed to origin/main; check passed"]
    assert meeting_ids(team.ana) == meeting_ids(team.ben)
    assert len(meeting_ids(team.ana)) == 8 + 20 + 200
    for root in (team.ana, team.ben):
        meetings = store.load(root).log.meetings
        assert [meetings[Path(r).stem].summary for r in rel] == [f"Ana's edit {i}" for i in range(10)] + \
            [f"Ben's edit {i}" for i in range(10)]
        check = invoke(["check"], log=root)
        assert (check.exit_code, check.stdout) == (0, "")
        assert git(root, "status", "--porcelain") == ""
    assert git(team.ana, "rev-parse", "HEAD") == git(team.ben, "rev-parse", "HEAD") == \
        git(team.remote, "rev-parse", "main")


def both_edit_the_same_summary(team: Team) -> None:
    """Ana and Ben change the same meeting's summary; Ana syncs first."""
    set_summary(team.ana / MEETING, "Ana's summary")
    set_summary(team.ben / MEETING, "Ben's summary")
    assert invoke(["sync"], log=team.ana, **ANA).exit_code == 0


def test_same_record_edited_on_both_sides_stops_the_second_sync_and_pushes_nothing(team: Team) -> None:
    """The second sync shows both versions field by field, exits 1, leaves no markers and pushes nothing."""
    both_edit_the_same_summary(team)
    pushed = git(team.remote, "rev-parse", "main")
    result = invoke(["sync"], log=team.ben, **BEN)
    assert result.exit_code == 1
    out = lines(result.stdout)
    assert out[1:3] == ["Stopped before pushing: you and the team both changed 1 record.",
                        "Nothing was pushed, and your log is as it was before the sync (your commits are kept)."]
    assert out[3] == f"meeting 2017-12-14-dias-ross-cb43: Dias and Ross talk auto rules of origin ({MEETING})"
    assert out[4].startswith("  yours: changed it (Ben Writer, ") and "theirs: changed it (Ana Tester, " in out[4]
    assert out[5] == "  summary — yours: \"Ben's summary\" / theirs: \"Ana's summary\""
    assert out[6:] == ["Choose what to keep:",
                       "  nafta-log sync --keep mine     your version of each record above",
                       "  nafta-log sync --keep theirs   the team's version",
                       "  nafta-log sync --edit          write a merge of the two in your editor ($EDITOR)"]
    assert lines(result.stderr) == ["Error: sync stopped before pushing: the same record was changed on both sides; "
                                    "choose with `nafta-log sync --keep mine`, `--keep theirs` or `--edit`"]
    assert git(team.remote, "rev-parse", "main") == pushed
    assert summary_of(team.ben, MEETING) == "Ben's summary"
    assert git(team.ben, "status", "--porcelain") == ""
    again = invoke(["sync"], log=team.ben, **BEN)
    assert again.exit_code == 1 and git(team.remote, "rev-parse", "main") == pushed


@pytest.mark.parametrize("keep, kept", [("mine", "Ben's summary"), ("theirs", "Ana's summary")])
def test_keep_mine_or_theirs_finishes_the_sync_and_check_passes_on_both(team: Team, keep: str, kept: str) -> None:
    """After `sync --keep`, both clones hold the chosen version and check passes on both."""
    both_edit_the_same_summary(team)
    assert invoke(["sync"], log=team.ben, **BEN).exit_code == 1
    chosen = invoke(["sync", "--keep", keep], log=team.ben, **BEN)
    assert chosen.exit_code == 0, chosen.output
    assert lines(chosen.stdout) == ["Merged 1 commit from origin/main", "Pushed to origin/main; check passed"]
    assert git(team.ben, "log", "-1", "--format=%B").strip().splitlines() == [
        "Sync: merge the team's changes from origin/main", "", f"{MEETING}: kept {keep.replace('mine', 'yours')}"]
    assert invoke(["sync"], log=team.ana, **ANA).exit_code == 0
    for root in (team.ana, team.ben):
        assert summary_of(root, MEETING) == kept
        assert invoke(["check"], log=root).exit_code == 0
    assert not (team.ben / ".nafta-log" / "sync-held.json").exists()


def test_edit_writes_a_merge_in_the_editor(team: Team, tmp_path: Path) -> None:
    """`sync --edit` opens the record with the team's values as comments; the saved merge is pushed."""
    both_edit_the_same_summary(team)
    assert invoke(["sync"], log=team.ben, **BEN).exit_code == 1
    editor = tmp_path / "editor.py"
    seen = tmp_path / "seen.toml"
    editor.write_text("import shutil, sys\nshutil.copy(sys.argv[2], sys.argv[1])\n"
                      "p = sys.argv[2]\nt = open(p).read().replace(\"Ben's summary\", 'Both summaries')\n"
                      "open(p, 'w').write(t)\n")
    result = invoke(["sync", "--edit"], log=team.ben, EDITOR=f"{sys.executable} {editor} {seen}", **BEN)
    assert result.exit_code == 0, result.output
    shown = seen.read_text().splitlines()
    assert shown[2] == "# sync: summary = \"Ana's summary\""
    assert "summary = \"Ben's summary\"" in shown
    assert invoke(["sync"], log=team.ana, **ANA).exit_code == 0
    for root in (team.ana, team.ben):
        assert summary_of(root, MEETING) == "Both summaries"
        assert "# sync:" not in (root / MEETING).read_text()
    entries = json.loads(invoke(["history", "2017-12-14-dias", "--format", "json"], log=team.ana).stdout)
    assert [(e["author"], e["action"], e["changes"]) for e in entries][0] == (
        "Ben Writer", "merged", [{"field": "summary", "old": "Ben's summary", "new": "Both summaries"}])


def test_a_broken_merge_in_the_editor_is_refused_and_nothing_is_pushed(team: Team) -> None:
    """An edited merge that is not a valid record stops with one Error line."""
    both_edit_the_same_summary(team)
    assert invoke(["sync"], log=team.ben, **BEN).exit_code == 1
    pushed = git(team.remote, "rev-parse", "main")
    result = invoke(["sync", "--edit"], log=team.ben, EDITOR="sed -i s/^title.*/title/", **BEN)
    assert result.exit_code == 1
    assert lines(result.stderr)[0].startswith(f"Error: your merge of {MEETING} is not a valid record (")
    assert git(team.remote, "rev-parse", "main") == pushed


def test_topics_added_on_both_sides_are_merged_topic_by_topic(team: Team) -> None:
    """Two people adding topics at once meet no conflict: topics.toml gets both, sorted by id."""
    assert invoke(["add", "topic", "Dairy"], log=team.ana).exit_code == 0
    assert invoke(["add", "topic", "Dairy quotas"], log=team.ben).exit_code == 0
    assert invoke(["sync"], log=team.ana, **ANA).exit_code == 0
    result = invoke(["sync"], log=team.ben, **BEN)
    assert result.exit_code == 0, result.output
    assert lines(result.stdout)[0].endswith(": Add topic dairy-quotas: Dairy quotas")
    assert "  merged topics.toml topic by topic" in lines(result.stdout)
    assert invoke(["sync"], log=team.ana, **ANA).exit_code == 0
    for root in (team.ana, team.ben):
        topics = store.load_topics(root).topics
        assert {"dairy", "dairy-quotas"} <= set(topics)
        assert list(topics) == sorted(topics)
        assert "<<<<<<<" not in (root / "topics.toml").read_text()


def test_a_meeting_naming_a_stakeholder_removed_by_the_team_stops_the_push(team: Team) -> None:
    """Check after the merge finds what git cannot: a reference to a record someone else removed."""
    git(team.ana, "rm", "--quiet", "stakeholders/li-keqiang.toml", "meetings/2017/2017-12-04-trudeau-li-0021.toml")
    assert invoke(["sync"], log=team.ana, **ANA).exit_code == 0
    added = invoke(["add", "meeting", "--title", "Freeland and Li", "--date", "2017-12-05", "--with", "Li",
                    "--with", "Trudeau"], log=team.ben)
    assert added.exit_code == 0
    pushed = git(team.remote, "rev-parse", "main")
    result = invoke(["sync"], log=team.ben, **BEN)
    assert result.exit_code == 1
    assert "unknown stakeholder id 'li-keqiang' in participants" in result.stdout
    assert lines(result.stderr) == ["Error: the merged log has 1 problem(s), listed above; nothing was pushed: fix "
                                    "them, then run `nafta-log sync` again"]
    assert git(team.remote, "rev-parse", "main") == pushed


def test_sync_without_a_remote_or_a_repository_says_so(tmp_path: Path, sample: Path, git_env: dict[str, str]) -> None:
    """No remote, or no repository: one Error line each, exit 1."""
    solo = tmp_path / "solo"
    assert invoke(["init", str(solo), "--git"]).exit_code == 0
    result = invoke(["sync"], log=solo)
    assert (result.exit_code, lines(result.stderr)) == (1, [
        "Error: this log's repository has no remote to sync with; add the team's with `git remote add origin URL` "
        "(any URL git understands), then run nafta-log sync again"])
    result = invoke(["sync"], log=sample)
    assert result.exit_code == 1
    assert lines(result.stderr)[0].startswith(f"Error: the log at {sample} is not in a git repository")
    result = invoke(["sync", "--keep", "mine"], log=solo)
    assert lines(result.stderr) == ["Error: no sync is waiting for a choice; run `nafta-log sync` first"]


def test_history_shows_both_authors_versions_of_the_meeting(team: Team) -> None:
    """After a conflict resolved with --keep theirs, `history` still shows Ben's and Ana's edits, field by field."""
    both_edit_the_same_summary(team)
    assert invoke(["sync"], log=team.ben, **BEN).exit_code == 1
    assert invoke(["sync", "--keep", "theirs"], log=team.ben, **BEN).exit_code == 0
    result = invoke(["history", "2017-12-14-dias", "--format", "json"], log=team.ben)
    assert result.exit_code == 0, result.output
    entries = json.loads(result.stdout)
    edits = sorted((e["author"], e["action"], [(c["field"], c["new"]) for c in e["changes"]]) for e in entries
                   if e["action"] == "edited")
    assert edits == [("Ana Tester", "edited", [("summary", "Ana's summary")]),
                     ("Ben Writer", "edited", [("summary", "Ben's summary")])]
    assert (entries[-1]["author"], entries[-1]["action"]) == ("Ana Tester", "added")
    table = lines(invoke(["history", "2017-12-14-dias"], log=team.ben).stdout)
    assert table[0].split() == ["date", "author", "commit", "what", "changed"]
    assert any(ln.endswith("→ \"Ben's summary\"") for ln in table)
    assert any("Ben Writer" in ln and ln.endswith("edited") for ln in table)


def test_the_same_meeting_added_by_two_people_stops_the_push_as_a_duplicate(team: Team) -> None:
    """Git merges two files with different ids cleanly; check names the pair, and nothing is pushed."""
    for root, title in ((team.ana, "Dias and Lighthizer talk autos"), (team.ben, "Dias, Lighthizer talk autos")):
        added = invoke(["add", "meeting", "--title", title, "--date", "2017-12-15", "--with", "Lighthizer",
                        "--with", "Dias"], log=root)
        assert added.exit_code == 0
    assert invoke(["sync"], log=team.ana, **ANA).exit_code == 0
    pushed = git(team.remote, "rev-parse", "main")
    result = invoke(["sync"], log=team.ben, **BEN)
    assert result.exit_code == 1
    found = [ln for ln in lines(result.stdout) if "duplicate" in ln]
    ids = sorted(p.stem for p in (team.ben / "meetings" / "2017").glob("2017-12-15-*.toml"))
    assert found == [f"meetings/2017/{ids[1]}.toml:1:1: looks like a duplicate of meetings/2017/{ids[0]}.toml (same "
                     "date, same participants, similar title); if it is, keep one, copy over what the other adds, "
                     "and remove it"]
    assert git(team.remote, "rev-parse", "main") == pushed


def test_a_record_removed_by_one_and_edited_by_the_other_is_held_and_can_be_removed(team: Team) -> None:
    """Removed on one side, edited on the other: the edit is shown against the removal; --keep theirs removes it."""
    git(team.ana, "rm", "--quiet", MEETING)
    assert invoke(["sync"], log=team.ana, **ANA).exit_code == 0
    set_summary(team.ben / MEETING, "Ben's summary")
    result = invoke(["sync"], log=team.ben, **BEN)
    assert result.exit_code == 1
    out = lines(result.stdout)
    assert "theirs: removed it (Ana Tester, " in out[4]
    assert out[5:7] == ["  summary — yours: \"Ben's summary\" / theirs: (removed the record)", "Choose what to keep:"]
    assert invoke(["sync", "--keep", "theirs"], log=team.ben, **BEN).exit_code == 0
    assert not (team.ben / MEETING).exists()
    assert invoke(["check"], log=team.ben).exit_code == 0


def test_on_a_terminal_sync_asks_what_to_keep(team: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a person at the terminal, the stopped sync asks per record and finishes with the answer."""
    from nafta_log.cli import team as team_cli
    both_edit_the_same_summary(team)
    monkeypatch.setattr(team_cli, "is_interactive", lambda: True)
    result = invoke(["sync"], log=team.ben, input="t\n", **BEN)
    assert result.exit_code == 0, result.output
    out = lines(result.stdout)
    assert "  summary — yours: \"Ben's summary\" / theirs: \"Ana's summary\"" in out
    assert "Choose what to keep:" not in out
    assert "2017-12-14-dias-ross-cb43: keep (m)ine, (t)heirs, (e)dit a merge, or (s)top?: " in result.output
    assert out[-2:] == ["Merged 1 commit from origin/main", "Pushed to origin/main; check passed"]
    assert summary_of(team.ben, MEETING) == "Ana's summary"


def test_topics_merge_three_ways_by_topic_id() -> None:
    """A topic removed on one side stays removed, edits and additions on either side are kept, a clash keeps yours."""
    from nafta_log.gitsync import merge_topics

    def toml(**topics: str) -> str:
        return "".join(f'[topics.{tid}]\nname = "{name}"\n\n' for tid, name in topics.items())

    base = toml(autos="Autos", dairy="Dairy", steel="Steel")
    mine = toml(dairy="Dairy", steel="Steel (mine)", trade="Trade")
    theirs = toml(autos="Autos", dairy="Dairy products", steel="Steel (theirs)", wood="Softwood lumber")
    merged = merge_topics(base, mine, theirs)
    assert merged is not None
    text, notes = merged
    assert text == ('[topics.dairy]\nname = "Dairy products"\n\n[topics.steel]\nname = "Steel (mine)"\n\n'
                    '[topics.trade]\nname = "Trade"\n\n[topics.wood]\nname = "Softwood lumber"\n')
    assert notes == ["topic steel was changed on both sides; kept yours"]
    assert merge_topics(base, "[topics.x\n", theirs) is None
