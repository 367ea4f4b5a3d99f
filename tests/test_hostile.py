"""Hostile and broken input: files, command lines, displayed fields and dates that must never fool nafta-log."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from nafta_log.dates import parse_date
from nafta_log.errors import DateError

from conftest import REPO, cells, invoke, lines

BASE = b'title = "T"\ndate = 2017-12-01\nparticipants = ["jerry-dias"]\n'
BAD = "meetings/2017/2017-12-01-x-0000.toml"


@pytest.mark.parametrize("content, problem", [
    (BASE + b'<<<<<<< HEAD\nsummary = "a"\n=======\nsummary = "b"\n>>>>>>> theirs\n',
     "4:1: unresolved merge conflict (git conflict markers on lines 4, 6, 8); keep one version and delete the markers"),
    (b"\xef\xbb\xbf" + BASE, "1:1: the file starts with a byte order mark (BOM), which TOML readers refuse; save it "
                             "as UTF-8 without BOM"),
    (BASE + b'summary = "caf\xe9"\n', "4:15: not valid UTF-8 (byte 0xe9); save the file as UTF-8"),
    (BASE + b'summary = "a\x00b"\n', "4:13: TOML syntax: illegal character '\\x00'"),
    (BASE + b'summary = "a\x1b[2Jb"\n', "4:13: TOML syntax: illegal character '\\x1b'"),
    (BASE + b'title = "Again"\n', "4:1: TOML syntax: key 'title' is set twice"),
    (b'title = 5\ndate = 2017-12-01\nparticipants = ["jerry-dias"]\n',
     "1:1: 'title' must be text in quotes, not a number"),
    (BASE + b'summary = "' + b"x" * 1_000_001 + b'"\n',
     "1: file is 1,000,074 bytes; records are limited to 1,000,000 bytes"),
    (BASE + b"x = " + b"[" * 10_000 + b"]" * 10_000 + b"\n",
     "4: nested more than 20 levels deep (arrays or tables inside each other)"),
    (BASE + b"[" + b".".join([b"t"] * 30) + b"]\nx = 1\n",
     "4: nested more than 20 levels deep (arrays or tables inside each other)"),
    (b'title = "T"\ndate = 2017-12-01T10:00:00-05:00\nparticipants = ["jerry-dias"]\n',
     "2:1: 'date' must be a date without a time of day; put the time in 'time'"),
    (BASE + b"end = 2017-12-02T10:00:00\n", "4:1: 'end' must be a date known to the day, e.g. end = 2017-12-15"),
    (BASE + b"time = 2017-12-01T10:00:00Z\n", "4:1: 'time' must be a time of day, e.g. time = 10:00:00"),
    (b"", "1: empty file"),
], ids=["conflict", "bom", "invalid-utf8", "nul", "control", "duplicate-key", "wrong-type", "huge", "deep-arrays",
        "deep-tables", "offset-datetime", "naive-datetime-end", "offset-time", "empty"])
def test_a_hostile_file_is_named_by_check_and_skipped_by_queries(sample: Path, content: bytes, problem: str) -> None:
    """check names the file with its line; queries skip it with exactly one warning line; no traceback."""
    (sample / BAD).write_bytes(content)
    r = invoke(["check"], log=sample)
    assert (r.exit_code, r.stdout) == (1, f"{BAD}:{problem}\n")
    q = invoke(["meetings", "--person", "Dias"], log=sample)
    assert q.exit_code == 0 and len(lines(q.stdout)) == 2 + 4
    assert q.stderr == f"warning: {BAD}:{problem} (skipped; run `nafta-log check` for details)\n"


@pytest.mark.parametrize("title", ["--help", "-x", "--", "-"])
def test_titles_that_look_like_options_are_titles(sample: Path, title: str) -> None:
    """`--title=--help` and `--title -x` store the text literally."""
    r = invoke(["add", "meeting", f"--title={title}", "--date", "2017-12-01", "--with", "Dias"], log=sample)
    assert r.exit_code == 0, r.output
    shown = invoke(["meetings", "--from", "2017-12-01", "--to", "2017-12-01", "--format", "json"], log=sample)
    assert json.loads(shown.stdout)[0]["title"] == title


def test_an_option_after_a_double_dash_is_a_usage_error(sample: Path) -> None:
    """`--title -- -x` takes "--" as the title and refuses the stray -x: exit 2, nothing written."""
    before = sorted(sample.rglob("*.toml"))
    r = invoke(["add", "meeting", "--date", "2017-12-01", "--with", "Dias", "--title", "--", "-x"], log=sample)
    assert r.exit_code == 2 and "No such option: -x" in r.stderr
    assert sorted(sample.rglob("*.toml")) == before


@pytest.mark.parametrize("flag, message", [
    ("--title", "the title is empty"), ("--location", "the location is empty"), ("--summary", "the summary is empty"),
    ("--with", "empty stakeholder name"), ("--topic", "empty topic name"),
    ("--source-publisher", "--source-publisher is empty"), ("--date", "--date: empty date"),
])
def test_whitespace_only_values_are_refused(sample: Path, flag: str, message: str) -> None:
    """A value of only spaces, tabs and newlines is an error, never silently dropped or stored."""
    before = sorted(sample.rglob("*.toml"))
    args = {"--title": "T", "--date": "2017-12-01", "--with": "Dias"}
    args[flag] = " \t\n "
    r = invoke(["add", "meeting", *[x for kv in args.items() for x in kv]], log=sample)
    assert r.exit_code in (1, 2) and r.stderr.startswith(f"Error: {message}"), r.stderr
    assert sorted(sample.rglob("*.toml")) == before


def test_undecodable_bytes_in_arguments_are_refused(sample: Path) -> None:
    """A title holding bytes that are not UTF-8 (a real process, surrogate-escaped by Python) is exit 2."""
    env = {**os.environ, "NAFTA_LOG_TODAY": "2017-12-12"}
    before = sorted(sample.rglob("*.toml"))
    proc = subprocess.run([sys.executable, "-m", "nafta_log", "add", "meeting", "--title", b"caf\xe9",
                           "--date", "today", "--with", "Dias", "--log", str(sample)], cwd=REPO, env=env,
                          capture_output=True)
    assert proc.returncode == 2
    assert proc.stderr == (b"Error: argument 4 (caf\\udce9) holds bytes that are not valid UTF-8; nothing was done\n")
    assert sorted(sample.rglob("*.toml")) == before


def test_a_one_megabyte_title_is_refused(sample: Path) -> None:
    """Above the documented 500-character limit: refused without echoing the title."""
    r = invoke(["add", "meeting", "--title", "x" * 1_000_000, "--date", "today", "--with", "Dias"], log=sample)
    assert (r.exit_code, r.stderr.splitlines()[0]) == (2, "Error: the title is 1,000,000 characters long; the limit "
                                                          "is 500")


@pytest.mark.parametrize("first, second", [("Zoë Smith", "Zoe\u0308 Smith"), ("Zoë Smith", "ZOË SMITH"),
                                           ("Ann Lee", "ann  lee")])
def test_names_that_differ_only_by_case_or_normalisation_are_duplicates(sample: Path, first: str,
                                                                        second: str) -> None:
    """The same id from another spelling is refused as a duplicate; one file exists."""
    assert invoke(["add", "person", first], log=sample).exit_code == 0
    r = invoke(["add", "person", second], log=sample)
    assert r.exit_code == 1 and "already exists" in r.stderr
    slug = first.lower().replace("ë", "e").replace(" ", "-")
    assert [p.name for p in (sample / "stakeholders").glob(f"{slug}*")] == [f"{slug}.toml"]


EVIL = "[bold]B[/bold] \x1b[31mred\x1b]0;pwned\x07 cr\rbs\x08 bidi\u202eX nl\nend"
SHOWN = "[bold]B[/bold] \\x1b[31mred\\x1b]0;pwned\\x07 cr\\rbs\\x08 bidi\\u202eX nl\\nend"


def test_escape_sequences_in_fields_are_shown_never_interpreted(sample: Path) -> None:
    """Markup, ANSI and OSC sequences, CR, BS, bidi overrides and newlines print as visible escapes everywhere."""
    (sample / "meetings" / "2017" / "2017-12-01-evil-0000.toml").write_text(
        f"title = {json.dumps(EVIL)}\ndate = 2017-12-01\nparticipants = [\"jerry-dias\"]\n"
        f"location = {json.dumps(EVIL)}\n", encoding="utf-8")
    (sample / "meetings" / "2017" / "2017-12-02-evil-0001.toml").write_text(
        f"title = \"x\"\ndate = 2017-12-02\nparticipants = [\"jerry-dias\"]\nstatus = {json.dumps(EVIL)}\n")
    query = ["meetings", "--from", "2017-12-01", "--to", "2017-12-01"]
    table = invoke(query, log=sample)
    assert cells(lines(table.stdout)[2]) == ["2017-12-01", SHOWN, "Jerry Dias", SHOWN, "held"]
    assert table.stderr == (f"warning: meetings/2017/2017-12-02-evil-0001.toml:4:1: 'status' must be one of "
                            f"scheduled, held, cancelled; not '{SHOWN}' (skipped; run `nafta-log check` for details)\n")
    shown = invoke(["show", "2017-12-01-evil"], log=sample).stdout
    assert f"title     {SHOWN}\n" in shown
    rows = list(csv.DictReader(io.StringIO(invoke([*query, "--format", "csv"], log=sample).stdout)))
    assert rows[0]["title"] == SHOWN.replace("\\n", "\n")  # a newline stays inside its quoted CSV field
    data = invoke([*query, "--format", "json"], log=sample).stdout
    assert json.loads(data)[0]["title"] == EVIL
    assert "\\u001b[31mred\\u001b]0;pwned\\u0007 cr\\rbs\\b bidi\\u202eX nl\\nend" in data
    error = invoke(["meetings", "--person", EVIL], log=sample).stderr.splitlines()[-1]
    assert error.startswith(f"Error: no stakeholder matches '{SHOWN}'")
    everything = table.stdout + table.stderr + shown + data + error
    assert not any(c in everything for c in "\x1b\x07\x08\r\u202e")


@pytest.mark.parametrize("typed", ["Today is 2017-12-14 maybe", "10", "99999999999999999999", "2024-02-30",
                                   "99999-01-01", "2017-12-14T10:00", "999999 days ago", "\u0663 days ago",
                                   "14 Dec", "Dec 14 2017 EST", "0000-01-01"])
def test_dates_that_fool_dateutil_are_refused(typed: str) -> None:
    """Fuzzy text, a bare day, overflowing numbers, impossible days, non-ASCII digits: a DateError, never a guess."""
    with pytest.raises(DateError):
        parse_date(typed, dt.date(2017, 12, 12))


@pytest.mark.parametrize("args, message", [
    (["--date", "10"], "Error: --date: cannot understand the date '10'"),
    (["--date", "2024-02-30"], "Error: --date: '2024-02-30' is not a usable date: 2024-02-30 is not a real date: "
                               "February 2024 has 29 days"),
    (["--date", "999999 days ago"], "Error: --date: '999999 days ago' is not a usable date"),
    (["--time", "24:00"], "Error: --time: '24:00' is not a time of day"),
    (["--time", "10:00", "--timezone", "EST"], "Error: --timezone: 'EST' is not an IANA timezone name"),
])
def test_bad_dates_on_the_command_line_are_clear_errors(sample: Path, args: list[str], message: str) -> None:
    """Each confusing date, time or zone is a usage error naming the flag."""
    full = ["add", "meeting", "--title", "T", "--date", "2017-12-01", "--with", "Dias", *args]
    r = invoke(full, log=sample)
    assert r.exit_code == 2 and r.stderr.startswith(message), r.stderr


def test_internal_errors_in_edit_hide_record_contents(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An unexpected failure while editing is one line without the record; --debug shows the traceback."""
    def boom(*args: object) -> str:
        """Fail as a bug would, with record contents in the exception."""
        raise KeyError("Dias and Ross talk auto rules of origin")
    monkeypatch.setattr("nafta_log.tomledit.dumps", boom)
    before = (sample / "meetings" / "2017" / "2017-12-14-dias-ross-cb43.toml").read_bytes()
    r = invoke(["edit", "2017-12-14", "--status", "held"], log=sample)
    assert (r.exit_code, r.stderr) == (1, "Error: internal error (KeyError); nothing was written. Run again with "
                                          "--debug to see the traceback, and please report it\n")
    with pytest.raises(KeyError):
        invoke(["--debug", "edit", "2017-12-14", "--status", "held"], log=sample)
    assert (sample / "meetings" / "2017" / "2017-12-14-dias-ross-cb43.toml").read_bytes() == before


@pytest.mark.parametrize("name, file", [("../../etc/passwd", "etc-passwd"), ("/etc/passwd", "etc-passwd"),
                                        ("NUL", "nul-x"), ("Zoë\u0000 Ångström", "zoe-angstrom"),
                                        ("a" * 300, "a" * 48)])
def test_renaming_to_a_name_that_would_make_a_path_stays_inside_the_log(sample: Path, name: str, file: str) -> None:
    """The renamed record's file is in stakeholders/ with a bounded, safe name, and the log still checks."""
    r = invoke(["rename", "person", "Dias", name], log=sample)
    assert r.exit_code == 0, r.output
    assert (sample / "stakeholders" / f"{file}.toml").is_file()
    assert not (sample / "stakeholders" / "jerry-dias.toml").exists()
    assert invoke(["check"], log=sample).stdout == ""
