"""Adding records, checking the log, making logs, and finding them: files on disk and what the user sees."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, SAMPLE, cells, invoke, lines


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()
            and ".nafta-log" not in p.parts}


ADD = ["add", "meeting", "--title", "Dias and Lighthizer on dairy and autos", "--date", "thursday", "--with", "dias",
       "--with", "Lighthizer", "--topic", "autos", "--location", "Washington, D.C.", "--summary", "Second channel.",
       "--source-publisher", "Globe and Mail", "--source-title", "A report", "--source-date", "Dec 2017"]


def test_added_meeting_is_found_by_person_topic_and_date_and_check_passes(sample: Path) -> None:
    """A meeting added with flags lands in meetings/<year>/, and every query finds it."""
    result = invoke(ADD, log=sample)
    assert result.exit_code == 0, result.output
    out = lines(result.stdout)
    assert out[0].startswith("Added meeting 2017-12-14-dias-lighthizer-")
    mid = out[0].split()[-1]
    path = sample / "meetings" / "2017" / f"{mid}.toml"
    assert out[1].strip() == str(path)
    assert path.read_text().startswith('title = "Dias and Lighthizer on dairy and autos"\ndate = 2017-12-14\n'
                                       'status = "held"\nparticipants = ["jerry-dias", "robert-lighthizer"]\n'
                                       'topics = ["auto-sector"]\n')
    for args in (["--person", "Lighthizer"], ["--topic", "auto-sector", "--person", "Dias", "--from", "2017-12-14"],
                 ["--from", "2017-12-14", "--to", "2017-12-14"]):
        found = json.loads(invoke(["meetings", *args, "--format", "json"], log=sample).stdout)
        assert mid in [m["id"] for m in found], args
    shown = json.loads(invoke(["show", mid, "--format", "json"], log=sample).stdout)
    assert shown["sources"] == [{"publisher": "Globe and Mail", "title": "A report", "published": "2017-12",
                                 "url": None, "note": None}]
    check = invoke(["check"], log=sample)
    assert (check.exit_code, check.stdout) == (0, "")


def test_dry_run_prints_the_record_and_writes_nothing(sample: Path) -> None:
    """--dry-run shows the TOML that would be written."""
    before = _files(sample)
    result = invoke([*ADD, "--dry-run"], log=sample)
    assert result.exit_code == 0
    assert result.stdout.startswith('title = "Dias and Lighthizer on dairy and autos"\n')
    assert "not written" in result.stderr
    assert _files(sample) == before


@pytest.mark.parametrize("change, code, message", [
    (["--with", "Diaz"], 1, "Error: no stakeholder matches 'Diaz'; did you mean 'Jerry Dias'?"),
    (["--topic", "dairy"], 1, "Error: no topic matches 'dairy'"),
    (["--date", "2017-02-30"], 2, "Error: --date: '2017-02-30' is not a usable date: 2017-02-30 is not a real date"),
    (["--date", "someday"], 2, "Error: --date: cannot understand the date 'someday'"),
    (["--date", "12/11/2017"], 2, "Error: --date: '12/11/2017' is ambiguous (day/month or month/day?)"),
    (["--title", "   "], 2, "Error: the title is empty"),
    (["--title", "x" * 501], 2, "Error: the title is 501 characters long; the limit is 500"),
    (["--status", "done"], 2, "Error: status must be one of scheduled, held, cancelled, not 'done'"),
    (["--end", "2017-12-01"], 2, "Error: the end 2017-12-01 is before the start 2017-12-14"),
    (["--time", "24:00"], 2, "Error: --time: '24:00' is not a time of day"),
    (["--time", "10:00", "--timezone", "EST"], 2, "Error: --timezone: 'EST' is not an IANA timezone name"),
])
def test_bad_input_is_refused_and_nothing_is_written(sample: Path, change: list[str], code: int, message: str) -> None:
    """Each bad value: one clear line on stderr, the right exit code, no file touched."""
    before = _files(sample)
    args = ["add", "meeting", "--title", "T", "--date", "thursday", "--with", "Dias", "--topic", "autos", *change]
    result = invoke(args, log=sample)
    assert result.exit_code == code, result.output
    assert result.stderr.startswith(message), result.stderr
    assert "Traceback" not in result.output
    assert _files(sample) == before


def test_missing_required_fields_without_a_terminal_is_a_usage_error(sample: Path) -> None:
    """With no terminal to ask on, a missing --title is exit 2, nothing written."""
    before = _files(sample)
    result = invoke(["add", "meeting", "--date", "today", "--with", "Dias"], log=sample)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: missing --title (there is no terminal to ask on)")
    result = invoke(["add", "meeting", "--title", "T", "--date", "today"], log=sample)
    assert result.exit_code == 2 and "missing --with NAME" in result.stderr
    assert _files(sample) == before


def test_missing_fields_are_asked_for_on_a_terminal(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a terminal the title, date and participants are prompted for."""
    monkeypatch.setattr("nafta_log.cli.add.is_interactive", lambda: True)
    result = invoke(["add", "meeting"], log=sample, input="Phone call\nyesterday\nDias, Ross\n")
    assert result.exit_code == 0, result.output
    mid = lines(result.stdout)[-2].split()[-1]
    assert mid.startswith("2017-12-11-dias-ross-")
    shown = json.loads(invoke(["show", mid, "--format", "json"], log=sample).stdout)
    assert (shown["title"], shown["date"], [p["id"] for p in shown["participants"]]) == (
        "Phone call", "2017-12-11", ["jerry-dias", "wilbur-ross"])


