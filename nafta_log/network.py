"""Who met whom as a network: stakeholders with their meeting counts, pairs with their shared meetings.

Feeds the `who --matrix` heat matrix, the graph that `graph` exports (render_graph.py) and the report.
Cancelled meetings never count.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, Iterable, NamedTuple

from nafta_log.ids import slugify
from nafta_log.model import Log, Meeting
from nafta_log.names import fold
from nafta_log.query import counted

GROUPINGS = ("country", "organization")
# Light fills that keep black text readable (ColorBrewer Set3), then grey for "other".
PALETTE = ("#8dd3c7", "#ffffb3", "#bebada", "#fb8072", "#80b1d3", "#fdb462", "#b3de69", "#fccde5", "#bc80bd",
           "#ccebc5", "#ffed6f", "#d9d9d9")
OTHER = "#eeeeee"


class Network(NamedTuple):
    """Stakeholder ids with their meeting counts, and pairs (a, b) with the meetings they shared."""

    nodes: dict[str, int]
    edges: dict[tuple[str, str], int]


def network(meetings: Iterable[Meeting]) -> Network:
    """Count each stakeholder's meetings and each pair's shared meetings (pairs keyed in id order)."""
    nodes: Counter[str] = Counter()
    edges: Counter[tuple[str, str]] = Counter()
    for m in meetings:
        if not counted(m):
            continue
        ps = sorted(dict.fromkeys(m.participants))
        nodes.update(ps)
        for i, a in enumerate(ps):
            for b in ps[i + 1:]:
                edges[(a, b)] += 1
    return Network(dict(nodes), dict(edges))


def most_active(log: Log, net: Network, top: int | None = None) -> list[str]:
    """Stakeholder ids by meeting count, most first (then by name), at most `top` of them."""
    ranked = sorted(net.nodes, key=lambda s: (-net.nodes[s], fold(log.name_of(s)), s))
    return ranked if top is None else ranked[:top]


class Node(NamedTuple):
    """A stakeholder in the graph."""

    id: str
    name: str
    meetings: int
    group: str


class Edge(NamedTuple):
    """Two stakeholders who shared `weight` meetings."""

    a: str
    b: str
    weight: int


class Graph(NamedTuple):
    """Nodes (most active first), edges (heaviest first), and each group's colour in legend order."""

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    colours: dict[str, str]
    grouping: str
    all_nodes: int = 0
    all_edges: int = 0  # pairs among the nodes shown, before max_edges

    def omitted(self) -> str:
        """What was left out, in words ("" when nothing was)."""
        parts = []
        if len(self.nodes) < self.all_nodes:
            parts.append(f"the {len(self.nodes)} most active of {self.all_nodes} stakeholders")
        if len(self.edges) < self.all_edges:
            parts.append(f"the {len(self.edges)} pair{'s' if len(self.edges) != 1 else ''} with most shared "
                         f"meetings of {self.all_edges}")
        return "Showing " + " and ".join(parts) + "." if parts else ""


def group_of(log: Log, sid: str, grouping: str) -> str:
    """The group a stakeholder is drawn in: its country, or its current organization (itself for one)."""
    s = log.stakeholders.get(sid)
    if s is None:
        return "unknown"
    if grouping == "country":
        return s.country or "no country"
    if s.kind == "organization":
        return s.name
    role = s.current_role()
    return log.name_of(role.organization) if role and role.organization else "no organization"


