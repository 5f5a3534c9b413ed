"""The explanation graph drawn as SVG by the package itself (no Graphviz needed).

A title with the verdict, column headers, the layered layout of ``layout``,
nodes filled by status (facts the documentation request names get a heavy
purple border), edges coloured and dashed by role with arrowheads, and a
legend of every style the drawing uses. Each node is one ``<g class="node">``
with a ``<title>`` tooltip that carries its question, condition or reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from medpolicy.explain.render.layout import Box, Point, layout
from medpolicy.explain.render.style import (
    EDGE_LOOKS,
    FLAG_STROKE,
    NODE_LOOKS,
    flagged,
    status_line,
    style_key,
)
from medpolicy.textsafe import xml_text as escape

FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
MARGIN = 24.0
TITLE_HEIGHT = 78.0
HEADER_HEIGHT = 26.0
LEGEND_ROW = 24.0
LEGEND_CHAR = 6.6
MIN_WIDTH = 760.0


def quoteattr(value: str) -> str:
    """A double-quoted XML attribute value, every special and control character escaped."""
    return f'"{escape(value)}"'



def _attrs(**values: object) -> str:
    return " ".join(f"{k.rstrip('_').replace('_', '-')}={quoteattr(str(v))}"
                    for k, v in values.items())


def tooltip(attrs: Mapping[str, Any]) -> str:
    """The detail a node's tooltip shows: question, condition, reason and sources."""
    kind = attrs["kind"]
    if kind == "fact":
        return f"{attrs['label']} = {attrs['display']}\n{attrs['question']}".rstrip()
    if kind == "criterion":
        text = f"{attrs['label']}: {attrs['when']}"
        return f"{text}\n{attrs['description']}".rstrip()
    if kind in ("row", "otherwise"):
        cites = f" [{', '.join(attrs['sources'])}]" if attrs["sources"] else ""
        return f"{attrs['label']}: when {attrs['when']} -> {attrs['outcome']}\n" \
               f"{attrs['reason']}{cites}"
    return str(attrs["text"])


def _node(number: int, node: str, attrs: Mapping[str, Any], box: Box) -> list[str]:
    look = NODE_LOOKS[style_key(attrs)]
    stroke, width = (FLAG_STROKE, 3) if flagged(attrs) else (look.stroke, 1.5)
    dash = ' stroke-dasharray="5 3"' if look.dashed else ""
    head = _attrs(class_="node", id=f"node-{number}", data_id=node, data_kind=attrs["kind"],
                  data_status=attrs["status"])
    out = [f"<g {head}>", f"<title>{escape(tooltip(attrs))}</title>",
           f'<rect x="{box.x:.1f}" y="{box.y:.1f}" width="{box.width:.1f}" '
           f'height="{box.height:.1f}" rx="8" fill="{look.fill}" stroke="{stroke}" '
           f'stroke-width="{width}"{dash}/>']
    if attrs["kind"] == "verdict":
        middle = box.x + box.width / 2
        out.append(f'<text x="{middle:.1f}" y="{box.y + 30:.1f}" text-anchor="middle" '
                   f'font-size="22" font-weight="bold" fill="#ffffff">'
                   f"{escape(str(attrs['label']))}</text>")
        out.append(f'<text x="{middle:.1f}" y="{box.y + 50:.1f}" text-anchor="middle" '
                   f'font-size="11" fill="#ffffff">{escape(status_line(attrs))}</text>')
    else:
        out.append(f'<text x="{box.x + 12:.1f}" y="{box.y + 18:.1f}" font-size="13" '
                   f'font-weight="bold" fill="#1a1a1a">{escape(str(attrs["label"]))}</text>')
        out.append(f'<text x="{box.x + 12:.1f}" y="{box.y + 34:.1f}" font-size="11" '
                   f'fill="#333333">{escape(status_line(attrs))}</text>')
    out.append("</g>")
    return out


def _path(points: list[Point]) -> str:
    """Curves across the gaps between columns, straight lines through columns."""
    x, y = points[0]
    parts = [f"M{x:.1f},{y:.1f}"]
    for number, (x2, y2) in enumerate(points[1:]):
        if number % 2:
            parts.append(f"L{x2:.1f},{y2:.1f}")
        else:
            bend = max((x2 - x) / 2, 20.0)
            parts.append(f"C{x + bend:.1f},{y:.1f} {x2 - bend:.1f},{y2:.1f} {x2:.1f},{y2:.1f}")
        x, y = x2, y2
    return " ".join(parts)


def _edge(source: str, target: str, role: str, points: list[Point]) -> str:
    colour, dash, _ = EDGE_LOOKS[role]
    end_x, end_y = points[-1]
    points = [*points[:-1], (end_x - 2, end_y)]
    dashing = f' stroke-dasharray="{dash}"' if dash else ""
    head = _attrs(class_="edge", data_source=source, data_target=target, data_role=role)
    return (f"<g {head}><title>{escape(f'{source} {role} {target}')}</title>"
            f'<path d="{_path(points)}" fill="none" stroke="{colour}" stroke-width="1.6"'
            f'{dashing} marker-end="url(#arrow-{role})"/></g>')