def test_markup_and_escape_codes_in_a_title_print_literally(sample: Path) -> None:
    """Rich markup, ANSI escapes and bidi overrides in a record are shown as text, never interpreted."""
    title = "[bold red]Boom[/] \x1b[31mred\x1b[0m \u202eevil"
    result = invoke(["add", "meeting", "--title", title, "--date", "2017-12-01", "--with", "Dias"], log=sample)
    assert result.exit_code == 0, result.output
    out = invoke(["meetings", "--from", "2017-12-01", "--to", "2017-12-01"], log=sample).stdout
    row = lines(out)[2]
    assert cells(row)[1] == "[bold red]Boom[/] \\x1b[31mred\\x1b[0m \\u202eevil"
    assert "\x1b" not in out and "\u202e" not in out
    data = invoke(["meetings", "--from", "2017-12-01", "--to", "2017-12-01", "--format", "json"], log=sample).stdout
    assert "\x1b" not in data and "\u202e" not in data
    assert json.loads(data)[0]["title"] == title


def test_a_malformed_file_is_named_by_check_and_queries_still_run(sample: Path) -> None:
    """check prints path:line:col; queries skip the file with one warning line."""
    bad = sample / "meetings" / "2017" / "2017-12-01-broken-0000.toml"
    bad.write_text('title = "Broken"\ndate = 2017-12-01\nparticipants = ["jerry-dias"\n')
    result = invoke(["check"], log=sample)
    assert result.exit_code == 1
    assert result.stdout == "meetings/2017/2017-12-01-broken-0000.toml:3: TOML syntax: unclosed array\n"
    result = invoke(["meetings", "--person", "Dias"], log=sample)
    assert result.exit_code == 0
    assert len(lines(result.stdout)) == 6
    assert result.stderr == ("warning: meetings/2017/2017-12-01-broken-0000.toml:3: TOML syntax: unclosed array "
                             "(skipped; run `nafta-log check` for details)\n")


def test_check_reports_every_kind_of_problem_in_one_run(sample: Path) -> None:
    """Unknown ids, a wrong type, end before start, a time on a month-only date, all at once, sorted."""
    (sample / "meetings" / "2017" / "2017-12-02-a-0001.toml").write_text(
        'title = "A"\ndate = 2017-12-02\nend = 2017-12-01\nstatus = "held"\nparticipants = ["nobody"]\n'
        'topics = ["dairy"]\n')
    (sample / "meetings" / "2017" / "2017-12-b-0002.toml").write_text(
        'title = "B"\ndate = "2017-12"\ntime = 10:00:00\nparticipants = ["jerry-dias"]\n')
    (sample / "meetings" / "2017" / "2017-12-c-0003.toml").write_text(
        'title = 5\ndate = "2017-13"\nparticipants = []\n')
    (sample / "stakeholders" / "x.toml").write_text('kind = "robot"\nname = "X"\n')
    result = invoke(["check"], log=sample)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "meetings/2017/2017-12-02-a-0001.toml:3:1: end 2017-12-01 is before the start 2017-12-02",
        "meetings/2017/2017-12-02-a-0001.toml:5:1: unknown stakeholder id 'nobody' in participants",
        "meetings/2017/2017-12-02-a-0001.toml:6:1: unknown topic id 'dairy' (add it with `nafta-log add topic`)",
        "meetings/2017/2017-12-b-0002.toml:3:1: 'time' needs a date known to the day, not '2017-12'",
        "meetings/2017/2017-12-c-0003.toml:1:1: 'title' must be text in quotes, not a number",
        "meetings/2017/2017-12-c-0003.toml:2:1: 'date': month 13 is not between 1 and 12",
        "meetings/2017/2017-12-c-0003.toml:3:1: 'participants' is empty: a meeting needs at least one participant",
        "stakeholders/x.toml:1:1: 'kind' must be \"person\" or \"organization\", not 'robot'",
    ]


