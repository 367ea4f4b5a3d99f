"""Dates and times typed by users -> PartialDate, always against a `today` passed in."""

from __future__ import annotations

import datetime as dt
import re

from dateutil.relativedelta import relativedelta

from nafta_log.errors import DateError
from nafta_log.model import PartialDate

MAX_DATE_TEXT = 64
HELP = ("use YYYY-MM-DD, YYYY-MM or YYYY, a month name with a year ('Dec 2017', '14 Dec 2017'), "
        "'today', 'yesterday', 'tomorrow', a weekday ('thursday', 'last thursday') or 'N days ago'")
MONTHS = {name: i for i, names in enumerate(
    [(), ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
     ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
     ("november", "nov"), ("december", "dec")]) for name in names}
_WEEKDAYS = {name: i for i, names in enumerate(
    [("monday", "mon"), ("tuesday", "tue", "tues"), ("wednesday", "wed"), ("thursday", "thu", "thur", "thurs"),
     ("friday", "fri"), ("saturday", "sat"), ("sunday", "sun")]) for name in names}
_UNITS = {"day": "days", "days": "days", "week": "weeks", "weeks": "weeks", "month": "months", "months": "months",
          "year": "years", "years": "years"}
_ISO = re.compile(r"^(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?$", re.ASCII)
_NUMERIC = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$", re.ASCII)
_AGO = re.compile(r"^(\d{1,6}) (\w+) ago$", re.ASCII)
_WEEKDAY = re.compile(r"^(last |this |next )?([a-z]+)$", re.ASCII)
_WORDY = re.compile(r"^[a-z0-9 ,.\-/]+$", re.ASCII)


def parse_date(text: str, today: dt.date, date_order: str | None = None) -> PartialDate:
    """Turn a typed date into a PartialDate as precise as what was typed; raise DateError if unsure."""
    raw = text
    text = " ".join(text.strip().lower().split())
    if not text:
        raise DateError("empty date; " + HELP)
    if len(text) > MAX_DATE_TEXT:
        raise DateError(f"date is {len(text)} characters long; " + HELP)
    shown = repr(raw.strip())
    try:
        result = _parse(text, today, date_order, shown)
    except (ValueError, OverflowError) as exc:  # PartialDate refused it, or the arithmetic overflowed
        raise DateError(f"{shown} is not a usable date: {exc}") from None
    if result is None:
        raise DateError(f"cannot understand the date {shown}; " + HELP)
    return result


def _parse(text: str, today: dt.date, date_order: str | None, shown: str) -> PartialDate | None:
    relative = {"today": 0, "yesterday": -1, "tomorrow": 1}
    if text in relative:
        return PartialDate.from_date(today + dt.timedelta(days=relative[text]))
    m = _ISO.match(text)
    if m:
        y, mo, d = m.groups()
        return PartialDate(int(y), int(mo) if mo else None, int(d) if d else None)
    m = _NUMERIC.match(text)
    if m:
        a, b, y = (int(g) for g in m.groups())
        if date_order == "DMY":
            return PartialDate(y, b, a)
        if date_order == "MDY":
            return PartialDate(y, a, b)
        raise DateError(f"{shown} is ambiguous (day/month or month/day?); write it as YYYY-MM-DD, "
                        "or set date_order = \"DMY\" or \"MDY\" under [settings] in nafta-log.toml")
    m = _AGO.match(text)
    if m:
        count, unit = int(m.group(1)), _UNITS.get(m.group(2))
        if unit is None:
            return None
        return PartialDate.from_date(today - relativedelta(**{unit: count}))
    m = _WEEKDAY.match(text)
    if m and m.group(2) in _WEEKDAYS:
        which, target = (m.group(1) or "").strip(), _WEEKDAYS[m.group(2)]
        if which == "next":
            raise DateError(f"{shown} is ambiguous; write {m.group(2)!r} for the coming one "
                            "(today included) or give the date")
        if which == "last":
            back = (today.weekday() - target) % 7 or 7
            return PartialDate.from_date(today - dt.timedelta(days=back))
        return PartialDate.from_date(today + dt.timedelta(days=(target - today.weekday()) % 7))
    if _WORDY.match(text):
        return _month_name_date(text, shown)
    return None


def _month_name_date(text: str, shown: str) -> PartialDate | None:
    """'Dec 2017', '14 December 2017', 'Dec 14, 2017', 'December 14th 2017'; a year is required."""
    tokens = re.findall(r"[a-z]+|\d+", text)
    months = [t for t in tokens if t in MONTHS]
    words = [t for t in tokens if t.isalpha() and t not in MONTHS and t not in ("st", "nd", "rd", "th", "of")]
    numbers = [t for t in tokens if t.isdigit()]
    if len(months) != 1 or words:
        return None
    years = [n for n in numbers if len(n) == 4]
    days = [n for n in numbers if len(n) <= 2]
    if len(years) != 1 or len(days) > 1 or len(years) + len(days) != len(numbers):
        if not years:
            raise DateError(f"{shown} has no year; add it, e.g. '{text} 2017'")
        return None
    month = MONTHS[months[0]]
    return PartialDate(int(years[0]), month, int(days[0]) if days else None)


def parse_time(text: str) -> dt.time:
    """'10:00', '09:30:15', '3pm', '3:30 pm' -> a time of day; raise DateError otherwise."""
    t = text.strip().lower().replace(" ", "")
    m = re.match(r"^(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?(am|pm)?$", t)
    if not m or (m.group(2) is None and m.group(4) is None):
        raise DateError(f"cannot understand the time {text.strip()!r}; use HH:MM (24-hour), e.g. 14:30")
    hour, minute, second = int(m.group(1)), int(m.group(2) or 0), int(m.group(3) or 0)
    if m.group(4):
        if not 1 <= hour <= 12:
            raise DateError(f"{text.strip()!r}: with am/pm the hour must be 1-12")
        hour = hour % 12 + (12 if m.group(4) == "pm" else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise DateError(f"{text.strip()!r} is not a time of day: hours run 00-23 and minutes 00-59 "
                        "(midnight is 00:00 of the next day)")
    return dt.time(hour, minute, second)


def parse_timezone(text: str) -> str:
    """Check an IANA timezone name such as America/New_York; refuse abbreviations such as EST."""
    name = text.strip()
    if name.upper() == "UTC":
        return "UTC"
    if "/" not in name or name.startswith("/") or ".." in name or len(name) > 64:
        raise DateError(f"{name!r} is not an IANA timezone name; use a name such as America/New_York or "
                        "Europe/London (abbreviations like EST or CST mean different things in different places)")
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise DateError(f"unknown timezone {name!r}; use an IANA name such as America/New_York") from None
    return name
