"""`init --git`, `--commit` and `auto_commit`: a log as a git repository, each change one commit in words."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import invoke, lines

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs the git executable")


def git(root: Path, *args: str) -> str:
    """The output of a git command run in `root`."""
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout


@pytest.fixture
def repo(tmp_path: Path, git_env: dict[str, str]) -> Path:
    """The sample log made by `nafta-log init --sample --git`."""
    root = tmp_path / "team"
    result = invoke(["init", str(root), "--sample", "--git"])
    assert result.exit_code == 0, result.output
    return root


def test_init_git_makes_a_repository_with_one_commit_and_nothing_pending(repo: Path) -> None:
    """The log is committed whole, the cache folder is ignored, TOML files keep LF endings."""
    assert git(repo, "log", "--format=%an|%s").splitlines() == [
        "Ana Tester|Start the log: NAFTA renegotiation, 2017 (sample log)"]
    assert (repo / ".gitignore").read_text() == ".nafta-log/\n"
    assert "*.toml text eol=lf\n" in (repo / ".gitattributes").read_text()
    assert "merge=union" not in git(repo, "check-attr", "-a", "meetings/2017/2017-12-14-dias-ross-cb43.toml")
    assert invoke(["meetings"], log=repo).exit_code == 0
    assert invoke(["add", "topic", "Dairy"], log=repo).exit_code == 0  # takes the lock in .nafta-log/
    assert git(repo, "status", "--porcelain") == " M topics.toml\n"
    tracked = git(repo, "ls-files").splitlines()
    assert "meetings/2017/2017-12-14-dias-ross-cb43.toml" in tracked
    assert not [p for p in tracked if p.startswith(".nafta-log")]


def test_init_git_without_sample_commits_the_empty_log(tmp_path: Path, git_env: dict[str, str]) -> None:
    """An empty log gets its repository and first commit too, named after the folder."""
    root = tmp_path / "desk"
    result = invoke(["init", str(root), "--git"])
    assert result.exit_code == 0, result.output
    assert lines(result.stdout)[1].startswith("  a git repository, first commit ")
    assert git(root, "log", "--format=%s").strip() == "Start the log: desk"
    assert sorted(git(root, "ls-files").split()) == [".gitattributes", ".gitignore", "nafta-log.toml"]


def test_add_with_commit_commits_only_that_record_with_a_message_in_words(repo: Path) -> None:
    """`add meeting --commit` makes one commit naming the meeting; other staged work stays staged."""
    (repo / "topics.toml").write_text((repo / "topics.toml").read_text() + "\n")
    git(repo, "add", "topics.toml")
    result = invoke(["add", "meeting", "--title", "Dias and Lighthizer talk autos", "--date", "thursday",
                     "--with", "Dias", "--with", "Lighthizer", "--commit"], log=repo)
    assert result.exit_code == 0, result.output
    out = lines(result.stdout)
    mid = out[0].split()[-1]
    sha = git(repo, "rev-parse", "--short=7", "HEAD").strip()
    assert out[2] == f"Committed {sha}: Add meeting {mid}: Dias and Lighthizer talk autos"
    assert git(repo, "show", "--name-only", "--format=%s", "HEAD").split("\n")[2] == f"meetings/2017/{mid}.toml"
    assert git(repo, "status", "--porcelain") == "M  topics.toml\n"


@pytest.mark.parametrize("args, message", [
    (["add", "person", "Chrystia Freeland", "--alias", "Freeland"], "Add person chrystia-freeland: Chrystia Freeland"),
    (["add", "organization", "Global Affairs Canada"], "Add organization global-affairs-canada: Global Affairs Canada"),
    (["add", "topic", "Dairy supply management"], "Add topic dairy-supply-management: Dairy supply management"),
])
def test_auto_commit_setting_commits_every_add(repo: Path, args: list[str], message: str) -> None:
    """With `[settings] auto_commit = true` each add is committed without --commit."""
    marker = repo / "nafta-log.toml"
    marker.write_text(marker.read_text() + "\n[settings]\nauto_commit = true\n")
    git(repo, "commit", "-qam", "Turn on auto_commit")
    result = invoke(args, log=repo)
    assert result.exit_code == 0, result.output
    assert git(repo, "log", "-1", "--format=%s").strip() == message
    assert git(repo, "status", "--porcelain") == ""


def test_add_without_commit_leaves_the_change_pending(repo: Path) -> None:
    """Without --commit or auto_commit nothing is committed."""
    assert invoke(["add", "topic", "Dairy"], log=repo).exit_code == 0
    assert len(git(repo, "log", "--format=%s").splitlines()) == 1


def test_commit_outside_a_repository_fails_before_writing(sample: Path, git_env: dict[str, str]) -> None:
    """`--commit` on a log that is not a repository: one Error line, exit 1, nothing written."""
    before = sorted(p.name for p in sample.rglob("*.toml"))
    result = invoke(["add", "person", "Chrystia Freeland", "--commit"], log=sample)
    assert result.exit_code == 1
    assert lines(result.stderr) == [f"Error: the log at {sample} is not in a git repository; make it one with "
                                    "`git init` in it (or start a new log with `nafta-log init DIR --git`), or "
                                    "clone the team's log with `git clone URL`"]
    assert sorted(p.name for p in sample.rglob("*.toml")) == before
    assert invoke(["add", "person", "Chrystia Freeland"], log=sample).exit_code == 0


def test_without_git_the_git_options_say_so_and_the_rest_works(tmp_path: Path, git_env: dict[str, str]) -> None:
    """With no git on PATH: init --git refuses before making anything; plain commands still work."""
    nowhere = tmp_path / "no-git"
    nowhere.mkdir()
    root = tmp_path / "log"
    result = invoke(["init", str(root), "--sample", "--git"], PATH=str(nowhere))
    assert result.exit_code == 1
    assert lines(result.stderr) == ["Error: git is not installed (or not on PATH); install it (e.g. `apt install "
                                    "git`) to use the git commands; every other nafta-log command works without it"]
    assert not root.exists()
    assert invoke(["init", str(root), "--sample"], PATH=str(nowhere)).exit_code == 0
    assert invoke(["meetings", "--person", "Dias"], log=root, PATH=str(nowhere)).exit_code == 0
    failed = invoke(["add", "topic", "Dairy", "--commit"], log=root, PATH=str(nowhere))
    assert failed.exit_code == 1 and lines(failed.stderr)[0].startswith("Error: git is not installed")
    assert "dairy" not in (root / "topics.toml").read_text()
    for args in (["sync"], ["history", "Dias"], ["changes", "--since", "last monday"]):
        result = invoke(args, log=root, PATH=str(nowhere))
        assert result.exit_code == 1, args
        assert lines(result.stderr) == ["Error: git is not installed (or not on PATH); install it (e.g. `apt install "
                                        "git`) to use the git commands; every other nafta-log command works without "
                                        "it"], args


def test_a_commit_without_a_git_identity_says_how_to_set_one(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When git does not know the user's name, nothing is written and the error says how to fix it."""
    for key in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(key)
    git(repo, "config", "user.useConfigOnly", "true")
    result = invoke(["add", "topic", "Dairy", "--commit"], log=repo)
    assert result.exit_code == 1
    assert lines(result.stderr) == ["Error: git does not know your name and email, which every commit records; set "
                                    "them with `git config --global user.name \"Your Name\"` and `git config --global "
                                    "user.email you@example.org`"]
    assert git(repo, "status", "--porcelain") == ""