def test_sample_log_passes_check() -> None:
    """The shipped sample log has no problems."""
    result = invoke(["check"], log=SAMPLE)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_add_person_organization_and_topic(sample: Path) -> None:
    """New stakeholders and topics are written, then usable by name."""
    r = invoke(["add", "organization", "Global Affairs Canada", "--alias", "GAC", "--country", "ca"], log=sample)
    assert r.exit_code == 0, r.output
    assert (sample / "stakeholders" / "global-affairs-canada.toml").read_text() == (
        'kind = "organization"\nname = "Global Affairs Canada"\naliases = ["GAC"]\ncountry = "CA"\n')
    r = invoke(["add", "person", "Chrystia Freeland", "--alias", "Freeland", "--country", "CA", "--role",
                "Minister of Foreign Affairs", "--org", "GAC", "--since", "2017-01"], log=sample)
    assert r.exit_code == 0, r.output
    assert (sample / "stakeholders" / "chrystia-freeland.toml").read_text().endswith(
        '[[roles]]\ntitle = "Minister of Foreign Affairs"\norganization = "global-affairs-canada"\nsince = "2017-01"\n')
    r = invoke(["add", "topic", "Dairy supply management", "--alias", "dairy"], log=sample)
    assert r.exit_code == 0, r.output
    assert '[topics.dairy-supply-management]\nname = "Dairy supply management"\naliases = ["dairy"]\n' in (
        sample / "topics.toml").read_text()
    r = invoke(["add", "meeting", "--title", "T", "--date", "today", "--with", "Freeland", "--topic", "dairy"], log=sample)
    assert r.exit_code == 0, r.output
    assert invoke(["check"], log=sample).exit_code == 0
    profile = lines(invoke(["person", "freeland"], log=sample).stdout)
    assert cells(profile[profile.index("Roles") + 3]) == ["Minister of Foreign Affairs", "Global Affairs Canada", "2017-01"]


def test_duplicates_and_bad_values_are_refused(sample: Path) -> None:
    """The same name twice, a bad country, an unknown organization: refused, nothing written."""
    before = _files(sample)
    for args, message in [
        (["add", "person", "jerry DIAS"], "Error: a stakeholder with id 'jerry-dias' already exists (Jerry Dias)"),
        (["add", "person", "Jérry Dias", "--id", "jd2"], "Error: 'Jerry Dias' is already in the log as 'jerry-dias'"),
        (["add", "person", "New Person", "--country", "Canada"], "Error: country 'CANADA' is not a two-letter"),
        (["add", "person", "New Person", "--org", "Nowhere Inc"], "Error: no stakeholder matches 'Nowhere Inc'"),
        (["add", "person", "New Person", "--org", "Dias"], "Error: 'Dias' is a person, not an organization"),
        (["add", "person", "New Person", "--id", "../../etc/passwd"], "Error: --id '../../etc/passwd' is not a valid id"),
        (["add", "topic", "autos"], "Error: topic 'Auto sector' (auto-sector) is already in the log"),
        (["add", "person", ""], "Error: the name is empty"),
    ]:
        r = invoke(args, log=sample)
        assert r.exit_code in (1, 2) and r.stderr.startswith(message), (args, r.stderr)
    assert _files(sample) == before


@pytest.mark.parametrize("name, file", [("../../etc/passwd", "etc-passwd"), ("/etc/passwd", "etc-passwd"),
                                        ("CON", "con-x"), ("Zoë\u0000 Ångström", "zoe-angstrom"),
                                        ("李克强", "x-"), ("a" * 300, "a" * 48)])
def test_names_that_would_make_paths_stay_inside_the_log(sample: Path, name: str, file: str) -> None:
    """Every record file is inside stakeholders/ with a bounded, safe name."""
    r = invoke(["add", "person", name], log=sample)
    assert r.exit_code == 0, r.output
    made = [p for p in (sample / "stakeholders").iterdir() if p.name.startswith(file)]
    assert len(made) == 1 and len(made[0].name) <= 60
    assert made[0].parent == sample / "stakeholders"


