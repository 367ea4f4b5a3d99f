"""Counting meetings per period: partial dates only where they certainly fall, ranges, filters, and the CLI chart."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import SAMPLE, cells, invoke, lines
from nafta_log import store
from nafta_log.model import Log, Meeting, PartialDate, Settings, Stakeholder
from nafta_log.query import MeetingQuery
from nafta_log.timeline import Period, Unknown, certain_periods, count, periods_between, place, timeline


def meeting(date: str, end: str | None = None, who: tuple[str, ...] = ("a", "b"), status: str = "held",
            topics: tuple[str, ...] = (), mid: str = "") -> Meeting:
    """A meeting on `date` ("2017", "2017-12" or "2017-12-14"), optionally ending on `end`."""
    return Meeting(id=mid or f"{date}-m", title=f"Meeting {mid or date}", date=PartialDate.parse(date),
                   participants=who, status=status, end=dt.date.fromisoformat(end) if end else None, topics=topics)


def labels(periods: list[Period]) -> list[str]:
    """The labels of `periods`."""
    return [p.label() for p in periods]


@pytest.mark.parametrize(("date", "by", "expected"), [
    ("2017-12-14", "month", ["2017-12"]),
    ("2017-12-14", "quarter", ["2017-Q4"]),
    ("2017-12-14", "year", ["2017"]),
    ("2017-12", "month", ["2017-12"]),
    ("2017-12", "quarter", ["2017-Q4"]),
    ("2017-12", "year", ["2017"]),
    ("2017", "year", ["2017"]),
    ("2017", "quarter", []),
    ("2017", "month", []),
    ("2017-03", "quarter", ["2017-Q1"]),
    ("2017-04-01", "quarter", ["2017-Q2"]),
])
def test_a_date_counts_only_in_the_period_it_certainly_falls_in(date: str, by: str, expected: list[str]) -> None:
    """A day is in its month, quarter and year; a month or year only in periods holding all of it."""
    assert labels(certain_periods(meeting(date), by)) == expected


def test_a_date_too_coarse_for_the_period_goes_to_its_years_unknown_bucket() -> None:
    """'2017' by month is '2017, month unknown'; by quarter '2017, quarter unknown'."""
    assert place(meeting("2017"), "month") == Unknown("month", 2017)
    assert Unknown("month", 2017).label() == "2017, month unknown"
    assert place(meeting("2017"), "quarter") == Unknown("quarter", 2017)
    assert Unknown("quarter", 2017).label() == "2017, quarter unknown"
    assert place(meeting("2017-12"), "month") == [Period("month", 2017, 12)]


def test_a_multi_day_meeting_counts_in_every_period_it_was_held_in_and_once_in_the_total() -> None:
    """A meeting from 30 Nov to 2 Dec is in November and December, in Q4 once, and is one meeting."""
    m = meeting("2017-11-30", end="2017-12-02")
    assert labels(certain_periods(m, "month")) == ["2017-11", "2017-12"]
    assert labels(certain_periods(m, "quarter")) == ["2017-Q4"]
    new_year = meeting("2017-12-30", end="2018-01-02")
    assert labels(certain_periods(new_year, "year")) == ["2017", "2018"]
    s = count([m, new_year], "month")
    assert {p.label(): n for p, n in s.counts.items()} == {"2017-11": 1, "2017-12": 2, "2018-01": 1}
    assert s.total == 2 and s.unknown == {}


def test_a_coarse_start_with_an_end_day_counts_only_where_it_must_have_run() -> None:
    """Known only as '2017-11' but ending 3 Dec, it surely ran on 30 Nov too; '2017' ending 5 March, only March."""
    assert labels(certain_periods(meeting("2017-11", end="2017-12-03"), "month")) == ["2017-11", "2017-12"]
    assert labels(certain_periods(meeting("2017", end="2017-03-05"), "month")) == ["2017-03"]
    # Ending inside its own month, it is in that month only.
    assert labels(certain_periods(meeting("2017-11", end="2017-11-03"), "month")) == ["2017-11"]


def test_count_keeps_unknown_buckets_apart_and_never_spreads_them() -> None:
    """Three year-only meetings and one dated one: by month, one in December and three apart."""
    ms = [meeting("2017", mid="x1"), meeting("2017", mid="x2"), meeting("2017", mid="x3"), meeting("2017-12-14")]
    by_month = count(ms, "month")
    assert by_month.counts == {Period("month", 2017, 12): 1}
    assert by_month.unknown == {Unknown("month", 2017): 3}
    assert (by_month.total, by_month.year_only) == (4, 3)
    assert count(ms, "year").counts == {Period("year", 2017, 0): 4}
    with pytest.raises(ValueError, match="month, quarter, year"):
        count(ms, "week")


def test_periods_between_runs_across_years() -> None:
    """The axis has every period from first to last, gaps included."""
    assert labels(periods_between(Period("month", 2017, 11), Period("month", 2018, 2))) == [
        "2017-11", "2017-12", "2018-01", "2018-02"]
    assert labels(periods_between(Period("quarter", 2017, 4), Period("quarter", 2018, 1))) == ["2017-Q4", "2018-Q1"]
    assert labels(periods_between(Period("year", 2016), Period("year", 2018))) == ["2016", "2017", "2018"]


def _log(*meetings: Meeting) -> Log:
    """A log in memory with these meetings; each participant id is a person named in capitals."""
    people = {s: Stakeholder(id=s, kind="person", name=s.upper()) for m in meetings for s in m.participants}
    return Log("/x", Settings(), people, {}, {m.id: m for m in meetings})


def test_timeline_rows_filters_and_cancelled_meetings() -> None:
    """A series per person and topic; dates filter every series; cancelled meetings are left out."""
    lg = _log(meeting("2017-01-05", who=("a", "b"), topics=("t",), mid="m1"),
              meeting("2017-03-05", who=("a", "c"), mid="m2"),
              meeting("2017-03-06", who=("a", "b"), status="cancelled", mid="m3"),
              meeting("2017-06", who=("b", "c"), topics=("t",), mid="m4"))
    tl = timeline(lg, MeetingQuery(), "quarter", people=("a", "b"), topics=("t",))
    assert [s.label for s in tl.series] == ["A", "B", "t"]
    assert labels(list(tl.periods)) == ["2017-Q1", "2017-Q2"]
    assert [s.counts for s in tl.series] == [{Period("quarter", 2017, 1): 2},
                                             {Period("quarter", 2017, 1): 1, Period("quarter", 2017, 2): 1},
                                             {Period("quarter", 2017, 1): 1, Period("quarter", 2017, 2): 1}]
    spring = timeline(lg, MeetingQuery(start=dt.date(2017, 2, 1), end=dt.date(2017, 6, 30)), "month", ("b",))
    assert [(s.label, s.total) for s in spring.series] == [("B", 1), ("with C", 1)]
    assert labels(list(spring.periods)) == ["2017-06"]
    with_cancelled = timeline(lg, MeetingQuery(status="cancelled"), "month")
    assert [(s.label, s.total) for s in with_cancelled.series] == [("All meetings", 1)]


def test_one_person_gets_a_row_per_counterpart_most_met_first() -> None:
    """With a single --person, the people they met most each get a 'with NAME' series."""
    lg = _log(meeting("2017-01-05", who=("a", "c"), mid="m1"), meeting("2017-02-05", who=("a", "b"), mid="m2"),
              meeting("2017-03-05", who=("a", "b"), mid="m3"))
    tl = timeline(lg, MeetingQuery(), "year", ("a",))
    assert [(s.label, s.total) for s in tl.series] == [("A", 3), ("with B", 2), ("with C", 1)]
    assert [s.label for s in timeline(lg, MeetingQuery(), "year", ("a",), counterparts=1).series] == ["A", "with B"]


def test_sample_dias_by_year_shows_four_meetings_with_ross_in_2017() -> None:
    """The issue's check: 4 meetings with Ross in 2017, 3 of them known only to the year."""
    result = invoke(["timeline", "--person", "Dias", "--by", "year"], log=SAMPLE)
    assert result.exit_code == 0, result.output
    out = lines(result.stdout)
    assert out[0] == "Meetings per year"
    assert cells(out[1]) == ["year", "Jerry Dias", "with Wilbur Ross"]
    assert cells(out[3]) == ["2017", "███████████████████████ 4", "███████████████████████ 4"]
    assert cells(out[4]) == ["total", "4", "4"]
    assert cells(out[5]) == ["year-only dates", "3", "3"]
    assert len(out) == 6