def test_a_hostile_title_reaches_the_commit_message_as_visible_escapes(repo: Path) -> None:
    """Escape and bidi characters in a title are written as escapes in the one-line commit message."""
    result = invoke(["add", "meeting", "--title", "Evil \x1b[31mred\u202e\nnext line", "--date", "2017-12-15",
                     "--with", "Dias", "--commit"], log=repo)
    assert result.exit_code == 0, result.output
    assert git(repo, "log", "-1", "--format=%B").endswith(": Evil \\x1b[31mred\\u202e next line\n\n")


def test_commit_change_records_a_rename_and_a_removal_as_edit_rename_remove_will(repo: Path) -> None:
    """The one call after a write commits a renamed file (both names) and a removed one, nothing else."""
    from nafta_log import gitlog
    (repo / "stakeholders" / "unifor.toml").rename(repo / "stakeholders" / "unifor-canada.toml")
    (repo / "topics.toml").write_text((repo / "topics.toml").read_text() + "\n")
    done = gitlog.commit_change(repo, [repo / "stakeholders/unifor.toml", repo / "stakeholders/unifor-canada.toml"],
                                gitlog.describe_change("rename", "organization", "unifor-canada", "was unifor"),
                                requested=True)
    assert done is not None and done.message == "Rename organization unifor-canada: was unifor"
    assert git(repo, "show", "--name-status", "-M", "--format=%s", "HEAD").splitlines()[2:] == [
        "R100\tstakeholders/unifor.toml\tstakeholders/unifor-canada.toml"]
    (repo / "stakeholders" / "li-keqiang.toml").unlink()
    removed = gitlog.commit_change(repo, ["stakeholders/li-keqiang.toml"],
                                   gitlog.describe_change("remove", "person", "li-keqiang", "Li Keqiang"), requested=True)
    assert removed is not None
    assert git(repo, "show", "--name-status", "--format=%s", "HEAD").splitlines() == [
        "Remove person li-keqiang: Li Keqiang", "", "D\tstakeholders/li-keqiang.toml"]
    assert git(repo, "status", "--porcelain") == " M topics.toml\n"
    assert gitlog.commit_change(repo, ["stakeholders/jerry-dias.toml"], "Nothing", requested=False) is None


