"""The explanation graph as a Mermaid flowchart (renders inside GitHub/GitLab Markdown).

One subgraph per layer, left to right; nodes styled by status with
``classDef``; each edge on its own line labelled with its role (``-.->`` for
undecided), coloured per role with ``linkStyle``.
"""

from __future__ import annotations

from typing import Any

from medpolicy.explain.render.layout import layer_titles, layers
from medpolicy.explain.render.style import (
    EDGE_LOOKS,
    FLAG_STROKE,
    NODE_LOOKS,
    flagged,
    status_line,
    style_key,
)
from medpolicy.textsafe import mermaid_text


def _text(text: str) -> str:
    """Text safe inside a quoted Mermaid label or title."""
    return mermaid_text(text)


def _class(key: str) -> str:
    return key.replace("-", "_")


def render_mermaid(graph: Any) -> str:
    """A Mermaid ``flowchart LR`` of ``graph``: one line per node and one per edge."""
    ids = {node: f"n{i}" for i, node in enumerate(graph.nodes)}
    info = graph.graph
    out = [
        "---",
        f"title: \"{_text(info['case'])}: {info['verdict'].upper()} ({info['view']} view)\"",
        "---",
        "flowchart LR",
    ]
    for number, (layer, title) in enumerate(zip(layers(graph), layer_titles(graph), strict=True)):
        out.append(f'  subgraph layer{number}["{_text(title)}"]')
        for node in layer:
            attrs = graph.nodes[node]
            label = f"<b>{_text(str(attrs['label']))}</b><br/>{_text(status_line(attrs))}"
            out.append(f'    {ids[node]}["{label}"]:::{_class(style_key(attrs))}')
        out.append("  end")
    by_role: dict[str, list[str]] = {}
    for number, (source, target, role) in enumerate(graph.edges(data="role")):
        arrow = "-.->" if role == "undecided" else "-->"
        out.append(f"  {ids[source]} {arrow}|{_text(str(role))}| {ids[target]}")
        by_role.setdefault(role, []).append(str(number))
    for key, look in NODE_LOOKS.items():
        dash = ",stroke-dasharray:4 3" if look.dashed else ""
        colour = ",color:#ffffff" if key.startswith("verdict") else ""
        out.append(f"  classDef {_class(key)} fill:{look.fill},stroke:{look.stroke}{dash}{colour}")
    out += [f"  style {ids[n]} stroke:{FLAG_STROKE},stroke-width:3px"
            for n, attrs in graph.nodes(data=True) if flagged(attrs)]
    for role, numbers in by_role.items():
        colour, dash, _ = EDGE_LOOKS[role]
        dashing = f",stroke-dasharray:{dash}" if dash else ""
        out.append(f"  linkStyle {','.join(numbers)} stroke:{colour}{dashing}")
    return "\n".join(out) + "\n"
