"""`import csv --map COLUMN=FIELD` for any CSV, and `merge A B` joining two stakeholders that are one."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from conftest import REPO, invoke, lines

EXTRACT = REPO / "tests" / "data" / "uk-ministers-extract.csv"


def _files(root: Path) -> dict[str, bytes]:
    """Every record file of the log and its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*.toml")}


def test_mapped_columns_make_meetings_and_bad_rows_are_reported(sample: Path, tmp_path: Path) -> None:
    """Columns named by --map become meetings; existing stakeholders are matched by name; a bad date is skipped."""
    calls = tmp_path / "calls.csv"
    calls.write_text("When,Who,Firm,About\n2017-12-20,Jerry Dias,Ford Canada; GM Canada,Plant futures\n"
                     "someday,Jerry Dias,Unifor,Strike plans\n14 Dec 2017,\"Minister of Commerce, Wilbur Ross\",,"
                     "Autos\n", encoding="utf-8")
    args = ["import", "csv", str(calls), "--map", "When=date", "--map", "Who=person", "--map", "Firm=organization",
            "--map", "About=title"]
    result = invoke(args, log=sample)
    assert result.exit_code == 0, result.output
    out = lines(result.stdout)
    assert out[:3] == ["calls.csv (mapped): 3 rows read, 2 meetings found",
                       "  meetings created: 2; already in the log (same source row): 0",
                       "  stakeholders created: 2 (0 people, 2 organizations); updated with new roles or names: 1"]
    assert out[out.index("rows skipped: 1") + 1].startswith("  date: cannot understand the date 'someday'")
    found = json.loads(invoke(["meetings", "--from", "2017-12-20", "--to", "2017-12-31", "--format", "json"],
                              log=sample).stdout)
    assert [(m["title"], [p["id"] for p in m["participants"]]) for m in found] == [
        ("Plant futures", ["jerry-dias", "ford-canada", "gm-canada"])]
    ross = tomllib.loads((sample / "stakeholders" / "wilbur-ross.toml").read_text())
    assert {"title": "Minister of Commerce"} in ross["roles"]
    assert lines(invoke(args, log=sample).stdout)[1] == "  meetings created: 0; already in the log (same source row): 2"


def test_map_needs_a_date_and_a_participant(empty_log: Path, tmp_path: Path) -> None:
    """A mapping without a date column, or a missing column, is refused with the fix."""
    calls = tmp_path / "calls.csv"
    calls.write_text("When,Who\n2017,X\n")
    result = invoke(["import", "csv", str(calls), "--map", "Who=person"], log=empty_log)
    assert result.exit_code == 2 and "--map needs a column for the date" in result.stderr
    result = invoke(["import", "csv", str(calls), "--map", "When=date", "--map", "Whom=person"], log=empty_log)
    assert result.exit_code == 1 and "has no column 'Whom', which --preset --map needs" in result.stderr
    result = invoke(["import", "csv", str(calls)], log=empty_log)
    assert result.exit_code == 2 and "say how to read the file: --preset NAME" in result.stderr


def test_merge_rewrites_every_reference_and_keeps_the_names(empty_log: Path) -> None:
    """Merging 'Blackpool' into 'Blackpool Council' moves the meeting and keeps 'Blackpool' as an alias."""
    invoke(["import", "csv", str(EXTRACT), "--preset", "uk-ministers"], log=empty_log)
    result = invoke(["merge", "Blackpool Council", "Blackpool"], log=empty_log)
    assert (result.exit_code, result.stdout) == (
        0, "Merged blackpool into blackpool-council: 1 meetings and 0 other stakeholders' roles rewritten\n")
    assert not (empty_log / "stakeholders" / "blackpool.toml").exists()
    kept = tomllib.loads((empty_log / "stakeholders" / "blackpool-council.toml").read_text())
    assert kept["aliases"] == ["Blackpool"]
    [meeting] = json.loads(invoke(["meetings", "-p", "Blackpool Council", "--format", "json"], log=empty_log).stdout)
    ids = [p["id"] for p in meeting["participants"]]
    assert "blackpool" not in ids and ids.count("blackpool-council") == 1
    assert invoke(["check"], log=empty_log).stdout == ""


def test_merge_rewrites_roles_and_refuses_different_kinds(empty_log: Path) -> None:
    """Merging an organization rewrites people's roles there; a person and an organization are never merged."""
    invoke(["import", "csv", str(EXTRACT), "--preset", "uk-ministers"], log=empty_log)
    before = _files(empty_log)
    dry = invoke(["merge", "Attorney General's Office", "Cabinet Office", "--dry-run"], log=empty_log)
    assert dry.stdout.startswith("Would merge cabinet-office into attorney-general-s-office: 0 meetings and 5 other")
    assert _files(empty_log) == before
    refused = invoke(["merge", "Cabinet Office", "David Cameron"], log=empty_log)
    assert refused.exit_code == 1
    assert refused.stderr.startswith("Error: cannot merge Cabinet Office (organization) with David Cameron (person)")
    assert _files(empty_log) == before
    invoke(["merge", "Attorney General's Office", "Cabinet Office"], log=empty_log)
    cameron = tomllib.loads((empty_log / "stakeholders" / "david-cameron.toml").read_text())
    assert cameron["roles"] == [{"organization": "attorney-general-s-office"}]


def test_hostile_cells_are_stored_as_given_and_shown_escaped(empty_log: Path, tmp_path: Path) -> None:
    """Escape and bidi characters in a cell never reach the terminal: the summary and tables show them escaped."""
    hostile = tmp_path / "hostile.csv"
    hostile.write_text("When,Org,About\n2017-12-01,Evil\x1b[31mCorp\u202e,Talk\nbad date\x1b[2J,X,Y\n",
                       encoding="utf-8")
    result = invoke(["import", "csv", str(hostile), "--map", "When=date", "--map", "Org=organization",
                     "--map", "About=title"], log=empty_log)
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout and "\\x1b[2J" in result.stdout
    people = invoke(["people"], log=empty_log).stdout
    assert "Evil\\x1b[31mCorp\\u202e" in people and "\x1b" not in people and "\u202e" not in people
    assert invoke(["check"], log=empty_log).stdout == ""
