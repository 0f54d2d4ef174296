"""A lineage graph laid out by Graphviz (`dot`), as SVG to inline in a page."""

from __future__ import annotations

import html
from collections.abc import Sequence

# Fill colours per group: sources, then the medallion layers; other layers get grey.
COLOURS = {"source": "#e8e8e8", "raw": "#f3d9c4", "bronze": "#e6c29a", "silver": "#dfe3e8",
           "gold": "#f5df8c"}


def lineage_svg(nodes: Sequence[tuple[str, str, str]], edges: Sequence[tuple[str, str]],
                groups: Sequence[str]) -> str:
    """`nodes` (id, label, group) in one column per group, in `groups` order, left to right.
    Without Graphviz's `dot`, a note saying how to install it instead of the picture."""
    import graphviz

    graph = graphviz.Digraph("lineage", graph_attr={
        "rankdir": "LR", "nodesep": "0.25", "ranksep": "0.6", "fontname": "Helvetica",
        "fontsize": "11", "bgcolor": "transparent"},
        node_attr={"shape": "box", "style": "rounded,filled", "fontname": "Helvetica",
                   "fontsize": "10", "color": "#777777"},
        edge_attr={"color": "#888888", "arrowsize": "0.6"})
    for group in groups:
        members = [n for n in nodes if n[2] == group]
        if not members:
            continue
        with graph.subgraph(name=f"cluster_{group}") as cluster:
            cluster.attr(label=group, color="#cccccc", style="rounded")
            for node_id, label, _ in members:
                cluster.node(node_id, label, fillcolor=COLOURS.get(group, "#eeeeee"))
    for a, b in edges:
        graph.edge(a, b)
    try:
        svg = graph.pipe(format="svg", encoding="utf-8")
    except graphviz.ExecutableNotFound:
        return ('<p class="note">The lineage graph needs Graphviz\'s <code>dot</code> '
                "(Debian/Ubuntu: <code>apt-get install graphviz</code>; macOS: "
                "<code>brew install graphviz</code>). Edges: " +
                html.escape(", ".join(f"{a} → {b}" for a, b in edges)) + "</p>")
    return svg[svg.index("<svg"):]  # no XML prolog or doctype inside HTML
