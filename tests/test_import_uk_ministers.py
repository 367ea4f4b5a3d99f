"""`nafta-log import csv --preset uk-ministers`: real rows of the HackBrexit file with its traps, and the whole file."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from conftest import REPO, invoke, lines

DATA = REPO / "tests" / "data"
EXTRACT = DATA / "uk-ministers-extract.csv"
REALDATA = REPO.parent / "shared" / "realdata"
FULL = REALDATA / "uk-ministers-meetings" / "MixedProcessedData.csv"


def _import(log: Path, *extra: str, path: Path = EXTRACT) -> list[str]:
    """Import `path` with the uk-ministers preset; the summary lines."""
    result = invoke(["import", "csv", str(path), "--preset", "uk-ministers", *extra], log=log)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return lines(result.stdout)


def _files(root: Path) -> dict[str, bytes]:
    """Every record file of the log and its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*.toml")}


def _toml(path: Path) -> dict:
    """A record file as a dict."""
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _meetings(log: Path, *args: str) -> list[dict]:
    """The meetings `meetings ARGS --format json` lists."""
    result = invoke(["meetings", *args, "--format", "json"], log=log)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_summary_counts_meetings_not_rows_and_reports_every_trap(empty_log: Path) -> None:
    """45 rows are 17 meetings; the triple-loaded row counts once; 1930, the nameless office and repairs are listed."""
    out = _import(empty_log)
    assert out == [
        "uk-ministers-extract.csv (uk-ministers): 45 rows read, 17 meetings found",
        "  meetings created: 17; already in the log (same source row): 0",
        "  stakeholders created: 63 (13 people, 50 organizations); updated with new roles or names: 0",
        "merged: 1",
        "  meeting loaded more than once under new Meeting IDs (same Original File and Row): counted once (1: line 4)",
        "rows skipped: none",
        "suspicious values: 3",
        "  year 1930 is far outside the other dates of the file (2013–2016); kept as given: check the source "
        "(2: lines 38-39)",
        "  the minister cell names an office, not a person ('Secretary of State for Defence'); kept as a "
        "stakeholder of that name (1: line 45)",
        "repaired: 2",
        "  mis-decoded characters (cp1252 read as latin-1) repaired (2: lines 7, 14)",
    ]
    assert len(_meetings(empty_log)) == 17
    check = invoke(["check"], log=empty_log)
    assert (check.exit_code, check.stdout) == (0, "")


def test_glued_titles_become_roles_and_spellings_join_one_person(empty_log: Path) -> None:
    """'Rt Hon Philip Hammond MP' and '..., Secretary of State for ...' are one person with that title as a role."""
    _import(empty_log)
    hammond = _toml(empty_log / "stakeholders" / "philip-hammond.toml")
    assert hammond == {"kind": "person", "name": "Philip Hammond",
                       "roles": [{"title": "Secretary of State for Foreign and Commonwealth Affairs",
                                  "organization": "foreign-commonwealth-office"}]}
    assert len(_meetings(empty_log, "--person", "Philip Hammond")) == 2
    popat = _toml(empty_log / "stakeholders" / "lord-popat-of-harrow.toml")
    assert (popat["name"], popat["aliases"]) == ("Lord Popat of Harrow", ["Lord Popat"])
    grieve = _toml(empty_log / "stakeholders" / "dominic-grieve.toml")
    assert grieve["roles"] == [{"title": "Attorney General", "organization": "attorney-general-s-office"}]


def test_people_who_share_a_surname_stay_apart(empty_log: Path) -> None:
    """Andrew Jones and Marcus Jones are two stakeholders; 'Jones' alone is ambiguous."""
    _import(empty_log)
    assert [m["participants"][0]["name"] for m in _meetings(empty_log, "--person", "Andrew Jones")] == ["Andrew Jones"]
    assert [m["participants"][0]["name"] for m in _meetings(empty_log, "--person", "Marcus Jones")] == ["Marcus Jones"]
    result = invoke(["meetings", "--person", "Jones"], log=empty_log)
    assert result.exit_code == 1
    assert "'Jones' matches 2 stakeholders: Andrew Jones (andrew-jones), Marcus Jones (marcus-jones)" in result.stderr


def test_dates_keep_their_precision_and_the_1930_year_is_kept(empty_log: Path) -> None:
    """'06-2013' is stored as "2013-06", '16-10-2013' as a day, and '07-1930' stays 1930 (flagged, not changed)."""
    _import(empty_log)
    dates = {m["title"]: m["date"] for m in _meetings(empty_log)}
    assert dates["Meeting with Society of Editors"] == "2013-06"
    assert dates["Catch up on issues affecting Chartered Legal Executives"] == "2013-10-16"
    assert dates["Discuss broadband"] == "1930-07"
    [path] = (empty_log / "meetings" / "2013").glob("2013-06-*.toml")
    assert 'date = "2013-06"\n' in path.read_text()


