"""The fast reader gives tomllib's own answer or none at all (then tomllib reads the file)."""

from __future__ import annotations

import datetime as dt
import random
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from nafta_log import records, tomlfast, tomltext
from nafta_log.model import Meeting, Stakeholder

from conftest import REPO, SAMPLE
from test_records import meetings, stakeholders


def _tomllib(text: str) -> dict[str, Any] | None:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None


def _agrees(text: str) -> bool:
    """True when the fast reader declined, or read exactly what tomllib reads (never a file tomllib refuses)."""
    fast = tomlfast.parse(text)
    return fast is None or fast == _tomllib(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(meetings())
def test_any_meeting_as_written_reads_as_tomllib_reads_it(m: Meeting) -> None:
    """Generated meetings (any text, dates, times, sources, unknown keys), written by nafta-log, read alike."""
    text = tomltext.dumps(records.meeting_to_table(m))
    assert _agrees(text)


@settings(max_examples=300, deadline=None)
@given(stakeholders)
def test_any_stakeholder_as_written_reads_as_tomllib_reads_it(s: Stakeholder) -> None:
    """Generated stakeholders with roles read alike."""
    assert _agrees(tomltext.dumps(records.stakeholder_to_table(s)))


def test_the_files_nafta_log_writes_take_the_fast_path(tmp_path: Path) -> None:
    """Every file of a generated 300-meeting log but topics.toml is read by the fast reader, as tomllib reads it."""
    log = tmp_path / "log"
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "gen_log.py"), str(log), "--meetings", "300"],
                   check=True, capture_output=True)
    files = sorted(p for p in log.rglob("*.toml") if ".nafta-log" not in p.parts)
    fast = {p.relative_to(log).as_posix(): tomlfast.parse(p.read_text(encoding="utf-8")) for p in files}
    assert [rel for rel, table in fast.items() if table is None] == ["topics.toml"]
    assert all(table == tomllib.loads((log / rel).read_text(encoding="utf-8"))
               for rel, table in fast.items() if table is not None)
    for path in sorted(SAMPLE.rglob("*.toml")):
        assert _agrees(path.read_text(encoding="utf-8")), path


@pytest.mark.parametrize("text", [
    'a = "x"\na = "y"\n',  # a key set twice
    '[[s]]\nx = 1\n[s]\ny = 2\n',  # an array of tables, then a table of the same name
    's = "x"\n[[s]]\n',  # a key, then an array of tables of the same name
    'a = "x" # note\n',  # a comment after a value
    'a = "say \\"hi\\""\n',  # an escape
    'a = """two\nlines"""\n',  # a multi-line string
    'date = 2017-02-30\n',  # no such day
    'time = 25:00:00\n',  # no such hour
    'a = 1.5\n',  # a float
    'a = [\n    "x",\n',  # a list never closed
    'a = [\n    "x"\n]\n',  # a list item without its comma
    'a  = "x"\n',  # spacing nafta-log does not write
    '"quoted key" = "x"\n',
    'a.b = "x"\n',  # a dotted key
    '[topics.nafta]\nname = "NAFTA"\n',  # a dotted table name
    'a = "x"\r\n',  # a carriage return
    'a = "tab\there"\n',  # a tab inside text
    '  a = "x"\n',  # indentation
    'a = 0123\n',  # a leading zero
    'a = +1\n',
])
def test_anything_else_is_left_to_tomllib(text: str) -> None:
    """Each of these is either refused by tomllib or outside the shape nafta-log writes: the fast reader declines."""
    assert tomlfast.parse(text) is None


def test_the_simple_kinds_come_back_as_tomllib_makes_them() -> None:
    """Text, lists on one line and one item a line, dates, times, integers, booleans, tables, arrays of tables."""
    text = ('title = "Café – talks"\ndate = 2017-12-14\ntime = 09:30:00\nn = -42\nok = true\nno = false\n'
            'empty = []\nmany = ["a, b", "c"]\nlong = [\n    "x",\n    "y",\n]\n# a comment\n\n'
            '[[sources]]\nurl = ""\n\n[[sources]]\nurl = "u"\n\n[extra]\nk = 1\n')
    table = tomlfast.parse(text)
    assert table == tomllib.loads(text)
    assert table is not None and table["date"] == dt.date(2017, 12, 14) and table["time"] == dt.time(9, 30)
    assert table["many"] == ["a, b", "c"]


def test_thousands_of_mutated_files_never_read_differently() -> None:
    """Characters inserted, deleted or replaced in written records: the fast reader declines or agrees, always."""
    rng = random.Random(20171214)
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SAMPLE.rglob("*.toml"))]
    alphabet = list('"\\[]=,.#:- \n\t\r\x00\x7f0123456789aeztfl_') + ['"""', "\n[", "[[", "]]", " = "]
    read_fast = 0
    for _ in range(4000):
        text = rng.choice(seeds)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(text) + 1)
            action = rng.random()
            if action < 0.4:
                text = text[:at] + rng.choice(alphabet) + text[at:]
            elif action < 0.7:
                text = text[:at] + text[at + 1:]
            else:
                text = text[:at] + rng.choice(alphabet) + text[at + 1:]
        assert _agrees(text), text
        read_fast += tomlfast.parse(text) is not None
    assert read_fast > 500  # the mutations that keep the shape are read fast, and agree
