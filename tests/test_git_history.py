"""`history` of one record and `changes --since DATE|REV`: what git remembers, in words, field by field."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import cells, invoke, lines

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs the git executable")

WEEK = {"GIT_AUTHOR_DATE": "2017-12-12T09:00:00+00:00", "GIT_COMMITTER_DATE": "2017-12-12T09:00:00+00:00"}
EARLIER = {"GIT_AUTHOR_DATE": "2017-12-01T09:00:00+00:00", "GIT_COMMITTER_DATE": "2017-12-01T09:00:00+00:00"}


def git(root: Path, *args: str, **env: str) -> str:
    """The output of a git command run in `root`, with extra environment variables."""
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True,
                          env={**os.environ, **env}).stdout


@pytest.fixture
def desk(tmp_path: Path, git_env: dict[str, str]) -> Path:
    """The sample log committed on 1 December; this week: a meeting and a person added, a meeting edited, a topic."""
    root = tmp_path / "desk"
    assert invoke(["init", str(root), "--sample", "--git"], **EARLIER).exit_code == 0
    added = invoke(["add", "meeting", "--title", "Dias and Lighthizer talk autos", "--date", "thursday", "--with",
                    "Dias", "--with", "Lighthizer", "--commit"], log=root, **WEEK)
    assert added.exit_code == 0
    assert invoke(["add", "person", "Chrystia Freeland", "--country", "CA", "--commit"], log=root, **WEEK).exit_code == 0
    assert invoke(["add", "topic", "Dairy", "--commit"], log=root, **WEEK).exit_code == 0
    meeting = root / "meetings/2017/2017-12-04-trudeau-li-0021.toml"
    meeting.write_text(meeting.read_text().replace('People, Beijing"', 'People, Beijing, China"'))
    git(root, "rm", "--quiet", "stakeholders/donald-trump.toml")
    git(root, "commit", "--quiet", "-am", "Fix the location; remove Trump", GIT_AUTHOR_NAME="Ben Writer", **WEEK)
    return root


def test_changes_since_a_date_lists_the_weeks_additions_edits_and_removals(desk: Path) -> None:
    """`changes --since "last monday"` is the weekly digest: one row per record, fields and authors."""
    result = invoke(["changes", "--since", "last monday"], log=desk)
    assert result.exit_code == 0, result.output
    rows = [cells(ln) for ln in lines(result.stdout)[2:]]
    assert rows[0][:2] == ["added", "meeting"] and rows[0][2].startswith("2017-12-14-dias-lighthizer-")
    assert rows[0][3:] == ["Dias and Lighthizer talk autos", "Ana Tester"]
    assert rows[1:] == [["added", "person", "chrystia-freeland", "Chrystia Freeland", "Ana Tester"],
                        ["added", "topic", "dairy", "Dairy", "Ana Tester"],
                        ["edited", "meeting", "2017-12-04-trudeau-li-0021", "Trudeau meets Premier Li Keqiang in Beijing",
                         "location", "Ben Writer"],
                        ["removed", "person", "donald-trump", "Donald Trump", "Ben Writer"]]


def test_changes_since_a_revision_as_json_and_csv(desk: Path) -> None:
    """A revision works as well as a date; JSON and CSV carry the same rows."""
    first = git(desk, "rev-list", "--max-parents=0", "HEAD").strip()
    data = json.loads(invoke(["changes", "--since", first, "--format", "json"], log=desk).stdout)
    assert [(d["change"], d["kind"], d["id"][:10]) for d in data] == [
        ("added", "meeting", "2017-12-14"), ("added", "person", "chrystia-f"), ("added", "topic", "dairy"),
        ("edited", "meeting", "2017-12-04"), ("removed", "person", "donald-tru")]
    assert data[3] == {"change": "edited", "kind": "meeting", "id": "2017-12-04-trudeau-li-0021",
                       "name": "Trudeau meets Premier Li Keqiang in Beijing", "fields": ["location"],
                       "authors": ["Ben Writer"], "path": "meetings/2017/2017-12-04-trudeau-li-0021.toml"}
    csv = invoke(["changes", "--since", "HEAD~1", "--format", "csv"], log=desk).stdout.splitlines()
    assert csv == ["change,kind,id,name,fields,authors,path",
                   "edited,meeting,2017-12-04-trudeau-li-0021,Trudeau meets Premier Li Keqiang in Beijing,location,"
                   "Ben Writer,meetings/2017/2017-12-04-trudeau-li-0021.toml",
                   "removed,person,donald-trump,Donald Trump,,Ben Writer,stakeholders/donald-trump.toml"]


def test_changes_since_before_the_first_commit_lists_everything_as_added(desk: Path) -> None:
    """A date before the log's first commit compares with nothing: every record is new."""
    data = json.loads(invoke(["changes", "--since", "2017-01-01", "--format", "json"], log=desk).stdout)
    assert {d["change"] for d in data} == {"added"}
    assert len([d for d in data if d["kind"] == "meeting"]) == 9


