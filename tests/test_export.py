"""`export --format ics|json|csv|sqlite`, `import json` round trips, and `--format markdown` on listings."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest

from conftest import invoke, lines
from nafta_log import records, store


def _export(log: Path, *args: str) -> object:
    """Run `export ARGS` and check it succeeded."""
    result = invoke(["export", *args], log=log)
    assert result.exit_code == 0, result.output
    return result


def test_markdown_tables_escape_markup_and_print_nothing_else(sample: Path) -> None:
    """--format markdown prints the CSV's columns as a Markdown table; '|' and '*' in a name are escaped."""
    invoke(["add", "person", "Ana | *Bold*", "--country", "MX"], log=sample)
    out = invoke(["people", "--format", "markdown"], log=sample).stdout.splitlines()
    assert out[0] == "| id | kind | name | aliases | country | role | organization | organization_name | meetings | last_meeting |"
    assert out[1] == "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    assert "| ana-bold | person | Ana \\| \\*Bold\\* |  | MX |  |  |  | 0 |  |" in out
    who = invoke(["who", "--person", "Ross", "--format", "markdown"], log=sample).stdout.splitlines()
    assert who[2] == "| Wilbur Ross | wilbur-ross | Jerry Dias | jerry-dias | 4 | 2017 | 2017-12-14 | nafta; auto-sector; rules-of-origin |"


def test_ics_has_one_event_per_day_precision_meeting(sample: Path, tmp_path: Path) -> None:
    """icalendar reads the file: 4 all-day events with stable UIDs; the 4 month/year-only meetings are named on stderr."""
    icalendar = pytest.importorskip("icalendar")
    first = _export(sample, "--format", "ics")
    assert first.stderr.startswith("warning: left out 4 meetings known only to the month or year")
    assert "2018-nafta-round-montreal-a2d6" in first.stderr
    cal = icalendar.Calendar.from_ical(first.stdout)
    events = cal.walk("VEVENT")
    day_meetings = [m for m in store.load(sample).log.sorted_meetings() if m.date.day is not None]
    assert sorted(str(e["UID"]) for e in events) == sorted(f"{m.id}@nafta-log" for m in day_meetings)
    dias_ross = next(e for e in events if str(e["UID"]).startswith("2017-12-14-dias-ross"))
    assert str(dias_ross["SUMMARY"]) == "Dias and Ross talk auto rules of origin"
    assert dias_ross.decoded("DTSTART").isoformat() == "2017-12-14"  # a date: an all-day event
    assert [str(a.params["CN"]) for a in dias_ross["ATTENDEE"]] == ["Jerry Dias", "Wilbur Ross"]
    assert dias_ross["CATEGORIES"].cats == ["Auto sector", "Rules of origin", "NAFTA renegotiation"]
    again = icalendar.Calendar.from_ical(_export(sample, "--format", "ics").stdout)
    assert [str(e["UID"]) for e in again.walk("VEVENT")] == [str(e["UID"]) for e in events]


def test_ics_timed_meeting_is_in_utc(sample: Path) -> None:
    """A meeting at 10:00 America/New_York is 15:00 UTC in December."""
    icalendar = pytest.importorskip("icalendar")
    invoke(["add", "meeting", "--title", "Call", "--date", "2017-12-13", "--time", "10:00", "--timezone",
            "America/New_York", "--with", "Dias"], log=sample)
    cal = icalendar.Calendar.from_ical(_export(sample, "--format", "ics", "--search", "Call").stdout)
    [event] = cal.walk("VEVENT")
    assert event.decoded("DTSTART").isoformat() == "2017-12-13T15:00:00+00:00"


def test_sqlite_answers_who_met_whom_most_often_in_one_query(sample: Path, tmp_path: Path) -> None:
    """Real SQL on the export: the top pair, the full-text index, and no broken foreign key."""
    db_path = tmp_path / "log.db"
    _export(sample, "--format", "sqlite", "-o", str(db_path))
    db = sqlite3.connect(db_path)
    top = db.execute("""
        SELECT a.name, b.name, count(*) AS n
        FROM meeting_participants x
        JOIN meeting_participants y ON x.meeting_id = y.meeting_id AND x.stakeholder_id < y.stakeholder_id
        JOIN meetings m ON m.id = x.meeting_id AND m.status != 'cancelled'
        JOIN stakeholders a ON a.id = x.stakeholder_id JOIN stakeholders b ON b.id = y.stakeholder_id
        GROUP BY x.stakeholder_id, y.stakeholder_id ORDER BY n DESC, a.name LIMIT 1""").fetchone()
    assert top == ("Jerry Dias", "Wilbur Ross", 4)
    found = db.execute("SELECT m.id FROM meetings_fts f JOIN meetings m ON m.rowid = f.rowid "
                       "WHERE meetings_fts MATCH 'Beijing'").fetchall()
    assert found == [("2017-12-04-trudeau-li-0021",)]
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"meetings", "stakeholders", "roles", "topics", "sources", "meeting_participants",
            "meeting_topics", "aliases", "meetings_fts"} <= tables
    result = invoke(["export", "--format", "sqlite"], log=sample)
    assert result.exit_code == 2 and "--format sqlite needs --output FILE" in result.stderr


