"""The explanation graph as Graphviz DOT text (for ``dot -Tsvg`` and friends).

Left to right, one rank per layer (facts, criteria, rows, verdict), nodes
filled by status, each edge on its own line labelled with its role.
"""

from __future__ import annotations

from typing import Any

from medpolicy.explain.render.layout import layers
from medpolicy.explain.render.style import (
    EDGE_LOOKS,
    FLAG_STROKE,
    NODE_LOOKS,
    flagged,
    status_line,
    style_key,
)
from medpolicy.textsafe import visible


def _quote(text: str) -> str:
    """A DOT double-quoted string (backslashes, quotes and newlines escaped)."""
    shown = visible(text, keep="\n")
    escaped = shown.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _node_line(node: str, attrs: dict[str, Any]) -> str:
    look = NODE_LOOKS[style_key(attrs)]
    style = "rounded,filled" + (",dashed" if look.dashed else "")
    text_colour = "white" if attrs["kind"] == "verdict" else "black"
    label = _quote(f"{attrs['label']}\n{status_line(attrs)}")
    stroke, width = (FLAG_STROKE, 3) if flagged(attrs) else (look.stroke, 1)
    return (f"  {_quote(node)} [label={label}, style={_quote(style)}, "
            f"fillcolor={_quote(look.fill)}, color={_quote(stroke)}, "
            f"fontcolor={text_colour}, penwidth={width}];")


def render_dot(graph: Any) -> str:
    """DOT text of ``graph``: one line per node, one line per edge, one rank per layer."""
    info = graph.graph
    title = f"{info['case']}: {info['verdict'].upper()} ({info['view']} view)"
    out = [
        "digraph explanation {",
        f"  graph [rankdir=LR, ranksep=1.2, nodesep=0.25, label={_quote(title)}, "
        'labelloc=t, fontname="Helvetica"];',
        '  node [shape=box, fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]
    out += [_node_line(node, attrs) for node, attrs in graph.nodes(data=True)]
    for layer in layers(graph):
        out.append("  { rank=same; " + " ".join(f"{_quote(n)};" for n in layer) + " }")
    for source, target, role in graph.edges(data="role"):
        colour, dash, _ = EDGE_LOOKS[role]
        style = "solid" if not dash else ("dashed" if role == "blocks" else "dotted")
        out.append(f"  {_quote(source)} -> {_quote(target)} [label={_quote(role)}, "
                   f"color={_quote(colour)}, fontcolor={_quote(colour)}, style={style}];")
    out.append("}")
    return "\n".join(out) + "\n"