def build_graph(log: Log, meetings: Iterable[Meeting], grouping: str = "country", top: int | None = None,
          max_edges: int | None = None) -> Graph:
    """The network of `meetings`: the `top` most active stakeholders, and the `max_edges` heaviest pairs among them.

    None means all of them.
    """
    if grouping not in GROUPINGS:
        raise ValueError(f"--group-by must be one of {', '.join(GROUPINGS)}, not {grouping!r}")
    net = network(meetings)
    nodes = tuple(Node(s, log.name_of(s), net.nodes[s], group_of(log, s, grouping))
                  for s in most_active(log, net, top))
    kept = {n.id for n in nodes}
    edges = tuple(Edge(a, b, w) for (a, b), w in sorted(net.edges.items(), key=lambda kv: (-kv[1], kv[0]))
                  if a in kept and b in kept)
    shown = edges[:max_edges] if max_edges is not None else edges
    size: dict[str, int] = {}
    for n in nodes:
        size[n.group] = size.get(n.group, 0) + 1
    groups = sorted(size, key=lambda g: (-size[g], fold(g)))
    colours = {g: PALETTE[i] if i < len(PALETTE) - 1 else OTHER for i, g in enumerate(groups)}
    return Graph(nodes, shown, colours, grouping, len(net.nodes), len(edges))


class Matrix(NamedTuple):
    """The who-met-whom matrix: counts[i][j] is the meetings ids[i] and ids[j] shared."""

    ids: tuple[str, ...]
    names: tuple[str, ...]
    abbreviations: tuple[str, ...]
    totals: tuple[int, ...]
    counts: tuple[tuple[int, ...], ...]


def matrix(log: Log, meetings: Iterable[Meeting], top: int = 10) -> Matrix:
    """The matrix of the `top` most active stakeholders in `meetings`, the most active first."""
    if top < 1:
        raise ValueError("--top must be at least 1")
    net = network(meetings)
    ids = most_active(log, net, top)
    names = tuple(log.name_of(s) for s in ids)
    counts = tuple(tuple(net.edges.get((a, b) if a < b else (b, a), 0) if a != b else 0 for b in ids) for a in ids)
    return Matrix(tuple(ids), names, abbreviate(names), tuple(net.nodes[s] for s in ids), counts)


_SMALL_WORDS = {"of", "the", "and", "for", "de", "du", "la", "le", "des", "del", "et", "y", "on", "in", "to"}


def abbreviate(names: Iterable[str], size: int = 3) -> tuple[str, ...]:
    """Short distinct labels: initials of the main words ("Jerry Dias" -> "JD"), numbered when they clash."""
    base = []
    for name in names:
        words = [w for w in re.split(r"[\s\-–—_/.,()]+", slugify_words(name)) if w]
        main = [w for w in words if w.lower() not in _SMALL_WORDS] or words
        initials = "".join(w[0] for w in main).upper()
        if len(initials) < 2 and main:
            initials = main[0][:2].upper()
        base.append((initials[:size] or "?"))
    seen: Counter[str] = Counter(base)
    used: Counter[str] = Counter()
    out = []
    for b in base:
        if seen[b] > 1:
            used[b] += 1
            out.append(f"{b[:max(1, size - len(str(seen[b])))]}{used[b]}")
        else:
            out.append(b)
    return tuple(out)


def slugify_words(name: str) -> str:
    """`name` in plain ASCII letters and digits, word breaks kept as spaces (for initials)."""
    return " ".join(slugify(w) for w in name.split())


def matrix_dict(mx: Matrix) -> dict[str, Any]:
    """The matrix as JSON-ready data: the stakeholders in order, and the counts row by row."""
    people = [{"id": i, "name": n, "abbreviation": a, "meetings": t}
              for i, n, a, t in zip(mx.ids, mx.names, mx.abbreviations, mx.totals)]
    return {"stakeholders": people, "counts": [list(row) for row in mx.counts]}


def matrix_csv(mx: Matrix) -> tuple[list[dict[str, Any]], tuple[str, ...]]:
    """The matrix as CSV rows: id, name, meetings, then one column of shared meetings per stakeholder id."""
    rows = [{"id": i, "name": n, "meetings": t, **dict(zip(mx.ids, row))}
            for i, n, t, row in zip(mx.ids, mx.names, mx.totals, mx.counts)]
    return rows, ("id", "name", "meetings", *mx.ids)