def test_sample_dias_by_month_shows_december_and_the_other_three_apart() -> None:
    """By month, the 14 December meeting is in 2017-12 and the three year-only ones on a line of their own."""
    out = lines(invoke(["timeline", "--person", "Dias", "--by", "month"], log=SAMPLE).stdout)
    assert cells(out[3]) == ["2017-12", "████████ 1", "████████ 1"]
    assert cells(out[4]) == ["2017, month unknown", "███████████████████████ 3", "███████████████████████ 3"]
    assert cells(out[5]) == ["total", "4", "4"]
    assert out[6].startswith("Meetings whose date is known only to a coarser period than a month are counted apart")


def test_timeline_output_is_plain_when_piped_and_width_sets_the_bars() -> None:
    """NO_COLOR or a pipe: no escape codes; COLUMNS narrows the bars."""
    result = invoke(["timeline", "-t", "nafta", "-t", "autos", "--from", "2017-10", "--to", "2017-12"], log=SAMPLE,
                    COLUMNS="60")
    assert "\x1b" not in result.stdout
    out = lines(result.stdout)
    assert cells(out[1]) == ["month", "NAFTA renegotiation", "Auto sector"]
    assert [cells(ln)[0] for ln in out[3:6]] == ["2017-10", "2017-11", "2017-12"]
    assert cells(out[4]) == ["2017-11", "0", "0"]
    assert cells(out[5]) == ["2017-12", "█████████████ 2", "█████████████ 2"]
    assert cells(out[6]) == ["total", "3", "2"]