def test_each_meeting_records_its_source_file_and_row_and_text_is_repaired(empty_log: Path) -> None:
    """Sources carry the original file and row; C1 characters and embedded newlines are cleaned in names."""
    _import(empty_log)
    [letwin] = _meetings(empty_log, "--person", "Oliver Letwin")
    [path] = (empty_log / "meetings" / "2014").glob(f"{letwin['id']}.toml")
    source = _toml(path)["sources"][0]
    assert source == {"publisher": "Cabinet Office",
                      "title": "Ministers' meetings with external organisations (GOV.UK)",
                      "file": "362393_CO_meetings_jan_mar_14.csv", "row": 57, "via": "uk-ministers-extract.csv"}
    assert [p["name"] for p in letwin["participants"]] == ["Oliver Letwin", "Motability", "Ernst", "Young’"]
    names = {p["name"] for m in _meetings(empty_log) for p in m["participants"]}
    assert "Liverpool City Region representatives including Liverpool City Region Local Enterprise Partnership" in names
    assert not any("\n" in n or any(0x80 <= ord(c) <= 0x9f for c in n) for n in names)


def test_reimport_adds_nothing_and_dry_run_writes_nothing(empty_log: Path) -> None:
    """The second import finds every meeting by its source; --dry-run prints the plan and leaves the files."""
    before = _files(empty_log)
    out = _import(empty_log, "--dry-run")
    assert out[0].startswith("Dry run: uk-ministers-extract.csv")
    assert out[1] == "  meetings to create: 17; already in the log (same source row): 0"
    assert out[-1] == "Nothing was written (--dry-run)."
    assert _files(empty_log) == before
    _import(empty_log)
    after_first = _files(empty_log)
    out = _import(empty_log)
    assert out[1:3] == ["  meetings created: 0; already in the log (same source row): 17",
                        "  stakeholders created: 0 (0 people, 0 organizations); updated with new roles or names: 0"]
    assert _files(empty_log) == after_first


def test_problem_rows_are_skipped_with_line_and_reason(empty_log: Path) -> None:
    """Bad dates, empty rows, a missing minister or source row end in the summary, never in a traceback."""
    out = _import(empty_log, path=DATA / "uk-ministers-bad.csv")
    assert out[0] == "uk-ministers-bad.csv (uk-ministers): 6 rows read, 1 meeting found"
    assert out[out.index("rows skipped: 5") + 1:out.index("suspicious values: none")] == [
        "  date 'July 2013' is not MM-YYYY or DD-MM-YYYY (1: line 3)",
        "  empty row (1: line 4)",
        "  no minister (1: line 5)",
        "  date '13-2013': month 13 is not between 1 and 12 (1: line 6)",
        "  no Original File or Original Row: the meeting cannot be identified (1: line 7)",
    ]


def test_a_file_without_the_preset_columns_is_refused_and_nothing_written(empty_log: Path, tmp_path: Path) -> None:
    """A CSV that is not the HackBrexit file gets one clear error, exit 1."""
    other = tmp_path / "other.csv"
    other.write_text("name,date\nx,2013\n")
    before = _files(empty_log)
    result = invoke(["import", "csv", str(other), "--preset", "uk-ministers"], log=empty_log)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {other} has no column 'Meeting ID', 'Minister', 'Department'")
    assert _files(empty_log) == before


@pytest.mark.slow
@pytest.mark.skipif(not FULL.is_file(), reason=f"the real dataset is not at {FULL}")
def test_whole_file_gives_7654_meetings_91_for_cameron_in_2013_and_reimport_adds_nothing(empty_log: Path) -> None:
    """The issue's acceptance check on the real 15,781-row file (about 20 s)."""
    out = _import(empty_log, path=FULL)
    assert out[:2] == ["MixedProcessedData.csv (uk-ministers): 15,781 rows read, 7,654 meetings found",
                       "  meetings created: 7,654; already in the log (same source row): 0"]
    assert "rows skipped: none" in out
    assert any(ln.startswith("  year 1930 is far outside") and "(77: " in ln for ln in out)
    assert len(_meetings(empty_log, "--person", "David Cameron", "--year", "2013")) == 91
    again = _import(empty_log, path=FULL)
    assert again[1] == "  meetings created: 0; already in the log (same source row): 7,654"


def test_progress_bar_draws_on_a_terminal() -> None:
    """The import's progress bar shows the step and the count on a terminal."""
    import io
    from nafta_log.render_progress import progress_bar

    class Terminal(io.StringIO):
        """A text stream that says it is a terminal."""

        def isatty(self) -> bool:
            """Yes."""
            return True

    screen = Terminal()
    with progress_bar(screen, "importing x.csv") as update:
        update("writing", 500, 1000)
    assert "importing x.csv: writing" in screen.getvalue() and "500/1000" in screen.getvalue()
