"""Every seed case (and a denial) in every format and view: the output parses and agrees."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest

from medpolicy import Decider, Policy, load_case
from medpolicy.explain.graph import VERDICT
from medpolicy.explain.render import (
    RENDERERS,
    render,
    render_explanation_markdown,
    render_svg,
)
from medpolicy.explain.render.text import node_text
from tests.explain_support import (
    CASES,
    DENY_CASE,
    SEED_004,
    explained,
    explained_with_actionable_history,
)

SVG = "{http://www.w3.org/2000/svg}"
VIEWS = ("why", "full")
PAIRS = [(case, view) for case in CASES for view in VIEWS]
PAIR_IDS = [f"{case.stem}-{view}" for case, view in PAIRS]


def _graph(case: Path, view: str) -> nx.DiGraph:
    return explained(case).view("why" if view == "why" else "full")


def _verdict(case: Path, esi: Policy, decider: Decider) -> str:
    return decider.decide(load_case(case, esi)).verdict


@pytest.mark.parametrize(("case", "view"), PAIRS, ids=PAIR_IDS)
def test_json_is_node_link_data(case: Path, view: str, esi: Policy, esi_decider: Decider) -> None:
    """JSON loads, rebuilds the same graph, and its verdict node is decide's verdict."""
    graph = _graph(case, view)
    data = json.loads(render(graph, "json"))
    again = nx.node_link_graph(data, edges="edges")
    assert set(again.nodes) == set(graph.nodes) and set(again.edges) == set(graph.edges)
    verdict = next(n for n in data["nodes"] if n["id"] == VERDICT)
    assert verdict["status"] == data["graph"]["verdict"] == _verdict(case, esi, esi_decider)
    assert all(e["role"] in ("supports", "blocks", "undecided") for e in data["edges"])


@pytest.mark.parametrize(("case", "view"), PAIRS, ids=PAIR_IDS)
def test_svg_is_well_formed_with_one_element_per_node(
    case: Path, view: str, esi: Policy, esi_decider: Decider
) -> None:
    """SVG parses as XML: one node group per graph node, one edge group per edge."""
    graph = _graph(case, view)
    root = ET.fromstring(render(graph, "svg"))
    assert root.tag == f"{SVG}svg"
    nodes = [g for g in root.iter(f"{SVG}g") if g.get("class") == "node"]
    edges = [g for g in root.iter(f"{SVG}g") if g.get("class") == "edge"]
    assert sorted(g.get("data-id") for g in nodes) == sorted(graph.nodes)
    assert sorted((g.get("data-source"), g.get("data-target")) for g in edges) == \
        sorted(graph.edges)
    verdict = next(g for g in nodes if g.get("data-id") == VERDICT)
    assert verdict.get("data-status") == _verdict(case, esi, esi_decider)
    texts = "".join(t.text or "" for t in verdict.iter(f"{SVG}text"))
    assert _verdict(case, esi, esi_decider).upper() in texts
    for rect in root.iter(f"{SVG}rect"):
        assert float(rect.get("width", "0")) > 0 and float(rect.get("height", "0")) > 0


def test_svg_boxes_do_not_overlap() -> None:
    """In the full view of a case, no two node boxes overlap."""
    root = ET.fromstring(render_svg(explained(SEED_004).full))
    boxes = []
    for group in root.iter(f"{SVG}g"):
        if group.get("class") == "node":
            rect = group.find(f"{SVG}rect")
            assert rect is not None
            boxes.append(tuple(float(rect.get(k, "0")) for k in ("x", "y", "width", "height")))
    for i, (x, y, w, h) in enumerate(boxes):
        for x2, y2, w2, h2 in boxes[i + 1:]:
            assert x + w <= x2 or x2 + w2 <= x or y + h <= y2 or y2 + h2 <= y


