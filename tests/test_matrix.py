"""The who-met-whom matrix: counts, abbreviations with a key, 80 columns, and `who --matrix`."""

from __future__ import annotations

import io
import json

from conftest import SAMPLE, cells, invoke, lines
from nafta_log.model import Log, Meeting, PartialDate, Settings, Stakeholder
from nafta_log.network import abbreviate, matrix, network
from nafta_log.render import make_console
from nafta_log.render_charts import heat_style, matrix_chart


def test_abbreviations_are_initials_of_the_main_words_and_distinct() -> None:
    """Initials skip small words and accents; clashes are numbered; one-word names take two letters."""
    assert abbreviate(["Jerry Dias", "Office of the US Trade Representative", "Élise Ørsted", "Unifor"]) == (
        "JD", "OUT", "EO", "UN")
    assert abbreviate(["John Doe", "Jane Doe", "Jim Dunn", "Wilbur Ross"]) == ("JD1", "JD2", "JD3", "WR")
    assert abbreviate([f"Ann Bo Cy {i}" for i in range(12)])[9:] == ("A10", "A11", "A12")
    assert abbreviate(["<script>", "李克强"])[0] == "SC"


def _log(meetings: list[Meeting], names: dict[str, str]) -> Log:
    """A log in memory with these meetings and people."""
    people = {i: Stakeholder(id=i, kind="person", name=n) for i, n in names.items()}
    return Log("/x", Settings(), people, {}, {m.id: m for m in meetings})


def _m(mid: str, *who: str, status: str = "held") -> Meeting:
    """A meeting on 1 May 2017 between `who`."""
    return Meeting(id=mid, title=mid, date=PartialDate(2017, 5, 1), participants=who, status=status)


def test_matrix_counts_shared_meetings_of_the_most_active_only() -> None:
    """Cells are shared meetings, symmetric; the top N by meetings; cancelled meetings do not count."""
    ms = [_m("1", "a", "b"), _m("2", "a", "b", "c"), _m("3", "a", "c"), _m("4", "b", "d", status="cancelled"),
          _m("5", "d", "a")]
    lg = _log(ms, {"a": "Ann Ash", "b": "Bob Best", "c": "Cy Cole", "d": "Di Dunn"})
    net = network(ms)
    assert net.nodes == {"a": 4, "b": 2, "c": 2, "d": 1}
    assert net.edges[("a", "b")] == 2 and ("b", "d") not in net.edges
    mx = matrix(lg, ms, top=3)
    assert mx.ids == ("a", "b", "c")
    assert mx.counts == ((0, 2, 2), (2, 0, 1), (2, 1, 0))
    assert mx.totals == (4, 2, 2)


def test_matrix_of_sixteen_long_names_fits_80_columns_with_a_key() -> None:
    """Sixteen stakeholders with long names: every line fits in 80 columns, names only in the key."""
    names = {f"p{i:02d}": f"Stakeholder Number{i:02d} Of Some Very Long Organization Name" for i in range(16)}
    ms = [_m(f"m{i}-{j}", f"p{i:02d}", f"p{j:02d}") for i in range(16) for j in range(i + 1, 16) if (i + j) % 3]
    lg = _log(ms, names)
    buf = io.StringIO()
    make_console(buf, {"COLUMNS": "80"}).print(matrix_chart(matrix(lg, ms, top=16)))
    out = buf.getvalue().splitlines()
    assert max(len(ln) for ln in out) <= 80
    assert "Stakeholder Number00 Of Some Very Long Organization Name" in buf.getvalue()
    assert out[1].split() == [f"S{i}" for i in range(1, 17)]


def test_heat_scale_spreads_one_to_the_peak_over_five_steps() -> None:
    """Zero is dim; the peak gets the hottest step; one of many the coolest."""
    assert heat_style(0, 9) == "dim"
    assert heat_style(9, 9) == "black on bright_green"
    assert heat_style(1, 9) == "on grey23"


def test_who_matrix_on_the_sample() -> None:
    """`who --matrix` shows Dias and Ross's four shared meetings, with a key of full names."""
    result = invoke(["who", "--matrix", "--top", "3"], log=SAMPLE)
    assert result.exit_code == 0, result.output
    out = lines(result.stdout)
    assert out[0] == "Who met whom: shared meetings of the 3 most active stakeholders"
    assert out[1].split() == ["WR", "JD", "CTD"]
    assert out[3].split() == ["WR", "-", "4", "·"]
    assert out[4].split() == ["JD", "4", "-", "·"]
    assert out[6] == "key"
    assert cells(out[7]) == ["WR", "Wilbur Ross", "5 meetings"]
    assert "\x1b" not in result.stdout
    data = json.loads(invoke(["who", "--matrix", "--top", "2", "--format", "json"], log=SAMPLE).stdout)
    assert data == {"stakeholders": [
        {"id": "wilbur-ross", "name": "Wilbur Ross", "abbreviation": "WR", "meetings": 5},
        {"id": "jerry-dias", "name": "Jerry Dias", "abbreviation": "JD", "meetings": 4}], "counts": [[0, 4], [4, 0]]}


def test_who_matrix_refuses_person_and_a_too_large_top() -> None:
    """--matrix with --person is a usage error, and so is --top past what fits 80 columns."""
    result = invoke(["who", "--matrix", "--person", "Dias"], log=SAMPLE)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "Error: --matrix shows the most active stakeholders; leave out --person"
    assert invoke(["who", "--matrix", "--top", "17"], log=SAMPLE).exit_code == 2