def test_check_reports_an_auto_commit_that_is_not_true_or_false(repo: Path) -> None:
    """`auto_commit = "yes"` commits nothing, and check says why."""
    marker = repo / "nafta-log.toml"
    marker.write_text(marker.read_text() + '\n[settings]\nauto_commit = "yes"\n')
    assert invoke(["add", "topic", "Dairy"], log=repo).exit_code == 0
    assert len(git(repo, "log", "--format=%s").splitlines()) == 1
    result = invoke(["check"], log=repo)
    assert (result.exit_code, lines(result.stdout)) == (1, [
        "nafta-log.toml:5:1: [settings] auto_commit must be true or false (without quotes), not 'yes'"])


def test_edit_rename_remove_merge_and_imports_commit_what_they_changed(repo: Path, tmp_path: Path) -> None:
    """Every command that changes the log takes --commit: one commit each, naming the change, nothing left over."""
    def last() -> str:
        return git(repo, "log", "-1", "--format=%s").strip()

    def committed(*args: str) -> None:
        result = invoke([*args, "--commit"], log=repo)
        assert result.exit_code == 0, result.output
        assert lines(result.stdout)[-1].startswith("Committed "), result.stdout
        assert git(repo, "status", "--porcelain") == "", args

    committed("edit", "2017-12-14-dias", "--status", "held")
    assert last() == "Edit meeting 2017-12-14-dias-ross-cb43"
    committed("rename", "person", "Jerry Dias", "Jerome Dias", "--keep-old-name")
    assert last().startswith("Rename person") and "jerome-dias" in git(repo, "show", "--stat", "HEAD")
    committed("add", "organization", "Confederation of Canadian Unions", "--alias", "CCU")
    committed("merge", "unifor", "Confederation of Canadian Unions")
    assert last() == "Merge confederation-of-canadian-unions into unifor"
    committed("remove", "2017-12-04-trudeau", "--yes")
    assert last().startswith("Remove meeting 2017-12-04-trudeau-li-0021")
    csv_file = tmp_path / "calls.csv"
    csv_file.write_text("When,Who,About\n2017-12-20,Wilbur Ross,Call on autos\n")
    committed("import", "csv", str(csv_file), "--map", "When=date", "--map", "Who=person", "--map", "About=title")
    assert last() == "Import 1 meetings from calls.csv"
    exported = tmp_path / "log.json"
    exported.write_text(invoke(["export", "--format", "json"], log=repo).stdout)
    other = tmp_path / "other"
    assert invoke(["init", str(other), "--git"]).exit_code == 0
    result = invoke(["import", "json", str(exported), "--commit"], log=other)
    assert result.exit_code == 0, result.output
    assert git(other, "status", "--porcelain") == ""
    assert git(other, "log", "-1", "--format=%s").strip().startswith("Import ")