def test_init_makes_an_empty_log_and_a_sample_copy(tmp_path: Path) -> None:
    """init writes the marker and .gitignore; --sample copies the NAFTA log, which passes check."""
    r = invoke(["init", str(tmp_path / "new")])
    assert r.exit_code == 0 and r.stdout.startswith(f"Made a new log in {tmp_path / 'new'}")
    assert (tmp_path / "new" / "nafta-log.toml").read_text() == 'schema_version = 1\nname = "new"\n'
    assert (tmp_path / "new" / ".gitignore").read_text() == ".nafta-log/\n"
    assert json.loads(invoke(["meetings", "--format", "json"], log=tmp_path / "new").stdout) == []
    r = invoke(["init", str(tmp_path / "nafta"), "--sample"])
    assert r.exit_code == 0
    assert _files(tmp_path / "nafta") == _files(SAMPLE)
    r = invoke(["init", str(tmp_path / "nafta")])
    assert r.exit_code == 1 and "already holds a log" in r.stderr


def test_log_is_found_by_env_and_upward_discovery(sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """$NAFTA_LOG, then the nearest folder upward; else a message saying how to make one."""
    r = invoke(["meetings", "-p", "Dias", "--format", "json"], NAFTA_LOG=str(sample))
    assert len(json.loads(r.stdout)) == 4
    deep = sample / "meetings" / "2017"
    monkeypatch.chdir(deep)
    assert len(json.loads(invoke(["meetings", "-p", "Li", "--format", "json"]).stdout)) == 1
    monkeypatch.chdir(tmp_path)
    r = invoke(["meetings"])
    assert r.exit_code == 1
    assert r.stderr.startswith(f"Error: no log found in {tmp_path} or any folder above it; give one with --log DIR")
    r = invoke(["meetings", "--log", str(tmp_path / "nope")])
    assert r.exit_code == 1 and "no such folder" in r.stderr


def test_repo_root_finds_the_sample_log_in_data() -> None:
    """`python -m nafta_log meetings --person Dias` in the repo root uses data/ (a real process, piped)."""
    env = {**os.environ, "NAFTA_LOG_TODAY": "2017-12-12"}
    env.pop("NAFTA_LOG", None)
    proc = subprocess.run([sys.executable, "-m", "nafta_log", "meetings", "--person", "Dias"], cwd=REPO,
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "\x1b[" not in proc.stdout
    assert cells(lines(proc.stdout)[-1])[:2] == ["2017-12-14", "Dias and Ross talk auto rules of origin"]


def test_version_and_help() -> None:
    """--version prints the version; every command's --help has examples."""
    from nafta_log import __version__
    assert invoke(["--version"]).stdout == f"nafta-log {__version__}\n"
    for cmd in (["meetings"], ["show"], ["people"], ["person"], ["topics"], ["who"], ["check"], ["init"],
                ["add", "meeting"], ["add", "person"], ["add", "organization"], ["add", "topic"], ["sync"], ["history"],
                ["changes"], ["edit"], ["rename"], ["remove"], ["reindex"]):
        r = invoke([*cmd, "--help"])
        assert r.exit_code == 0 and "Example" in r.stdout and "nafta-log" in r.stdout, cmd


def test_unexpected_errors_print_one_line_without_a_traceback(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An internal bug is one short line and exit 1; --debug shows the traceback."""
    def boom(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("secret record contents")
    monkeypatch.setattr("nafta_log.iquery.select_meetings", boom)
    r = invoke(["meetings"], log=sample)
    assert r.exit_code == 1
    assert r.stderr == ("Error: internal error (ZeroDivisionError); nothing was written. Run again with --debug to "
                        "see the traceback, and please report it\n")
    with pytest.raises(ZeroDivisionError):
        invoke(["--debug", "meetings"], log=sample)


def test_check_finds_duplicate_meetings_but_not_numbered_series(sample: Path) -> None:
    """Same date, same participants, nearly the same title: a duplicate; "meeting 1 of 3" and "2 of 3" are not."""
    for title in ("Call with USTR", "Call with the USTR", "Call with Commerce"):
        assert invoke(["add", "meeting", "--title", title, "--date", "2017-12-15", "--with", "Dias"], log=sample).exit_code == 0
    result = invoke(["check"], log=sample)
    assert result.exit_code == 1
    files = sorted(p for p in (sample / "meetings" / "2017").glob("2017-12-15-*.toml"))
    titles = {p.read_text().splitlines()[0]: p.relative_to(sample).as_posix() for p in files}
    first, second = sorted([titles['title = "Call with USTR"'], titles['title = "Call with the USTR"']])
    assert lines(result.stdout) == [f"{second}:1:1: looks like a duplicate of {first} (same date, same participants, "
                                    "similar title); if it is, keep one, copy over what the other adds, and remove it"]
