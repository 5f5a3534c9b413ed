"""The explanation graph on the esi seed cases and a denial: statuses, roles, views."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from medpolicy import Decider, Policy, load_case
from medpolicy.explain.graph import OTHERWISE, VERDICT, why_view
from tests.explain_support import (
    CASES,
    DENY_CASE,
    ROOT,
    SEED_004,
    explained,
    explained_with_actionable_history,
)

SEED_000 = ROOT / "examples" / "cases" / "seed-000-cervical-repeat.yaml"
SEED_001 = ROOT / "examples" / "cases" / "seed-001-cervical-request-only.yaml"


def _kind(graph: nx.DiGraph, kind: str) -> dict[str, dict[str, object]]:
    return {a["label"]: a for _, a in graph.nodes(data=True) if a["kind"] == kind}


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_full_graph_mirrors_the_decision(path: Path, esi: Policy, esi_decider: Decider) -> None:
    """Every fact, criterion and row of the table is a node with decide's status."""
    decision = esi_decider.decide(load_case(path, esi))
    full = explained(path).full
    assert full.nodes[VERDICT]["status"] == decision.verdict
    assert full.graph["verdict"] == decision.verdict
    assert {k: a["status"] for k, a in _kind(full, "criterion").items()} == {
        c.id: c.status for c in decision.criteria}
    assert {k: (a["status"], a["decisive"]) for k, a in _kind(full, "row").items()} == {
        r.id: (r.status, r.decisive) for r in decision.rows}
    assert {k: (a["status"], a["value"]) for k, a in _kind(full, "fact").items()} == {
        f.name: (f.source, f.value) for f in decision.facts}
    assert all("kind" in full.nodes[n] for edge in full.edges for n in edge)
    assert nx.is_directed_acyclic_graph(full)


def test_full_graph_edges_follow_the_table(esi: Policy) -> None:
    """Edges are exactly what each criterion and row reads, plus rows into the verdict."""
    full = explained(SEED_004).full
    assert set(full.predecessors("criterion:too_many_levels")) == {
        "criterion:interlaminar", "criterion:transforaminal", "fact:levels"}
    assert set(full.predecessors("row:particulate_steroid")) == {
        "fact:cpt", "fact:particulate_steroid"}
    assert set(full.predecessors(VERDICT)) == {f"row:{r.id}" for r in esi.rows} | {OTHERWISE}
    assert set(full.predecessors(OTHERWISE)) == {f"row:{r.id}" for r in esi.rows}


def test_roles_read_polarity_and_values() -> None:
    """A documented value inside a comparison supports it; under `not` it blocks the row."""
    full = explained(DENY_CASE).full
    roles = nx.get_edge_attributes(full, "role")
    # adequate_prior_response: prior_relief_percent >= 50 and prior_relief_weeks >= 2
    assert roles[("fact:prior_relief_percent", "criterion:adequate_prior_response")] == "blocks"
    assert roles[("fact:prior_relief_weeks", "criterion:adequate_prior_response")] == "supports"
    # prior_response: repeat_injection and not adequate_prior_response (not met: pushes it on)
    assert roles[("criterion:adequate_prior_response", "row:prior_response")] == "supports"
    assert roles[("row:prior_response", VERDICT)] == "supports"
    assert roles[("row:prior_response", OTHERWISE)] == "blocks"
    assert roles[("row:imaging", VERDICT)] == "blocks"
    pend = explained(SEED_004).full
    assert nx.get_edge_attributes(pend, "role")[
        ("fact:neuro_exam_documented", "criterion:radiculopathy_confirmed")] == "undecided"


