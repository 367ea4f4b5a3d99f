"""`nafta-log import csv --preset eu-mep`: MEPs' declared meetings, exact duplicates dropped, counts per member kept."""

from __future__ import annotations

import csv
import json
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from conftest import REPO, invoke, lines
from nafta_log.names import fold

EXTRACT = REPO / "tests" / "data" / "eu-mep-extract.csv"
FULL = REPO.parent / "shared" / "realdata" / "eu-mep-meetings" / "mepmeetings.csv"


def _import(log: Path, path: Path = EXTRACT) -> list[str]:
    """Import `path` with the eu-mep preset; the summary lines."""
    result = invoke(["import", "csv", str(path), "--preset", "eu-mep"], log=log)
    assert result.exit_code == 0, result.output
    return lines(result.stdout)


def _source_counts(path: Path) -> Counter[tuple[str, str]]:
    """Rows per (mep, year) in the file, exact duplicates (all columns but the index) counted once."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = {tuple(r[1:]): r for r in list(csv.reader(f))[1:]}
    header = ["", "committees", "country", "date", "dossier", "epid", "group", "lobbyists", "location", "mep"]
    mep, date = header.index("mep"), header.index("date")
    return Counter((r[mep], r[date][-4:]) for r in rows.values())


def test_duplicates_are_dropped_and_counted_in_the_summary(empty_log: Path) -> None:
    """17 rows, one an exact copy of another: 16 meetings, and the copy's line is named."""
    out = _import(empty_log)
    assert out[:5] == [
        "eu-mep-extract.csv (eu-mep): 17 rows read, 16 meetings found",
        "  meetings created: 16; already in the log (same source row): 0",
        "  stakeholders created: 37 (11 people, 26 organizations); updated with new roles or names: 0",
        "merged: 1",
        "  exact duplicate of an earlier row (every column but the index): dropped (1: line 8)",
    ]
    assert "  a character was lost before publication (U+FFFD); kept as is (1: line 10)" in out


def test_counts_per_member_per_year_match_the_file(empty_log: Path) -> None:
    """Each member's meetings per year are the file's rows for them (duplicates once), found by the member's name."""
    _import(empty_log)
    people = json.loads(invoke(["people", "--format", "json"], log=empty_log).stdout)
    by_alias = {fold(a): p["name"] for p in people for a in [p["name"], *p["aliases"]]}
    counts = _source_counts(EXTRACT)
    assert counts[("Niklas NIENASS", "2020")] == 4
    for (mep, year), n in counts.items():
        found = json.loads(invoke(["meetings", "--person", by_alias[fold(mep)], "--year", year, "--format", "json"],
                                  log=empty_log).stdout)
        assert len(found) == n, (mep, year)


def test_members_names_countries_and_groups(empty_log: Path) -> None:
    """'Ibán GARCÍA DEL BLANCO' becomes 'Ibán García del Blanco', with country and group; any case finds him."""
    _import(empty_log)
    record = tomllib.loads((empty_log / "stakeholders" / "iban-garcia-del-blanco.toml").read_text())
    assert record == {"kind": "person", "name": "Ibán García del Blanco",
                      "country": "ES",
                      "roles": [{"title": "Member of the European Parliament", "organization": "european-parliament"},
                                {"title": "Member", "organization": "s-d-political-group"}]}
    assert invoke(["person", "McALLISTER"], log=empty_log).stdout.startswith("David McAllister (david-mcallister")


def test_lobbyists_split_on_semicolons_register_ids_and_mojibake(empty_log: Path) -> None:
    """';' separates parties, register ids move to the description, double-encoded UTF-8 is repaired."""
    _import(empty_log)
    people = {p["name"]: p for p in json.loads(invoke(["people", "--format", "json"], log=empty_log).stdout)}
    assert {"Jesuit Refugee Service Europe", "PICUM", "ECRE", "Caritas Europa", "Red Cross EU", "GSMA", "EQUALS",
            "Forbidden Colours", "Investment Migration Council", "XUL Foundation, José Castillo, IYE-Labs"} <= set(people)
    assert not any(";" in n or "Ã©" in n for n in people)
    record = tomllib.loads((empty_log / "stakeholders" / "forbidden-colours.toml").read_text())
    assert record == {"kind": "organization", "name": "Forbidden Colours",
                      "description": "EU Transparency Register: 437053244002-26"}


def test_reimport_adds_nothing(empty_log: Path) -> None:
    """The meetings are known again by their fingerprint."""
    _import(empty_log)
    assert _import(empty_log)[1] == "  meetings created: 0; already in the log (same source row): 16"


def test_a_newer_version_of_the_file_adds_only_the_new_rows(empty_log: Path, tmp_path: Path) -> None:
    """An older, shorter file (7 rows, one a duplicate) with other index numbers, then the full one: only new rows are added."""
    rows = EXTRACT.read_text(encoding="utf-8").splitlines(keepends=True)
    older = tmp_path / "mepmeetings-old.csv"
    older.write_text(rows[0] + "".join(f"{i}," + r.split(",", 1)[1] for i, r in enumerate(rows[1:8])),
                     encoding="utf-8")
    assert _import(empty_log, older)[1] == "  meetings created: 6; already in the log (same source row): 0"
    assert _import(empty_log)[1] == "  meetings created: 10; already in the log (same source row): 6"


@pytest.mark.slow
@pytest.mark.skipif(not FULL.is_file(), reason=f"the real dataset is not at {FULL}")
def test_whole_file_23050_rows_less_11_duplicates_and_the_known_answers(empty_log: Path) -> None:
    """SOURCE.md: Niklas NIENASS declared 109/157/55 meetings in 2019/2020/2021; Jutta PAULUS 307 in all (about 60 s)."""
    out = _import(empty_log, FULL)
    assert out[:2] == ["mepmeetings.csv (eu-mep): 23,050 rows read, 23,039 meetings found",
                       "  meetings created: 23,039; already in the log (same source row): 0"]
    assert out[3] == "merged: 11"
    from nafta_log import query, store
    log = store.load(empty_log).log
    def count(sid: str, year: int | None = None) -> int:
        """Meetings of stakeholder `sid` (in `year`)."""
        return sum(1 for m in log.meetings.values() if sid in m.participants
                   and (year is None or m.date.year == year))
    assert [count("niklas-nienass", y) for y in (2019, 2020, 2021)] == [109, 157, 55]
    assert count("jutta-paulus") == 307
    assert count("henna-virkkunen") == 296
    assert query.select_meetings(log, query.MeetingQuery(people=("niklas-nienass",)))[0].date.year == 2019
