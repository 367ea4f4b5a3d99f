"""A fast reader for the one shape of TOML that nafta-log writes; anything else is left to tomllib.

tomllib reads a file character by character in Python, about 150 microseconds for a meeting record; building the
index of a 100,000-meeting log spent most of its time there. The files nafta-log writes (tomltext.dumps) use a small,
regular part of TOML: one `key = value` a line with bare keys, `[name]` and `[[name]]` headers, text without escapes,
lists of such text on one line or one item a line, dates, times of day, integers and booleans. `parse` reads exactly that, a
line at a time with regular expressions, and returns None the moment it meets anything else (an escape, a
multi-line string, a quoted key, a float, a time, odd spacing, a duplicate key...), so that the caller asks tomllib:
the result is either tomllib's own or nothing. tests/test_tomlfast.py holds it to that over generated records
and mutated files.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

# Text that tomllib would refuse anywhere (control characters other than tab and newline), or that needs care (\r).
_REFUSED = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_KEY_VALUE = re.compile(r"([A-Za-z0-9_-]+) = (.*)")
_KEY_TEXT = re.compile(r'([A-Za-z0-9_-]+) = "([^"\\\x00-\x1f\x7f]*)"')  # the commonest line, in one match
_TEXT = re.compile(r'"([^"\\\x00-\x1f\x7f]*)"')  # a basic string without escapes
_ONE_LINE_LIST = re.compile(r'\[((?:"[^"\\\x00-\x1f\x7f]*")(?:, "[^"\\\x00-\x1f\x7f]*")*)?\]')
_ITEM = re.compile(r'    "([^"\\\x00-\x1f\x7f]*)",')
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_TIME = re.compile(r"(\d{2}):(\d{2}):(\d{2})")
_CLOCK = ((_DATE, dt.date), (_TIME, dt.time))  # a day as YYYY-MM-DD, a time of day as HH:MM:SS
_INT = re.compile(r"0|-?[1-9][0-9]{0,17}")
_HEADER = re.compile(r"(\[\[?)([A-Za-z0-9_-]+)(\]\]?)")


def parse(text: str) -> dict[str, Any] | None:
    """The table tomllib would make of `text`, if `text` is in the shape nafta-log writes; otherwise None."""
    if _REFUSED.search(text):
        return None
    root: dict[str, Any] = {}
    table = root
    arrays: set[str] = set()  # names of the [[arrays]] of tables this reader made
    lines = text.split("\n")
    i, count = 0, len(lines)
    while i < count:
        line = lines[i]
        i += 1
        if not line or line[0] == "#":
            continue
        simple = _KEY_TEXT.fullmatch(line)
        if simple is not None:
            key, value = simple.groups()
            if key in table:
                return None
            table[key] = value
            continue
        kv = _KEY_VALUE.fullmatch(line)
        if kv is None:
            header = _HEADER.fullmatch(line)
            if header is None:
                return None
            opening, name, closing = header.groups()
            if opening == "[[" and closing == "]]":
                if name in root and name not in arrays:
                    return None
                arrays.add(name)
                table = {}
                root.setdefault(name, []).append(table)
            elif opening == "[" and closing == "]":
                if name in root:
                    return None
                table = root[name] = {}
            else:
                return None
            continue
        key, raw = kv.groups()
        if key in table:
            return None
        if raw == "[":  # a list written one item a line
            items = []
            while i < count and lines[i] != "]":
                item = _ITEM.fullmatch(lines[i])
                if item is None:
                    return None
                items.append(item.group(1))
                i += 1
            if i == count:
                return None
            i += 1
            table[key] = items
            continue
        value = _value(raw)
        if value is None:
            return None
        table[key] = value
    return root


def _value(raw: str) -> Any:
    """One value written on one line, or None when it is not one of the simple kinds."""
    first = raw[:1]
    if first == '"':
        m = _TEXT.fullmatch(raw)
        return m.group(1) if m else None
    if first == "[":
        m = _ONE_LINE_LIST.fullmatch(raw)
        if m is None:
            return None
        inner = m.group(1)
        return [] if inner is None else inner[1:-1].split('", "')
    if raw == "true":
        return True
    if raw == "false":
        return False
    for pattern, make in _CLOCK:
        m = pattern.fullmatch(raw)
        if m:
            try:
                return make(*map(int, m.groups()))
            except ValueError:  # no such day or time: tomllib refuses it
                return None
    if _INT.fullmatch(raw):
        return int(raw)
    return None
