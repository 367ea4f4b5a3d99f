"""Reading a registry's CSV file: its encoding (UTF-8, else cp1252), its header, and each record's line number."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Iterator, NamedTuple

from nafta_log.errors import NaftaLogError

MAX_BYTES = 200_000_000


class CsvText(NamedTuple):
    """A CSV file's text and the encoding it was read with."""

    text: str
    encoding: str


def read_text(path: Path) -> CsvText:
    """The file's text: UTF-8 (a BOM is dropped), else cp1252; refuse what is neither, or too big."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise NaftaLogError(f"{path}: {size:,} bytes is more than the {MAX_BYTES:,} an import reads")
        raw = path.read_bytes()
    except IsADirectoryError:
        raise NaftaLogError(f"{path} is a folder; give a CSV file") from None
    except OSError as exc:
        raise NaftaLogError(f"cannot read {path}: {exc.strerror}") from None
    try:
        return CsvText(raw.decode("utf-8-sig"), "utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return CsvText(raw.decode("cp1252"), "cp1252")
    except UnicodeDecodeError as exc:
        raise NaftaLogError(f"{path}: byte 0x{raw[exc.start]:02x} at offset {exc.start} is neither UTF-8 nor "
                            "cp1252; save the file as UTF-8") from None


def records(text: str) -> Iterator[tuple[int, list[str]]]:
    """Each CSV record with the line it starts on (records may span lines: quoted newlines)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    try:
        for row in reader:
            yield start, row
            start = reader.line_num + 1
    except csv.Error as exc:
        raise NaftaLogError(f"line {reader.line_num}: not readable as CSV ({exc}); nothing was imported") from None


def with_header(text: str, path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """The header (stripped) and each later record as a dict keyed by it; short records are padded with ''."""
    it = records(text)
    try:
        _, header = next(it)
    except StopIteration:
        raise NaftaLogError(f"{path} is empty: no header row") from None
    header = [h.strip() for h in header]

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        """Each record after the header as a dict."""
        for line, row in it:
            yield line, {h: (row[i] if i < len(row) else "") for i, h in enumerate(header)}
    return header, rows()


def require(header: list[str], columns: tuple[str, ...], path: Path, preset: str) -> None:
    """Refuse a file that lacks a column the preset needs, naming them."""
    missing = [c for c in columns if c not in header]
    if missing:
        raise NaftaLogError(f"{path} has no column {', '.join(repr(c) for c in missing)}, which --preset {preset} "
                            f"needs; its columns are {', '.join(repr(h) for h in header if h)}")
