"""Property tests of explain on small random tables, against decide and a brute force.

Faithfulness: the graph says what decide concluded, its edges join existing
nodes, and the why view keeps what decided the verdict. Counterfactuals:
each reported change, applied as reported, approves (by decide and by
enumerating completions), and no cheaper change exists.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import replace

import networkx as nx
from hypothesis import event, given

from medpolicy.explain.explanation import explain
from medpolicy.explain.graph import OTHERWISE, VERDICT, criterion_node, fact_node, row_node
from medpolicy.solver.decide.decider import Decider
from medpolicy.solver.decide.result import MissingSet
from medpolicy.tables.expr import Value
from medpolicy.tables.model import Case, Policy
from tests import reference
from tests.strategies import tables_and_cases


def _all_actionable(policy: Policy) -> Policy:
    """The table with every fact actionable, so counterfactuals may touch any of them."""
    return replace(policy, facts=tuple(replace(f, actionable=True) for f in policy.facts))


@given(tables_and_cases())
def test_graph_is_faithful_to_decide(table_and_case: tuple[Policy, Case]) -> None:
    """Statuses equal decide's; edges join existing nodes; the why view keeps the deciders."""
    policy, case = table_and_case
    decider = Decider(policy)
    decision = decider.decide(case)
    explanation = explain(decider, case)
    full, why = explanation.full, explanation.why
    event(f"verdict {decision.verdict}{' (undetermined)' if decision.undetermined else ''}")
    assert full.nodes[VERDICT]["status"] == why.nodes[VERDICT]["status"] == decision.verdict
    assert decision.verdict == reference.verdict(policy, case.facts)
    for status in decision.criteria:
        assert full.nodes[criterion_node(status.id)]["status"] == status.status
        if criterion_node(status.id) in why:
            assert why.nodes[criterion_node(status.id)]["status"] == status.status
    for row in decision.rows:
        assert full.nodes[row_node(row.id)]["status"] == row.status
    for fact in decision.facts:
        assert full.nodes[fact_node(fact.name)]["status"] == fact.source
    for graph in (full, why):
        assert all("kind" in graph.nodes[n] for edge in graph.edges for n in edge)
        assert set(graph.edges) <= set(full.edges)
        assert nx.is_directed_acyclic_graph(graph)
    assert all(nx.has_path(why, node, VERDICT) for node in why)
    fired = {row_node(r.id) for r in decision.rows if r.status == "matched"}
    reasons = {row_node(r.row) if r.row != "otherwise" else OTHERWISE for r in decision.reasons}
    if not decision.undetermined:
        assert fired | reasons <= set(why.nodes)
    if decision.verdict == "deny":
        assert fired <= set(why.predecessors(VERDICT))
    for alternative in decision.missing:
        assert {fact_node(n.fact) for n in alternative.needs} <= set(why.nodes)


def _fillings(policy: Policy, alternative: MissingSet) -> Iterator[dict[str, Value]]:
    """Every way to apply a change as reported: each fact given a value its need accepts."""
    choices = []
    for need in alternative.needs:
        domain = reference.concrete_domain(policy.fact_map[need.fact], policy)
        choices.append([(need.fact, v) for v in domain if need.accepts(v)])
    for combo in itertools.product(*choices):
        yield dict(combo)


def cheapest_change(policy: Policy, case_facts: dict[str, Value]) -> int | None:
    """Brute force: the least cost of facts to change or document so that every completion
    approves (None when nothing works)."""
    base = reference.known(policy, case_facts)
    best: int | None = None
    names = [f.name for f in policy.facts]
    for size in range(len(names) + 1):
        for subset in itertools.combinations(names, size):
            cost = sum(policy.fact_map[f].cost for f in subset)
            if best is not None and cost >= best:
                continue
            rest = {k: v for k, v in base.items() if k not in subset}
            if reference.working(policy, rest, subset):
                best = cost
    return best


@given(tables_and_cases())
def test_counterfactuals_approve_and_none_is_cheaper(table_and_case: tuple[Policy, Case]) -> None:
    """Each reported change, applied as reported, approves; each costs the brute-force least."""
    policy, case = _all_actionable(table_and_case[0]), table_and_case[1]
    decider = Decider(policy, max_alternatives=50)
    changes = decider.counterfactuals(case)
    best = cheapest_change(policy, dict(case.facts))
    event(f"cheapest change costs {best}")
    if best is None:
        assert changes == ()
        return
    assert changes, "some change approves, so one must be reported"
    base = reference.known(policy, case.facts)
    for alternative in changes:
        assert alternative.cost == best
        fillings = list(_fillings(policy, alternative))
        assert fillings, f"{alternative} accepts no value"
        for filling in fillings:
            for need in alternative.needs:
                if need.current is not None:
                    assert filling[need.fact] != base[need.fact], "a change must change"
            assert reference.always_approves(policy, {**base, **filling}), filling
            changed = Case(id=case.id, facts={**case.facts, **filling})
            assert decider.decide(changed).verdict == "approve"


@given(tables_and_cases())
def test_explain_reports_counterfactuals_exactly_for_denials(
    table_and_case: tuple[Policy, Case],
) -> None:
    """A denial or referral (or a pend no documentation approves) gets counterfactuals,
    when any exist."""
    policy, case = _all_actionable(table_and_case[0]), table_and_case[1]
    explanation = explain(Decider(policy), case)
    decision = explanation.decision
    wanted = decision.verdict in ("deny", "refer") or (
        decision.undetermined and not decision.missing)
    assert explanation.wants_counterfactuals == wanted
    event(f"wants counterfactuals: {wanted}")
    if not wanted:
        assert explanation.counterfactuals == ()
        assert explanation.full.graph["counterfactuals"] == []
        return
    reachable = cheapest_change(policy, dict(case.facts)) is not None
    assert bool(explanation.counterfactuals) == reachable
    assert len(explanation.full.graph["counterfactuals"]) == len(explanation.counterfactuals)
