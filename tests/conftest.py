"""Shared fixtures: a fresh copy of the sample log, and a runner that invokes the CLI like a user."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "data"
TODAY = "2017-12-12"  # a Tuesday, the week of the inter-session talks


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A private copy of the sample log that a test may change."""
    dest = tmp_path / "log"
    shutil.copytree(SAMPLE, dest, ignore=shutil.ignore_patterns(".nafta-log"))
    return dest


@pytest.fixture
def empty_log(tmp_path: Path) -> Path:
    """A new empty log made by `nafta-log init`."""
    dest = tmp_path / "empty"
    result = invoke(["init", str(dest)])
    assert result.exit_code == 0, result.output
    return dest


def invoke(args: list[str], log: Path | None = None, input: str | None = None, **env: str) -> Any:
    """Run the CLI in-process with a fixed today; `log` is passed as --log after the arguments."""
    from nafta_log.cli import build_app
    full = list(args) + (["--log", str(log)] if log is not None else [])
    environ = {"NAFTA_LOG_TODAY": TODAY, "NO_COLOR": "1", "NAFTA_LOG": "", "COLUMNS": "", **env}
    return CliRunner().invoke(build_app(), full, input=input, env=environ, catch_exceptions=False)


@pytest.fixture
def git_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A private HOME and a fixed git identity, so the user's own git configuration never leaks in."""
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "Ana Tester",
           "GIT_AUTHOR_EMAIL": "ana@example.org", "GIT_COMMITTER_NAME": "Ana Tester",
           "GIT_COMMITTER_EMAIL": "ana@example.org", "GIT_CONFIG_GLOBAL": str(home / ".gitconfig")}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    (home / ".gitconfig").write_text("[init]\n\tdefaultBranch = main\n")
    return env


@pytest.fixture
def cli() -> Any:
    """The `invoke` helper, as a fixture."""
    return invoke


def lines(text: str) -> list[str]:
    """Non-empty lines of output, right-stripped."""
    return [ln.rstrip() for ln in text.splitlines() if ln.strip()]


def cells(line: str) -> list[str]:
    """The cells of one plain table row (columns are separated by at least two spaces)."""
    import re
    return re.split(r"\s{2,}", line.strip())