def test_why_view_of_a_pend_shows_open_rows_and_the_facts_they_wait_on() -> None:
    """seed-004: the six open deny rows, the otherwise fallback, and every requested fact."""
    explanation = explained(SEED_004)
    why = explanation.why
    assert set(_kind(why, "row")) == {"image_guidance", "radiculopathy_documented",
                                      "conservative_care", "functional_impairment",
                                      "active_rehab", "sedation"}
    assert all(a["status"] == "open" for a in _kind(why, "row").values())
    unknown = {k for k, a in _kind(why, "fact").items() if a["status"] == "unknown"}
    requested = {n.fact for m in explanation.decision.missing for n in m.needs}
    assert unknown == requested == {
        "image_guidance", "neuro_exam_documented", "conservative_care_weeks",
        "conservative_care_intolerant", "functional_impairment_documented", "active_rehab",
        "sedation_justified"}
    assert all(_kind(why, "fact")[f]["requested"] for f in requested)
    assert why.nodes[OTHERWISE]["status"] == "open"
    assert len(why.graph["missing"]) == 2
    assert why.graph["view"] == "why" and explanation.full.graph["view"] == "full"


def test_why_view_of_an_approval_is_the_satisfied_path(esi: Policy) -> None:
    """seed-000: approved by otherwise, every deny row excluded by the facts that block it."""
    why = explained(SEED_000).why
    assert why.nodes[VERDICT]["status"] == "approve"
    assert list(why.predecessors(VERDICT)) == [OTHERWISE]
    assert set(why.predecessors(OTHERWISE)) == {f"row:{r.id}" for r in esi.rows}
    roles = nx.get_edge_attributes(why, "role")
    assert roles[("fact:functional_impairment_documented", "row:functional_impairment")] == \
        "blocks"
    assert "fact:particulate_steroid" not in why
    assert all(nx.has_path(why, node, VERDICT) for node in why)


def test_why_view_of_a_denial_is_the_row_that_fired_and_its_facts() -> None:
    """The denial rests on prior_response: a repeat injection without adequate relief."""
    explanation = explained(DENY_CASE)
    why = explanation.why
    assert set(why.nodes) == {VERDICT, "row:prior_response", "criterion:adequate_prior_response",
                              "fact:prior_relief_percent", "fact:repeat_injection"}
    assert why.graph["reasons"][0]["row"] == "prior_response"


def test_counterfactuals_of_a_denial_never_change_history(esi: Policy) -> None:
    """Prior relief and a repeat injection are history, not actionable: nothing to propose."""
    explanation = explained(DENY_CASE)
    assert explanation.counterfactuals == ()
    assert explanation.full.graph["counterfactuals"] == []


def test_counterfactuals_of_a_denial(esi: Policy) -> None:
    """With that history actionable: more relief, or not a repeat injection."""
    explanation = explained_with_actionable_history(DENY_CASE)
    changes = {(n.fact, n.needs) for m in explanation.counterfactuals for n in m.needs}
    assert changes == {("prior_relief_percent", ">= 50"), ("repeat_injection", "false")}
    data = explanation.full.graph["counterfactuals"]
    assert {"fact": "prior_relief_percent", "from": 40, "from_source": "documented"}.items() <= \
        next(n for m in data for n in m if n["fact"] == "prior_relief_percent").items()
    assert explanation.full.nodes["fact:prior_relief_percent"]["changes"] is True


@pytest.mark.parametrize("path", [SEED_000, SEED_001, SEED_004], ids=lambda p: p.stem)
def test_no_counterfactuals_unless_denied(path: Path) -> None:
    """An approval or an approvable pend needs no counterfactuals."""
    explanation = explained(path)
    assert explanation.counterfactuals == ()
    assert not explanation.wants_counterfactuals


def test_why_view_is_a_subgraph_of_the_full_graph() -> None:
    """Recomputing the why view gives the same graph, and its edges keep their roles."""
    for path in CASES:
        explanation = explained(path)
        again = why_view(explanation.full)
        assert set(again.edges) == set(explanation.why.edges)
        for u, v, role in explanation.why.edges(data="role"):
            assert explanation.full.edges[u, v]["role"] == role