def test_svg_legend_names_every_style_used() -> None:
    """The legend of the seed-004 why view explains unknown facts, open rows and requests."""
    svg = render_svg(explained(SEED_004).why)
    legend = svg[svg.index('<g class="legend">'):]
    for words in ("fact unknown", "row open", "verdict: pend", "undecided",
                  "named by the documentation request"):
        assert words in legend
    assert "row excluded" not in legend


@pytest.mark.parametrize(("case", "view"), PAIRS, ids=PAIR_IDS)
def test_mermaid_has_one_line_per_edge(case: Path, view: str, esi: Policy,
                                       esi_decider: Decider) -> None:
    """Mermaid: a flowchart, one arrow line per edge, one labelled box per node."""
    graph = _graph(case, view)
    verdict = _verdict(case, esi, esi_decider)
    text = render(graph, "mermaid")
    lines = text.splitlines()
    assert "flowchart LR" in lines
    arrows = [ln for ln in lines if re.fullmatch(r"\s*n\d+ (-->|-\.->)\|\w+\| n\d+", ln)]
    assert len(arrows) == graph.number_of_edges()
    boxes = [ln for ln in lines if re.fullmatch(r'\s*n\d+\[".*"\]:::\w+', ln)]
    assert len(boxes) == graph.number_of_nodes()
    assert text.count("subgraph") == text.count("\n  end")
    assert sum(f'["<b>{verdict.upper()}</b><br/>' in ln and f":::verdict_{verdict}" in ln
               for ln in boxes) == 1


@pytest.mark.parametrize(("case", "view"), PAIRS, ids=PAIR_IDS)
def test_dot_has_one_line_per_edge(case: Path, view: str, esi: Policy,
                                   esi_decider: Decider) -> None:
    """DOT: a digraph, one line per edge with its role, one line per node."""
    graph = _graph(case, view)
    text = render(graph, "dot")
    assert text.startswith("digraph explanation {") and text.rstrip().endswith("}")
    edge_lines = [ln for ln in text.splitlines() if re.match(r'\s*"[^"]+" -> "[^"]+" \[', ln)]
    assert len(edge_lines) == graph.number_of_edges()
    for source, target, role in graph.edges(data="role"):
        assert any(f'"{source}" -> "{target}" [label="{role}"' in ln for ln in edge_lines)
    assert f'"{VERDICT}" [label="{_verdict(case, esi, esi_decider).upper()}' in text