def test_changes_since_neither_a_date_nor_a_revision_is_a_usage_error(desk: Path) -> None:
    """A value that is neither: exit 2, naming both readings."""
    result = invoke(["changes", "--since", "the-big-day"], log=desk)
    assert result.exit_code == 2
    assert lines(result.stderr)[0].startswith("Error: --since: 'the-big-day' is neither a date (cannot understand")


def test_history_of_a_stakeholder_by_name_and_of_a_removed_one(desk: Path) -> None:
    """`history NAME` finds a stakeholder by name; a removed record is found by its id in git's history."""
    result = invoke(["history", "Freeland"], log=desk)
    assert result.exit_code == 0, result.output
    out = lines(result.stdout)
    assert cells(out[2])[:4] == ["2017-12-12 09:00", "Ana Tester", git(desk, "rev-parse", "--short=7", "HEAD~2")
                                 .strip(), "added"]
    assert [ln.strip() for ln in out[3:]] == ['kind: "person"', 'name: "Chrystia Freeland"', 'country: "CA"']
    gone = json.loads(invoke(["history", "donald-trump", "--format", "json"], log=desk).stdout)
    assert [(e["author"], e["action"]) for e in gone] == [("Ben Writer", "removed"), ("Ana Tester", "added")]


def test_history_outside_a_repository_says_so(sample: Path, git_env: dict[str, str]) -> None:
    """In a log that is not a git repository, history stops with one Error line."""
    result = invoke(["history", "Dias"], log=sample)
    assert result.exit_code == 1
    assert lines(result.stderr)[0].startswith(f"Error: the log at {sample} is not in a git repository")


def test_history_of_a_record_not_yet_committed_says_so(desk: Path) -> None:
    """A record added without --commit has no versions in git yet: one line says so."""
    assert invoke(["add", "person", "Mary Ng"], log=desk).exit_code == 0
    result = invoke(["history", "Mary Ng"], log=desk)
    assert (result.exit_code, result.stdout) == (0, "stakeholders/mary-ng.toml has no committed versions yet "
                                                    "(commit it with `nafta-log sync` or --commit)\n")


def test_history_follows_a_record_across_a_rename(desk: Path) -> None:
    """A record renamed with its file keeps its history; the rename shows as a change of id."""
    git(desk, "mv", "stakeholders/unifor.toml", "stakeholders/unifor-canada.toml")
    git(desk, "commit", "--quiet", "-m", "Rename unifor", **WEEK)
    entries = json.loads(invoke(["history", "unifor-canada", "--format", "json"], log=desk).stdout)
    assert [(e["action"], e["path"], e["changes"][:1]) for e in entries] == [
        ("renamed", "stakeholders/unifor-canada.toml", [{"field": "id", "old": "unifor", "new": "unifor-canada"}]),
        ("added", "stakeholders/unifor.toml", [{"field": "kind", "old": None, "new": "organization"}])]