def test_timeline_bad_period_and_no_matches(sample: object) -> None:
    """--by week is a usage error; filters that match nothing say so."""
    result = invoke(["timeline", "--by", "week"], log=SAMPLE)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "Error: --by must be one of month, quarter, year, not 'week'"
    result = invoke(["timeline", "--year", "1999"], log=SAMPLE)
    assert (result.exit_code, result.stdout.strip()) == (0, "No meetings match.")


def test_sample_log_loads_for_the_library_api() -> None:
    """The library call behind the chart works on the loaded sample without the CLI."""
    lg = store.load(SAMPLE).log
    tl = timeline(lg, MeetingQuery(), "month", ("jerry-dias",))
    assert tl.unknown == (Unknown("month", 2017),)
    assert [(s.label, s.total, s.unknown) for s in tl.series] == [
        ("Jerry Dias", 4, {Unknown("month", 2017): 3}), ("with Wilbur Ross", 4, {Unknown("month", 2017): 3})]


def test_charts_print_hostile_names_literally() -> None:
    """Rich markup and escape codes in names are shown as text in the timeline and the matrix."""
    import io
    from nafta_log.network import matrix
    from nafta_log.render import make_console
    from nafta_log.render_charts import matrix_chart, timeline_chart
    lg = _log(meeting("2017-01-05", who=("a", "b"), mid="m1"))
    evil = "[red]Evil[/red] \x1b[31m"
    lg.stakeholders["a"] = lg.stakeholders["a"]._replace(name=evil)
    buf = io.StringIO()
    console = make_console(buf, {"COLUMNS": "100"})
    console.print(timeline_chart(timeline(lg, MeetingQuery(), "month", ("a",))))
    console.print(matrix_chart(matrix(lg, lg.meetings.values())))
    text = buf.getvalue()
    assert "\x1b" not in text
    assert text.count("[red]Evil[/red] \\x1b[31m") == 2
    assert cells(text.splitlines()[1]) == ["month", "[red]Evil[/red] \\x1b[31m", "with B"]


def test_timeline_json_and_csv_for_scripts() -> None:
    """--format json gives periods and counts per series; csv a row per period, a column per series."""
    import csv
    import io
    import json
    data = json.loads(invoke(["timeline", "-p", "Dias", "--format", "json"], log=SAMPLE).stdout)
    assert data == {"by": "month", "periods": ["2017-12", "2017, month unknown"], "series": [
        {"id": "jerry-dias", "label": "Jerry Dias", "total": 4, "year_only": 3, "counts": [1, 3]},
        {"id": "wilbur-ross", "label": "with Wilbur Ross", "total": 4, "year_only": 3, "counts": [1, 3]}]}
    rows = list(csv.DictReader(io.StringIO(invoke(["timeline", "--by", "quarter", "--format", "csv"],
                                                  log=SAMPLE).stdout)))
    assert rows == [{"period": "2017-Q4", "All meetings": "4"}, {"period": "2017, quarter unknown", "All meetings": "3"},
                    {"period": "2018, quarter unknown", "All meetings": "1"}]
