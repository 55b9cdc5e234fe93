"""The network view of a region's linkages, drawn as SVG with networkx's layout.

A region whose linked enterprises the viewer may all see, and that has at most
:data:`NODE_LIMIT` of them, is drawn node by node; otherwise (and always for public pages) the
enterprises are summarised by KBLI division and BPS size class: one node per group, one edge per
pair of groups with the number of linkages. Public figures pass disclosure control: a group of
fewer than the minimum number of enterprises (LUMBUNG_DISCLOSURE_MIN_FIRMS, 3 as BPS) is merged
into "other", and an edge count of fewer than that many linkages is shown as "◆" (hidden).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from xml.sax.saxutils import escape

import networkx as nx

from lumbung import conf

NODE_LIMIT = 30
WIDTH, HEIGHT = 360, 300


@dataclass(frozen=True)
class Edge:
    a: str
    b: str
    count: int


def min_firms() -> int:
    return int(conf.get("LUMBUNG_DISCLOSURE_MIN_FIRMS"))


def summarise(links: list[tuple[int, str, int, str]], public: bool) -> tuple[dict[str, int], list[Edge]]:
    """``links``: (ikm id, ikm group, partner id, partner group). Nodes (group -> enterprises) and
    edges (group pair -> linkages), with small groups merged into "other" when ``public``."""
    members: dict[str, set[int]] = {}
    for ikm, g1, partner, g2 in links:
        members.setdefault(g1, set()).add(ikm)
        members.setdefault(g2, set()).add(partner)
    least = min_firms() if public else 1
    rename = {g: (g if len(m) >= least else "other") for g, m in members.items()}
    nodes: dict[str, set[int]] = {}
    for group, ids in members.items():
        nodes.setdefault(rename[group], set()).update(ids)
    counts: dict[tuple[str, str], int] = {}
    for _ikm, g1, _partner, g2 in links:
        key = (rename[g1], rename[g2])
        counts[key] = counts.get(key, 0) + 1
    return {g: len(ids) for g, ids in nodes.items()}, [Edge(a, b, n) for (a, b), n in sorted(counts.items())]


def svg(nodes: dict[str, int], edges: list[Edge], title: str, public: bool, labels: dict[str, str] | None = None) -> str:
    """An SVG (viewBox, so it scales to the page's width) of the graph; edges labelled with their count."""
    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    for edge in edges:
        if edge.a != edge.b:
            graph.add_edge(edge.a, edge.b, weight=edge.count)
    positions = nx.spring_layout(graph, seed=12, k=1.6 / math.sqrt(max(len(nodes), 1))) if nodes else {}
    least = min_firms() if public else 1

    def at(node):
        x, y = positions[node]
        return 40 + (x + 1) / 2 * (WIDTH - 80), 30 + (y + 1) / 2 * (HEIGHT - 60)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'class="network-graph"><title>{escape(title)}</title>']
    for edge in edges:
        if edge.a == edge.b:
            continue
        (x1, y1), (x2, y2) = at(edge.a), at(edge.b)
        shown = str(edge.count) if edge.count >= least else "◆"
        parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#8a9bb0" '
                     f'stroke-width="{1 + min(edge.count, 8) * 0.5:.1f}"/>')
        parts.append(f'<text x="{(x1 + x2) / 2:.1f}" y="{(y1 + y2) / 2:.1f}" font-size="10" fill="#234">'
                     f'{escape(shown)}</text>')
    for node, size in nodes.items():
        x, y = at(node)
        radius = 5 + min(size, 20) ** 0.5 * 2
        label = (labels or {}).get(node, node)
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="#2f6f4e" opacity="0.85">'
                     f'<title>{escape(label)}: {size}</title></circle>')
        parts.append(f'<text x="{x:.1f}" y="{y - radius - 3:.1f}" font-size="9" text-anchor="middle">'
                     f'{escape(label[:28])}</text>')
    parts.append("</svg>")
    return "".join(parts)
