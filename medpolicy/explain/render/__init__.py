"""Renderers of an explanation graph, each a pure function of the graph.

``json`` (networkx node-link data), ``dot`` (Graphviz text), ``mermaid``,
``svg`` (drawn by the package, no Graphviz needed), ``html`` (one
self-contained page) and ``text`` (an indented tree for the terminal).
``markdown`` needs the decision too: see ``render_explanation_markdown``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from medpolicy.explain.render.dot import render_dot
from medpolicy.explain.render.html import render_html
from medpolicy.explain.render.markdown import render_explanation_markdown
from medpolicy.explain.render.mermaid import render_mermaid
from medpolicy.explain.render.nodelink import render_json
from medpolicy.explain.render.svg import render_svg
from medpolicy.explain.render.text import render_tree

RENDERERS: Mapping[str, Callable[[Any], str]] = {
    "text": render_tree,
    "json": render_json,
    "dot": render_dot,
    "mermaid": render_mermaid,
    "svg": render_svg,
    "html": render_html,
}


def render(graph: Any, fmt: str) -> str:
    """``graph`` in format ``fmt`` (a key of ``RENDERERS``)."""
    if fmt not in RENDERERS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(RENDERERS)}")
    return RENDERERS[fmt](graph)


__all__ = [
    "RENDERERS",
    "render",
    "render_dot",
    "render_explanation_markdown",
    "render_html",
    "render_json",
    "render_mermaid",
    "render_svg",
    "render_tree",
]