def _markers() -> list[str]:
    out = ["<defs>"]
    for role, (colour, _, _) in EDGE_LOOKS.items():
        out.append(f'<marker id="arrow-{role}" viewBox="0 0 10 10" refX="9" refY="5" '
                   f'markerWidth="8" markerHeight="8" orient="auto">'
                   f'<path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>')
    out.append("</defs>")
    return out


def _legend_items(graph: Any) -> list[tuple[str, str]]:
    """(kind of swatch, style or role) for every style and role the drawing uses."""
    keys = {style_key(attrs) for _, attrs in graph.nodes(data=True)}
    roles = {role for _, _, role in graph.edges(data="role")}
    items = [("node", key) for key in NODE_LOOKS if key in keys]
    items += [("edge", role) for role in EDGE_LOOKS if role in roles]
    if any(flagged(attrs) for _, attrs in graph.nodes(data=True)):
        items.append(("flag", ""))
    return items


def _legend_label(kind: str, key: str) -> str:
    if kind == "node":
        return NODE_LOOKS[key].legend
    if kind == "edge":
        return EDGE_LOOKS[key][2]
    return "named by the documentation request or a change"


def _legend(graph: Any, top: float, width: float) -> tuple[list[str], float]:
    out = ['<g class="legend">',
           f'<text x="{MARGIN}" y="{top + 14:.1f}" font-size="12" font-weight="bold" '
           f'fill="#1a1a1a">Legend</text>']
    x, y = MARGIN + 64, top
    for kind, key in _legend_items(graph):
        label = _legend_label(kind, key)
        size = 34 + len(label) * LEGEND_CHAR + 22
        if x + size > width - MARGIN and x > MARGIN + 64:
            x, y = MARGIN + 64, y + LEGEND_ROW
        if kind == "edge":
            colour, dash, _ = EDGE_LOOKS[key]
            dashing = f' stroke-dasharray="{dash}"' if dash else ""
            out.append(f'<line x1="{x:.1f}" y1="{y + 10:.1f}" x2="{x + 26:.1f}" '
                       f'y2="{y + 10:.1f}" stroke="{colour}" stroke-width="2"{dashing} '
                       f'marker-end="url(#arrow-{key})"/>')
        else:
            look = NODE_LOOKS.get(key)
            fill, stroke = (look.fill, look.stroke) if look else ("#ffffff", FLAG_STROKE)
            dash = ' stroke-dasharray="4 2"' if look and look.dashed else ""
            out.append(f'<rect x="{x:.1f}" y="{y + 2:.1f}" width="26" height="16" rx="4" '
                       f'fill="{fill}" stroke="{stroke}" '
                       f'stroke-width="{3 if kind == "flag" else 1.5}"{dash}/>')
        out.append(f'<text x="{x + 34:.1f}" y="{y + 14:.1f}" font-size="11" '
                   f'fill="#1a1a1a">{escape(label)}</text>')
        x += size
    out.append("</g>")
    return out, y + LEGEND_ROW - top


def render_svg(graph: Any) -> str:
    """A standalone SVG document of ``graph``."""
    info = graph.graph
    plan = layout(graph, left=MARGIN, top=TITLE_HEIGHT + HEADER_HEIGHT)
    policy = info["policy"]
    heading = f"{info['case']} — {policy['title']} ({policy['id']} {policy['version']})"
    view = ("why view: only what decided the verdict" if info["view"] == "why"
            else "full view: the whole table for this case")
    label = f"{heading}: {info['text']}"
    width = max(plan.width + MARGIN, MIN_WIDTH, len(heading) * 8.6 + 2 * MARGIN)
    legend, legend_height = _legend(graph, plan.height + 28, width)
    height = plan.height + 28 + legend_height + MARGIN
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family={quoteattr(FONT)} role="img" '
        f"aria-label={quoteattr(label)}>",
        f"<title>{escape(heading)}</title>",
        *_markers(),
        f'<rect x="0" y="0" width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>',
        f'<text x="{MARGIN}" y="30" font-size="16" font-weight="bold" fill="#1a1a1a">'
        f"{escape(heading)}</text>",
        f'<text x="{MARGIN}" y="52" font-size="14" fill="#1a1a1a">{escape(info["text"])}</text>',
        f'<text x="{MARGIN}" y="70" font-size="11" fill="#555555">{escape(view)}</text>',
        '<g class="columns">',
    ]
    for column in plan.columns:
        out.append(f'<text x="{column.x:.1f}" y="{TITLE_HEIGHT + 14:.1f}" font-size="12" '
                   f'font-weight="bold" fill="#555555">{escape(column.title)}</text>')
    out.append("</g>")
    out.append('<g class="edges">')
    for source, target, role in graph.edges(data="role"):
        out.append(_edge(source, target, role, plan.routes[(source, target)]))
    out.append("</g>")
    out.append('<g class="nodes">')
    for number, (node, attrs) in enumerate(graph.nodes(data=True)):
        out += _node(number, node, attrs, plan.boxes[node])
    out.append("</g>")
    out += legend
    out.append("</svg>")
    return "\n".join(out) + "\n"
