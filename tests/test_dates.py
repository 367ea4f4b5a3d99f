"""Typed dates: every accepted form against a fixed today, and every trap refused with a message."""

from __future__ import annotations

import datetime as dt

import pytest

from nafta_log.dates import parse_date, parse_time, parse_timezone
from nafta_log.errors import DateError
from nafta_log.model import PartialDate

TODAY = dt.date(2017, 12, 12)  # a Tuesday


@pytest.mark.parametrize("text, expected", [
    ("2017-12-14", "2017-12-14"),
    ("2017-12", "2017-12"),
    ("2017", "2017"),
    ("2017/12/14", "2017-12-14"),
    ("Dec 2017", "2017-12"),
    ("december 2017", "2017-12"),
    ("14 Dec 2017", "2017-12-14"),
    ("Dec 14, 2017", "2017-12-14"),
    ("December 14th 2017", "2017-12-14"),
    ("Sept 2017", "2017-09"),
    ("today", "2017-12-12"),
    ("  TODAY ", "2017-12-12"),
    ("yesterday", "2017-12-11"),
    ("tomorrow", "2017-12-13"),
    ("thursday", "2017-12-14"),
    ("tuesday", "2017-12-12"),      # the coming one, today included
    ("last tuesday", "2017-12-05"),  # the one before today
    ("last thursday", "2017-12-07"),
    ("thu", "2017-12-14"),
    ("3 days ago", "2017-12-09"),
    ("1 week ago", "2017-12-05"),
    ("2 months ago", "2017-10-12"),
])
def test_accepted_forms(text: str, expected: str) -> None:
    """Each documented form gives the date, as precise as what was typed."""
    assert str(parse_date(text, TODAY)) == expected


@pytest.mark.parametrize("text, message", [
    ("", "empty date"),
    ("   ", "empty date"),
    ("12/11/2017", "ambiguous"),
    ("11.12.2017", "ambiguous"),
    ("next thursday", "ambiguous"),
    ("2024-02-30", "not a real date: February 2024 has 29 days"),
    ("2017-13", "month 13 is not between 1 and 12"),
    ("10", "cannot understand"),
    ("Dec 14", "has no year"),
    ("soon", "cannot understand"),
    ("[1] meeting", "cannot understand"),
    ("99999999999 days ago", "cannot understand"),
    ("20000 years ago", "not a usable date"),
    ("x" * 200, "characters long"),
    ("2017-12-14T10:00", "cannot understand"),
])
def test_refused_forms(text: str, message: str) -> None:
    """Anything unsure is an error that says what was wrong, never silently today."""
    with pytest.raises(DateError) as err:
        parse_date(text, TODAY)
    assert message in str(err.value)


@pytest.mark.parametrize("order, expected", [("DMY", "2017-11-12"), ("MDY", "2017-12-11")])
def test_numeric_dates_follow_the_logs_order(order: str, expected: str) -> None:
    """With date_order set, 12/11/2017 is read in that order."""
    assert str(parse_date("12/11/2017", TODAY, order)) == expected


def test_relative_dates_depend_only_on_the_today_passed_in() -> None:
    """The same words give different dates for a different today."""
    assert parse_date("thursday", dt.date(2024, 2, 29)) == PartialDate(2024, 2, 29)
    assert parse_date("yesterday", dt.date(2024, 3, 1)) == PartialDate(2024, 2, 29)


@pytest.mark.parametrize("text, expected", [("10:00", "10:00:00"), ("9:05", "09:05:00"), ("3pm", "15:00:00"),
                                            ("12am", "00:00:00"), ("23:59:59", "23:59:59"), ("3:30 pm", "15:30:00")])
def test_times(text: str, expected: str) -> None:
    """Times of day in 24-hour or am/pm form."""
    assert parse_time(text).isoformat() == expected


@pytest.mark.parametrize("text", ["24:00", "10", "10:60", "13pm", "noon", ""])
def test_bad_times(text: str) -> None:
    """Impossible or unclear times are refused."""
    with pytest.raises(DateError):
        parse_time(text)


def test_timezones() -> None:
    """IANA names pass; abbreviations and paths are refused."""
    assert parse_timezone("America/New_York") == "America/New_York"
    assert parse_timezone("utc") == "UTC"
    for bad in ("EST", "CST", "Mars/Olympus", "../../etc/passwd", "/etc/passwd"):
        with pytest.raises(DateError):
            parse_timezone(bad)
