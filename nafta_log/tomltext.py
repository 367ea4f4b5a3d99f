"""TOML text <-> plain dicts: decoding with located errors, and a stable writer."""

from __future__ import annotations

import functools
import re
import tomllib
from typing import Any, Mapping


from nafta_log import tomlfast
from nafta_log.errors import Problem

MAX_FILE_BYTES = 1_000_000  # a record bigger than this is refused (see README, "Limits")
MAX_DEPTH = 20  # arrays and tables nested deeper than this are refused (records use three levels)
_POS_RE = re.compile(r"\(at line (\d+), column (\d+)\)")
_CONFLICT_RE = re.compile(r"^(<{7}|={7}|>{7}|\|{7})(\s|$)")
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_HEADER_RE = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x08\x0a-\x1f\x7f]')  # what tomli_w escapes in a basic string
_KEY_RE = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)\s*=""")


def decode(raw: bytes, path: str) -> tuple[dict[str, Any] | None, str, list[Problem]]:
    """Parse the bytes of one TOML file: its table (None if broken), its text, and the problems that stop it."""
    if len(raw) > MAX_FILE_BYTES:
        return None, "", [Problem(path, 1, None, f"file is {len(raw):,} bytes; records are limited to "
                                             f"{MAX_FILE_BYTES:,} bytes")]
    if raw.startswith(b"\xef\xbb\xbf"):
        return None, "", [Problem(path, 1, 1, "the file starts with a byte order mark (BOM), which TOML readers "
                                          "refuse; save it as UTF-8 without BOM")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, "", [Problem(path, line, col, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); "
                                               "save the file as UTF-8")]
    has_markers = "<<<<<<<" in text or "=======" in text or ">>>>>>>" in text or "|||||||" in text
    conflicts = [i for i, ln in enumerate(text.splitlines(), 1) if _CONFLICT_RE.match(ln)] if has_markers else []
    if conflicts:
        return None, text, [Problem(path, conflicts[0], 1, "unresolved merge conflict (git conflict markers on lines "
                                                     + ", ".join(map(str, conflicts[:6]))
                                                     + "); keep one version and delete the markers")]
    if not text.strip():
        return None, text, [Problem(path, 1, None, "empty file")]
    table = tomlfast.parse(text)  # the shape nafta-log writes, read fast; None for anything else
    if table is not None:
        return table, text, []
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return None, text, [located(path, exc, text)]
    except RecursionError:
        table = None
    if table is None or _too_deep(table):
        return None, text, [Problem(path, _deep_line(text), None, f"nested more than {MAX_DEPTH} levels deep "
                                                                  "(arrays or tables inside each other)")]
    return table, text, []


def _too_deep(table: Mapping[str, Any]) -> bool:
    """True when tables and arrays nest more than MAX_DEPTH levels (checked without recursion)."""
    stack: list[tuple[Any, int]] = [(table, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        # tomllib makes only dicts and lists; exact type tests keep this a small share of parsing a file
        children = value.values() if type(value) is dict else value
        stack.extend((v, depth + 1) for v in children if type(v) is dict or type(v) is list)
    return False


def _deep_line(text: str) -> int | None:
    """The first line where brackets (or a table header's dotted name) go more than MAX_DEPTH levels deep."""
    depth = 0
    quote = ""
    for number, line in enumerate(text.splitlines(), 1):
        if _HEADER_RE.match(line) and line.count(".") + 1 > MAX_DEPTH:
            return number
        for ch in line:
            if quote:
                quote = "" if ch == quote else quote
            elif ch in "\"'":
                quote = ch
            elif ch == "#":
                break
            elif ch in "[{":
                depth += 1
                if depth > MAX_DEPTH:
                    return number
            elif ch in "]}":
                depth -= 1
        quote = ""
    return None


def located(path: str, exc: tomllib.TOMLDecodeError, text: str) -> Problem:
    """Turn tomllib's error into a Problem with the line and column it names in its message."""
    msg = str(exc)
    line: int | None = getattr(exc, "lineno", None)
    col: int | None = getattr(exc, "colno", None)
    m = _POS_RE.search(msg)
    if m:
        line, col = int(m.group(1)), int(m.group(2))
        msg = msg[: m.start()].rstrip()
    elif "(at end of document)" in msg:
        msg = msg.replace("(at end of document)", "").rstrip()
        line, col = text.count("\n") + (0 if text.endswith("\n") else 1), None
    if "overwrite" in msg:
        dup = duplicate_key(text)
        if dup:
            key, line = dup
            return Problem(path, line, 1, f"TOML syntax: key {key!r} is set twice")
    return Problem(path, line, col, f"TOML syntax: {msg[:1].lower() + msg[1:]}")


def duplicate_key(text: str) -> tuple[str, int] | None:
    """The first key (or table) set a second time in `text`, with the line of the second setting."""
    seen: set[str] = set()
    prefix = ""
    counters: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        h = _HEADER_RE.match(raw)
        if h and not _KEY_RE.match(raw):
            name = h.group(2).replace(" ", "")
            if h.group(1) == "[[":
                counters[name] = counters.get(name, -1) + 1
                prefix = f"{name}.{counters[name]}"
            else:
                prefix = name
                if name in seen:
                    return name, number
                seen.add(name)
            continue
        k = _KEY_RE.match(raw)
        if k:
            full = f"{prefix}.{k.group(1)}" if prefix else k.group(1)
            if full in seen:
                return k.group(1).strip("\"'"), number
            seen.add(full)
    return None


@functools.lru_cache(maxsize=64)
def key_lines(text: str) -> dict[str, int]:
    """Map "key", "table.key", "roles" and "roles.1.key" to the line each is set on (first occurrence)."""
    lines: dict[str, int] = {}
    prefix = ""
    counters: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        h = _HEADER_RE.match(raw)
        if h and not _KEY_RE.match(raw):
            name = h.group(2).replace(" ", "")
            if h.group(1) == "[[":
                counters[name] = counters.get(name, -1) + 1
                prefix = f"{name}.{counters[name]}"
                lines.setdefault(name, number)
            else:
                prefix = name
            lines.setdefault(prefix, number)
            continue
        k = _KEY_RE.match(raw)
        if k:
            key = k.group(1).strip("\"'")
            lines.setdefault(f"{prefix}.{key}" if prefix else key, number)
    return lines


def dumps(table: Mapping[str, Any]) -> str:
    """Write a table as TOML: plain keys first, then sub-tables, arrays of tables as [[name]]."""
    return "\n".join(_emit(table, ())).strip("\n") + "\n"


_PLAIN = {str, int, float, bool}  # values that are never tables (checked first: isinstance on Mapping is slow)


def _emit(table: Mapping[str, Any], prefix: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    nested: list[tuple[str, Any]] = []
    for key, value in table.items():
        if value is None:
            continue
        if type(value) in _PLAIN or (type(value) is list and all(type(v) in _PLAIN for v in value)):
            out.append(f"{_key(key)} = {_literal(value)}")
        elif isinstance(value, Mapping) or _is_table_array(value):
            nested.append((key, value))
        else:
            out.append(f"{_key(key)} = {_literal(value)}")
    for key, value in nested:
        name = ".".join(_key(p) for p in (*prefix, key))
        items = [value] if isinstance(value, Mapping) else value
        for item in items:
            body = _emit(item, (*prefix, key))
            implicit = isinstance(value, Mapping) and item and all(
                isinstance(v, Mapping) or _is_table_array(v) for v in item.values())
            if not implicit:  # a table holding only tables needs no header of its own
                out.append("")
                out.append(f"[{name}]" if isinstance(value, Mapping) else f"[[{name}]]")
            out.extend(body)
    return out


def _literal(value: Any) -> str:
    """One value as TOML; a short array of plain values stays on one line."""
    if type(value) is str and not _NEEDS_ESCAPE.search(value):
        return f'"{value}"'  # what tomli_w writes for such text, without its cost (bulk imports write thousands)
    if type(value) is int:
        return str(value)
    if isinstance(value, (list, tuple)) and (all(type(v) in _PLAIN for v in value)
                                              or not any(isinstance(v, (Mapping, list, tuple)) for v in value)):
        one_line = "[" + ", ".join(_literal(v) for v in value) + "]"
        if len(one_line) <= 88 and "\n" not in one_line:
            return one_line
    import tomli_w
    # Multi-line strings read back with "\r\n" turned into "\n": use them only for plain text without "\r".
    multiline = isinstance(value, str) and "\r" not in value
    return tomli_w.dumps({"v": value}, multiline_strings=multiline).rstrip("\n")[4:]


def _is_table_array(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and bool(value) and all(isinstance(v, Mapping) for v in value)


@functools.lru_cache(maxsize=1024)
def _key(part: str) -> str:
    if _BARE_KEY.match(part):
        return part
    import tomli_w
    return tomli_w.dumps({part: 0}).split(" = ")[0]
