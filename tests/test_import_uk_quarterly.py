"""`nafta-log import csv --preset uk-quarterly`: the raw GOV.UK quarterly files, with their blanks, notes and encodings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import REPO, invoke, lines

DATA = REPO / "tests" / "data"
RAW = REPO.parent / "shared" / "realdata" / "uk-cabinet-office-raw"


def _run(log: Path, name: str, *extra: str) -> object:
    """Import a file of tests/data with the uk-quarterly preset."""
    return invoke(["import", "csv", str(DATA / name), "--preset", "uk-quarterly", *extra], log=log)


def _files(root: Path) -> dict[str, bytes]:
    """Every record file of the log and its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*.toml")}


def test_month_without_a_year_is_refused_without_quarter(empty_log: Path) -> None:
    """'January' alone cannot be dated: exit 2 with a message naming the line and the fix; nothing written."""
    before = _files(empty_log)
    result = _run(empty_log, "pmmeetingsjanmar.csv")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        "Error: line 2: the date 'January' has no year, and --preset uk-quarterly cannot know it; give the quarter "
        "the file covers, e.g. --quarter 2013Q2; nothing was imported")
    assert _files(empty_log) == before


def test_cp1252_file_with_carried_minister_and_quarter(empty_log: Path) -> None:
    """The PM's Jan-Mar 2013 file: 35 meetings, all David Cameron's (blank cells carry him forward), dated 2013-01..03."""
    result = _run(empty_log, "pmmeetingsjanmar.csv", "--quarter", "2013Q1")
    assert result.exit_code == 0, result.output
    out = lines(result.stdout)
    assert out[:3] == ["pmmeetingsjanmar.csv (uk-quarterly): 134 rows read, 35 meetings found",
                       "  meetings created: 35; already in the log (same source row): 0",
                       "  stakeholders created: 36 (1 people, 35 organizations); updated with new roles or names: 0"]
    assert "  empty row (97: lines 37-133)" in out and "  footnote (2: lines 134-135)" in out
    found = json.loads(invoke(["meetings", "--person", "David Cameron", "--format", "json"], log=empty_log).stdout)
    assert len(found) == 35
    assert {m["date"] for m in found} == {"2013-01", "2013-02", "2013-03"}
    person = json.loads(invoke(["person", "Cameron", "--format", "json"], log=empty_log).stdout)
    assert person["roles"][0]["title"] == "Prime Minister"
    assert any("’" in p["name"] for m in found for p in m["participants"])  # cp1252 curly quotes read right


def test_nil_returns_notes_and_blank_dates(empty_log: Path) -> None:
    """Nil returns and footnotes are skipped with their lines; blank date cells take the date above."""
    result = _run(empty_log, "leaders-whips-meetings.csv", "--quarter", "2010Q2")
    out = lines(result.stdout)
    assert out[4:8] == ["rows skipped: 10", "  empty row (3: lines 2, 14-15)",
                        "  nil return (no meetings that quarter) (5: lines 3-4, 11-13)", "  footnote (2: lines 16-17)"]
    result = _run(empty_log, "co-meetings-oct-dec-2010.csv")
    assert lines(result.stdout)[0] == "co-meetings-oct-dec-2010.csv (uk-quarterly): 166 rows read, 162 meetings found"
    dates = {m["date"] for m in json.loads(invoke(["meetings", "--format", "json", "--from", "2010-09"],
                                                  log=empty_log).stdout)}
    assert dates == {"2010-10", "2010-11", "2010-12"}


def test_bad_quarter_is_a_usage_error(empty_log: Path) -> None:
    """--quarter must read YYYYQN."""
    result = _run(empty_log, "pmmeetingsjanmar.csv", "--quarter", "spring 2013")
    assert result.exit_code == 2
    assert "--quarter 'spring 2013' is not a quarter; write it as YYYYQN" in result.stderr


@pytest.mark.skipif(not RAW.is_dir(), reason=f"the raw files are not at {RAW}")
def test_all_2013_pm_files_give_96_meetings(empty_log: Path) -> None:
    """SOURCE.md: the PM's three 2013 files hold 35 + 33 + 28 = 96 meetings."""
    for name, quarter in (("pmmeetingsjanmar.csv", "2013Q1"), ("pmmeetingsapriljune13.csv", "2013Q2"),
                          ("pmmeetingsjulsept13.csv", "2013Q3")):
        result = invoke(["import", "csv", str(RAW / name), "--preset", "uk-quarterly", "--quarter", quarter],
                        log=empty_log)
        assert result.exit_code == 0, result.output
    found = json.loads(invoke(["meetings", "-p", "David Cameron", "--year", "2013", "--format", "json"],
                              log=empty_log).stdout)
    assert len(found) == 96


@pytest.mark.skipif(not RAW.is_dir(), reason=f"the raw files are not at {RAW}")
def test_all_55_raw_files_read_without_error_and_give_2494_meetings() -> None:
    """SOURCE.md's per-file table: every file read with the quarter it covers gives its count; 2,494 in all."""
    import re
    from nafta_log.importers import parse_csv
    table = re.findall(r"^\| (\S+\.csv) \| \w+ \| (\d{4}) (\w{3})[–-]\w+[^|]*\| [\w-]+ \| (\d+) \|$",
                       (RAW / "SOURCE.md").read_text(encoding="utf-8"), re.MULTILINE)
    assert len(table) == 55
    first_quarter = {"Jan": 1, "Apr": 2, "May": 2, "Jul": 3, "Aug": 3, "Oct": 4}
    total = 0
    for name, year, month, count in table:
        parsed = parse_csv(RAW / name, "uk-quarterly", quarter=f"{year}Q{first_quarter[month]}")
        assert len(parsed.meetings) == int(count), name
        total += len(parsed.meetings)
    assert total == 2494