class _Collector(HTMLParser):
    """Tags, their nesting, attributes and text of an HTML page."""

    VOID = frozenset({"meta", "br", "rect", "path", "line"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += attrs
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += attrs

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.mark.parametrize(("case", "view"), PAIRS, ids=PAIR_IDS)
def test_html_is_self_contained(case: Path, view: str, esi: Policy,
                                esi_decider: Decider) -> None:
    """HTML: balanced tags, the SVG inline, the verdict, references, nothing fetched."""
    graph = _graph(case, view)
    page = render(graph, "html")
    collector = _Collector()
    collector.feed(page)
    collector.close()
    assert collector.stack == []
    assert collector.tags.count("svg") == 1
    assert not {"script", "link", "img", "iframe"} & set(collector.tags)
    urls = re.findall(r"(?:https?:)?//[^\s\"'<>]+", page)
    assert set(urls) <= {"http://www.w3.org/2000/svg"}
    assert "Content-Security-Policy" in page
    text = " ".join(collector.text)
    assert _verdict(case, esi, esi_decider).upper() in text
    for key, _ in graph.graph["sources"]:
        assert 'id="ref-' in page and key in text
    for reason in graph.graph["reasons"]:
        assert reason["row"] in text


def test_html_of_a_pend_has_the_documentation_request() -> None:
    """seed-004: the request table lists every requested fact with what it must show."""
    page = render(explained(SEED_004).why, "html")
    request = page[page.index('id="request"'):page.index('id="graph"')]
    for fact, needs in (("conservative_care_weeks", "&gt;= 4 weeks"),
                        ("image_guidance", "in [fluoroscopy, ct]"), ("sedation_justified", "true")):
        assert fact in request and needs in request
    assert "Alternative 2 (cost 6)" in request
    assert 'id="counterfactuals"' not in page


def test_html_of_a_denial_has_what_would_have_to_be_different() -> None:
    """The denial page lists each cheapest change, old value to what it must show."""
    page = render(explained(DENY_CASE).why, "html")
    section = page[page.index('id="counterfactuals"'):page.index('id="graph"')]
    assert "No change to the documented facts can lead to approval." in section
    page = render(explained_with_actionable_history(DENY_CASE).why, "html")
    section = page[page.index('id="counterfactuals"'):page.index('id="graph"')]
    assert "prior_relief_percent: 40 -&gt; &gt;= 50 percent" in section
    assert "repeat_injection: true -&gt; false" in section


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_text_tree_has_a_line_per_edge_of_the_why_view(case: Path, esi: Policy,
                                                       esi_decider: Decider) -> None:
    """The tree's root is the verdict; each edge of the why view is one branch."""
    graph = explained(case).why
    text = render(graph, "text")
    lines = text.splitlines()
    verdict = _verdict(case, esi, esi_decider)
    assert lines[2].startswith(f"{verdict.upper()}:")
    branches = [ln for ln in lines if re.search(r"[├└]── \[(supports|blocks|undecided)\]", ln)]
    assert len(branches) >= graph.number_of_edges()
    for source, _, role in graph.edges(data="role"):
        assert f"[{role}] {node_text(graph.nodes[source])}" in text


def test_text_tree_of_seed_004() -> None:
    """The terminal tree names an open row, the fact it waits on, and the request."""
    text = render(explained(SEED_004).why, "text")
    assert ("├── [undecided] row image_guidance (deny, open): The injection must be performed "
            "under fluoroscopic or CT guidance. [LCD-L39240, ASA-2010]") in text
    assert ("│       └── [undecided] fact image_guidance: unknown (requested) — Which image "
            "guidance is planned for the injection?") in text
    assert "    - conservative_care_weeks: >= 4 weeks — How many weeks" in text


def test_text_tree_of_a_denial_says_what_would_change_it() -> None:
    """The denial's tree ends with the cheapest changes."""
    text = render(explained(DENY_CASE).why, "text")
    assert "│   └── [blocks] fact prior_relief_percent = 40 percent" in text
    assert text.endswith("no change to the documented facts can lead to approval.\n")
    text = render(explained_with_actionable_history(DENY_CASE).why, "text")
    assert text.endswith("  Change 2 (cost 1):\n    - repeat_injection: true -> false\n")


def test_markdown_has_the_determination_and_a_mermaid_block(esi: Policy) -> None:
    """Markdown: the determination, counterfactuals for a denial, a mermaid block."""
    text = render_explanation_markdown(explained(DENY_CASE), esi, "why")
    assert "### What would have to be different" in text
    assert "No change to the documented facts can lead to approval." in text
    history = render_explanation_markdown(explained_with_actionable_history(DENY_CASE), esi, "why")
    assert "`prior_relief_percent: 40 -> >= 50`" in history
    assert "```mermaid\n---\n" in text and text.endswith("```\n")
    pend = render_explanation_markdown(explained(SEED_004), esi, "full")
    assert "What would have to be different" not in pend
    assert "full view" in pend


def test_every_format_is_rendered() -> None:
    """The formats the CLI offers are exactly the renderers, and unknown ones are refused."""
    assert set(RENDERERS) == {"text", "json", "dot", "mermaid", "svg", "html"}
    with pytest.raises(ValueError, match="unknown format 'png'"):
        render(explained(SEED_004).why, "png")


def test_html_of_a_pend_lists_every_pathway_and_the_next_question() -> None:
    """The request section lists each pathway and the next question worth asking."""
    page = render(explained(SEED_004).why, "html")
    section = page[page.index('id="request"'):page.index('id="graph"')]
    assert section.count("<li>Pathway ") == 2
    assert "conservative_care_weeks: &gt;= 4" in section
    assert "Next question: Which image guidance is planned for the injection?" in section
