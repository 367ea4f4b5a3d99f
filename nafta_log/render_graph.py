"""The stakeholder network (network.Graph) as DOT, Mermaid or SVG text.

Nodes are sized by meetings and coloured by group (country or organization); edges are as thick as the meetings
the pair shared. The SVG is laid out by Graphviz (`neato`, or `sfdp` for large graphs), run as a subprocess:
a well-kept layout engine that handles hundreds of nodes. Every label is untrusted text and is escaped for the
format it goes into.
"""

from __future__ import annotations

import html
import math
import shutil
import subprocess
from typing import Callable

from nafta_log.errors import NaftaLogError
from nafta_log.network import Graph
from nafta_log.safe import visible

SFDP_FROM = 150  # nodes; past this neato is slow and sfdp lays out better
CURVED_UP_TO = 80  # edges; routing curved edges around nodes takes Graphviz minutes for thousands


def node_width(meetings: int, peak: int) -> float:
    """The node's width in inches, 0.35 to 1.5: its area grows with its meetings, relative to the busiest node."""
    return round(0.35 + 1.15 * math.sqrt(meetings / peak), 2) if peak > 0 else 0.35


def edge_pen(weight: int, peak: int) -> float:
    """The edge's line width, 1 for one shared meeting to 6 for the heaviest pair, on a log scale."""
    return round(1 + 5 * math.log(weight) / math.log(peak), 2) if peak > 1 else 1.0


def dot_string(text: str) -> str:
    """`text` as a quoted DOT string that Graphviz shows literally.

    Invisible characters become visible escapes; backslashes are doubled (Graphviz reads \\N, \\n, \\l...
    in labels); quotes are escaped; & becomes &amp; (Graphviz decodes entities such as &lt; in labels).
    """
    body = visible(text).replace("\\", "\\\\").replace('"', '\\"').replace("&", "&amp;")
    return f'"{body}"'


def to_dot(g: Graph) -> str:
    """The graph in Graphviz's DOT language, with a legend of the groups as the graph's label."""
    lines = ["graph stakeholders {",
             '  graph [layout=neato, overlap=false, splines=true, outputorder=edgesfirst, fontname="Helvetica", '
             'fontsize=12, labelloc=b, labeljust=l, forcelabels=true, sep="+12"];',
             '  node [shape=circle, style=filled, fontname="Helvetica", fixedsize=true, color="#555555"];',
             '  edge [color="#00000066"];']
    if len(g.nodes) >= SFDP_FROM:
        lines[1] = lines[1].replace("layout=neato", "layout=sfdp")
    if len(g.edges) > CURVED_UP_TO:
        lines[1] = lines[1].replace("splines=true", "splines=false")
    top = max((n.meetings for n in g.nodes), default=0)
    heaviest = max((e.weight for e in g.edges), default=0)
    for n in g.nodes:
        tooltip = f"{n.name}: {n.meetings} meeting{'s' if n.meetings != 1 else ''}; {g.grouping}: {n.group}"
        lines.append(f"  {dot_string(n.id)} [label=\"{n.meetings}\", xlabel={dot_string(n.name)}, "
                     f"tooltip={dot_string(tooltip)}, width={node_width(n.meetings, top)}, "
                     f"fontsize=10, fillcolor=\"{g.colours[n.group]}\"];")
    names = {n.id: n.name for n in g.nodes}
    for e in g.edges:
        tooltip = f"{names[e.a]} – {names[e.b]}: {e.weight} shared meeting{'s' if e.weight != 1 else ''}"
        label = f', label="{e.weight}", fontsize=9' if e.weight > 1 and len(g.edges) <= CURVED_UP_TO else ""
        lines.append(f"  {dot_string(e.a)} -- {dot_string(e.b)} [penwidth={edge_pen(e.weight, heaviest)}, "
                     f"tooltip={dot_string(tooltip)}{label}];")
    lines.append(f"  label=<{legend_html(g)}>;")
    lines.append("}")
    return "\n".join(lines) + "\n"


def legend_html(g: Graph) -> str:
    """The legend as a Graphviz HTML-like label: a coloured cell per group, names HTML-escaped."""
    cells = "".join(f'<td bgcolor="{c}">{html.escape(visible(grp), quote=True)}</td>' for grp, c in g.colours.items())
    return (f'<table border="0" cellspacing="4" cellpadding="3"><tr><td>{html.escape(g.grouping)}:</td>'
            f"{cells}</tr></table>")


def mermaid_text(text: str) -> str:
    """`text` for inside a quoted Mermaid label: anything but plain letters, digits and spaces as #NNN; codes."""
    return "".join(c if c.isascii() and (c.isalnum() or c in " ,.()'-") else f"#{ord(c)};" for c in visible(text))


def to_mermaid(g: Graph) -> str:
    """The graph as a Mermaid flowchart: a subgraph per group, nodes coloured by group, edges labelled."""
    index = {n.id: f"n{i}" for i, n in enumerate(g.nodes)}
    group_ids = {grp: f"g{i}" for i, grp in enumerate(g.colours)}
    lines = ["graph LR"]
    for grp, gid in group_ids.items():
        lines.append(f"  classDef {gid} fill:{g.colours[grp]},stroke:#555,color:#000")
    for grp, gid in group_ids.items():
        lines.append(f'  subgraph {gid}_box["{mermaid_text(grp)}"]')
        for n in g.nodes:
            if n.group == grp:
                lines.append(f'    {index[n.id]}(["{mermaid_text(n.name)} ({n.meetings})"]):::{gid}')
        lines.append("  end")
    for e in g.edges:
        lines.append(f"  {index[e.a]} ---|{e.weight}| {index[e.b]}")
    heaviest = max((e.weight for e in g.edges), default=0)
    for i, e in enumerate(g.edges):
        lines.append(f"  linkStyle {i} stroke-width:{edge_pen(e.weight, heaviest)}px")
    return "\n".join(lines) + "\n"


Runner = Callable[..., "subprocess.CompletedProcess[bytes]"]


def to_svg(g: Graph, run: Runner = subprocess.run, dot: str | None = None) -> str:
    """The graph laid out and drawn by Graphviz as SVG text (no XML prolog, ready to inline in HTML)."""
    exe = dot or shutil.which("dot")
    if exe is None:
        raise NaftaLogError("the SVG graph is drawn by Graphviz, and its `dot` command is not installed; install "
                            "it (Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz), or use "
                            "--format dot or --format mermaid")
    try:
        done = run([exe, "-Tsvg"], input=to_dot(g).encode("utf-8"), capture_output=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise NaftaLogError(f"Graphviz failed to draw the graph ({type(exc).__name__}); try --format dot") from None
    if done.returncode != 0:
        first = visible(done.stderr.decode("utf-8", "replace").strip().splitlines()[0] if done.stderr else "")
        raise NaftaLogError(f"Graphviz failed to draw the graph: {first}")
    svg = done.stdout.decode("utf-8")
    return svg[svg.index("<svg"):]