def test_sqlite_export_opens_in_datasette(sample: Path, tmp_path: Path) -> None:
    """Datasette's own test client serves the database: the meetings table and a full-text search."""
    datasette_app = pytest.importorskip("datasette.app", reason="datasette is not installed (pip install datasette)")
    db_path = tmp_path / "log.db"
    _export(sample, "--format", "sqlite", "-o", str(db_path))

    async def fetch() -> tuple[dict, dict]:
        """The meetings table and a full-text search, as Datasette serves them."""
        ds = datasette_app.Datasette([str(db_path)])
        rows = await ds.client.get("/log/meetings.json?_shape=array&_sort=id")
        search = await ds.client.get("/log/meetings.json?_search=Beijing&_shape=array")
        return rows.json(), search.json()

    rows, search = asyncio.run(fetch())
    assert len(rows) == 8 and rows[0]["id"] == "2017-10-11-trudeau-trump-ross-3360"
    assert [r["id"] for r in search] == ["2017-12-04-trudeau-li-0021"]


def test_json_export_imported_into_an_empty_log_gives_the_same_records(sample: Path, empty_log: Path,
                                                                       tmp_path: Path) -> None:
    """export json -> import json: the same topics, stakeholders and meetings; a second import adds nothing."""
    doc = tmp_path / "log.json"
    doc.write_text(_export(sample, "--format", "json").stdout)
    out = lines(invoke(["import", "json", str(doc)], log=empty_log).stdout)
    assert out == ["log.json: added 5 topics, 12 stakeholders, 8 meetings; already in the log (same id): 0",
                   "entries skipped: none"]
    a, b = store.load(sample).log, store.load(empty_log).log
    assert {k: records.meeting_to_table(m) for k, m in a.meetings.items()} == \
        {k: records.meeting_to_table(m) for k, m in b.meetings.items()}
    assert {k: records.stakeholder_to_table(s) for k, s in a.stakeholders.items()} == \
        {k: records.stakeholder_to_table(s) for k, s in b.stakeholders.items()}
    assert records.topics_to_table(a.topics) == records.topics_to_table(b.topics)
    assert lines(invoke(["import", "json", str(doc)], log=empty_log).stdout)[0].endswith("(same id): 25")


def test_filtered_json_and_csv_exports(sample: Path) -> None:
    """With --person, the export holds that person's meetings and only the records they name."""
    doc = json.loads(_export(sample, "--format", "json", "--person", "Trudeau").stdout)
    assert [m["id"] for m in doc["meetings"]] == ["2017-10-11-trudeau-trump-ross-3360", "2017-12-04-trudeau-li-0021"]
    # the participants, and the organization of Wilbur Ross's role
    assert [s["id"] for s in doc["stakeholders"]] == ["donald-trump", "justin-trudeau", "li-keqiang",
                                                     "us-department-of-commerce", "wilbur-ross"]
    rows = list(csv.DictReader(io.StringIO(_export(sample, "--format", "csv", "--year", "2018").stdout)))
    assert [r["id"] for r in rows] == ["2018-nafta-round-montreal-a2d6"]


def test_import_json_refuses_what_is_not_an_export(empty_log: Path, tmp_path: Path) -> None:
    """A JSON file that is not an export is refused with the reason; broken entries are listed, not fatal."""
    bad = tmp_path / "x.json"
    bad.write_text("[1, 2]")
    result = invoke(["import", "json", str(bad)], log=empty_log)
    assert result.exit_code == 1 and "is not a nafta-log export" in result.stderr
    bad.write_text(json.dumps({"nafta_log_export": 1, "meetings": [{"id": "Bad Id"}, {"id": "x-1", "title": "T"}]}))
    out = lines(invoke(["import", "json", str(bad)], log=empty_log).stdout)
    assert out[1] == "entries skipped: 3"
    assert out[2] == "  x.json: meetings[0]: no valid 'id' (lower-case letters, digits, hyphens)"
