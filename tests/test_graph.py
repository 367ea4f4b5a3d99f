"""The network graph: nodes and edges from meetings, escaping in DOT, Mermaid and SVG, Graphviz missing."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import SAMPLE, invoke
from hostile import IMG, SCRIPT, add_hostile_records
from nafta_log import store
from nafta_log.network import build_graph as build
from nafta_log.render_graph import dot_string, edge_pen, mermaid_text, node_width, to_dot, to_mermaid

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed")
SVG = "{http://www.w3.org/2000/svg}"


def test_graph_of_the_sample_sizes_nodes_by_meetings_and_weights_edges() -> None:
    """Ross has the most meetings, Dias–Ross is the heaviest edge; groups are countries, biggest first."""
    lg = store.load(SAMPLE).log
    g = build(lg, lg.meetings.values())
    assert [(n.name, n.meetings, n.group) for n in g.nodes[:2]] == [("Wilbur Ross", 5, "US"), ("Jerry Dias", 4, "CA")]
    assert (g.edges[0].a, g.edges[0].b, g.edges[0].weight) == ("jerry-dias", "wilbur-ross", 4)
    assert len(g.edges) == 8 and len(g.nodes) == 8
    assert list(g.colours) == ["CA", "US", "CN", "MX"]
    assert node_width(5, 5) == 1.5 and node_width(1, 5) < node_width(2, 5) and node_width(0, 0) == 0.35
    assert edge_pen(4, 4) == 6 and edge_pen(1, 4) == 1 == edge_pen(1, 1)
    by_org = build(lg, lg.meetings.values(), "organization")
    assert {n.id: n.group for n in by_org.nodes}["jerry-dias"] == "Unifor"
    with pytest.raises(ValueError, match="country, organization"):
        build(lg, [], "colour")


def test_dot_strings_are_quoted_and_show_literally() -> None:
    """Quotes, backslashes (Graphviz escapes like \\N) and entities are escaped; control characters made visible."""
    assert dot_string('a "b" \\N &lt; \x1b') == '"a \\"b\\" \\\\N &amp;lt; \\\\x1b"'


def test_mermaid_labels_encode_everything_but_plain_text() -> None:
    """Markup and quotes in a Mermaid label become #NNN; codes."""
    assert mermaid_text('Dias "x" <b>') == "Dias #34;x#34; #60;b#62;"
    assert mermaid_text(IMG).count("<") == 0 and '"' not in mermaid_text(IMG)


def _hostile(tmp_path: Path) -> Path:
    """A copy of the sample log with hostile records added."""
    root = tmp_path / "log"
    shutil.copytree(SAMPLE, root)
    add_hostile_records(root)
    return root


def test_dot_and_mermaid_of_a_hostile_log_have_no_raw_markup(tmp_path: Path) -> None:
    """The DOT and Mermaid files keep hostile names inside escaped strings."""
    root = _hostile(tmp_path)
    dot = invoke(["graph", "--format", "dot"], log=root)
    assert dot.exit_code == 0, dot.output
    assert 'xlabel="\\"><img src=x onerror=alert(1)>"' in dot.stdout
    assert f'xlabel="{SCRIPT}"' in dot.stdout
    assert "<td bgcolor=\"#8dd3c7\">CA</td>" in dot.stdout
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in dot.stdout  # the hostile country in the legend
    mermaid = invoke(["graph", "--format", "mermaid"], log=root)
    assert "<" not in mermaid.stdout and ">" not in mermaid.stdout
    assert all(line.count('"') in (0, 2) for line in mermaid.stdout.splitlines())
    assert "#60;script#62;alert(1)#60;#47;script#62;" in mermaid.stdout


@needs_dot
def test_svg_of_a_hostile_log_shows_the_names_as_text(tmp_path: Path) -> None:
    """Graphviz's SVG parses as XML, holds no script or img element, and shows the hostile names as text."""
    root = _hostile(tmp_path)
    out = tmp_path / "g.svg"
    result = invoke(["graph", "-o", str(out)], log=root)
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Wrote {out}\n"
    tree = ET.fromstring(out.read_text("utf-8"))
    tags = {el.tag.replace(SVG, "") for el in tree.iter()}
    assert not tags & {"script", "img", "foreignObject", "iframe"}
    texts = [el.text for el in tree.iter(f"{SVG}text")]
    assert SCRIPT in texts and IMG in texts and "Jerry Dias" in texts
    assert all(not k.startswith("on") for el in tree.iter() for k in el.attrib)


@needs_dot
def test_svg_filters_like_meetings() -> None:
    """`--person Dias` keeps only Dias's meetings: two nodes and their one edge."""
    result = invoke(["graph", "--person", "Dias", "--format", "svg"], log=SAMPLE)
    tree = ET.fromstring(result.stdout)
    texts = {el.text for el in tree.iter(f"{SVG}text")}
    assert {"Jerry Dias", "Wilbur Ross"} <= texts and "Donald Trump" not in texts
    assert len([g for g in tree.iter(f"{SVG}g") if g.get("class") == "edge"]) == 1


def test_svg_without_graphviz_fails_with_a_clear_message(tmp_path: Path) -> None:
    """With no `dot` on PATH: exit 1, a line saying what to install, and nothing written."""
    out = tmp_path / "g.svg"
    result = invoke(["graph", "-o", str(out)], log=SAMPLE, PATH=str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: the SVG graph is drawn by Graphviz, and its `dot` command is not "
                                    "installed; install it (Debian/Ubuntu: apt-get install graphviz")
    assert not out.exists()
    assert invoke(["graph", "--format", "dot"], log=SAMPLE, PATH=str(tmp_path)).exit_code == 0


def test_graph_rejects_unknown_formats_and_groupings() -> None:
    """Bad --format or --group-by values are usage errors."""
    result = invoke(["graph", "--format", "png"], log=SAMPLE)
    assert result.exit_code == 2 and "--format must be svg, dot or mermaid, not 'png'" in result.stderr
    assert invoke(["graph", "--group-by", "party"], log=SAMPLE).exit_code == 2


def test_dot_lists_every_node_and_edge_once() -> None:
    """The DOT text has one node line per stakeholder and one edge line per pair."""
    lg = store.load(SAMPLE).log
    text = to_dot(build(lg, lg.meetings.values()))
    assert text.count(" -- ") == 8
    assert text.count("xlabel=") == 8
    assert '"jerry-dias" -- "wilbur-ross" [penwidth=6.0' in text
    assert "splines=true" in text and "layout=neato" in text
    assert to_mermaid(build(lg, [])).splitlines() == ["graph LR"]


def test_large_graphs_keep_the_most_active_and_the_heaviest_pairs() -> None:
    """--top and --max-edges keep the busiest part of the network and say what was left out."""
    lg = store.load(SAMPLE).log
    g = build(lg, lg.meetings.values(), top=4, max_edges=1)
    assert [n.name for n in g.nodes] == ["Wilbur Ross", "Jerry Dias", "Canadian trade delegation", "Justin Trudeau"]
    assert [(e.a, e.b) for e in g.edges] == [("jerry-dias", "wilbur-ross")]
    assert g.omitted() == ("Showing the 4 most active of 8 stakeholders and the 1 pair with most shared meetings "
                           "of 2.")
    assert build(lg, lg.meetings.values()).omitted() == ""
    result = invoke(["graph", "--format", "dot", "--top", "2"], log=SAMPLE)
    assert result.stderr == ("note: Showing the 2 most active of 8 stakeholders. Change it with --top and "
                             "--max-edges.\n")
    assert result.stdout.count(" -- ") == 1
