"""Explaining a decision: its graph in both views and what would change a denial.

``explain`` decides a case, asks for the counterfactuals of a denial (and of
a pend that no documentation can approve: approval is out of reach there
too), and builds the explanation graph. The graph's ``graph`` attribute
carries the determination (verdict, reasons, missing sets, counterfactuals,
cited sources, engine) so that every renderer is a function of the graph
alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from medpolicy.explain.graph import View, build_graph, why_view
from medpolicy.explain.report import cited_sources, verdict_line
from medpolicy.solver.decide.decider import Decider
from medpolicy.solver.decide.result import Decision, FactValue, MissingSet, Need, Pathway
from medpolicy.tables.model import Case, Policy


@dataclass(frozen=True)
class Explanation:
    """A decision, the counterfactuals of a denial, and the graph in both views."""

    decision: Decision
    counterfactuals: tuple[MissingSet, ...]
    full: Any  # networkx.DiGraph
    why: Any  # networkx.DiGraph

    @property
    def wants_counterfactuals(self) -> bool:
        return wants_counterfactuals(self.decision)

    def view(self, name: View) -> Any:
        """The graph of one view, ``why`` or ``full``."""
        return self.why if name == "why" else self.full


def wants_counterfactuals(decision: Decision) -> bool:
    """A denial or referral, or a pend that no documentation can turn into an approval."""
    return decision.verdict in ("deny", "refer") or (decision.undetermined and not decision.missing)


def explain(decider: Decider, case: Case, *, max_alternatives: int | None = None) -> Explanation:
    """Decide ``case`` and explain the decision: graph, views and counterfactuals."""
    decision = decider.decide(case, max_alternatives=max_alternatives)
    counterfactuals: tuple[MissingSet, ...] = ()
    if wants_counterfactuals(decision):
        counterfactuals = decider.counterfactuals(case, max_alternatives)
    summary = determination(decision, decider.policy, case, counterfactuals)
    full = build_graph(decider, case, decision, counterfactuals, summary)
    return Explanation(decision, counterfactuals, full, why_view(full))


def determination(
    decision: Decision, policy: Policy, case: Case, counterfactuals: tuple[MissingSet, ...]
) -> dict[str, Any]:
    """The determination as plain data (the graph attributes renderers read)."""
    facts = {f.name: f for f in decision.facts}
    return {
        "case": decision.case,
        "description": case.description,
        "policy": {"id": policy.id, "title": policy.title, "version": policy.version,
                   "sha256": policy.sha256},
        "verdict": decision.verdict,
        "undetermined": decision.undetermined,
        "text": verdict_line(decision),
        "reasons": [{**r.to_dict(), "certain": r.certain} for r in decision.reasons],
        "missing": [_alternative(m, facts, policy) for m in decision.missing],
        "missing_omitted": decision.missing_omitted,
        "pathways": [_alternative(p, facts, policy) for p in decision.pathways],
        "pathways_omitted": decision.pathways_omitted,
        "next_question": decision.next_question.to_dict() if decision.next_question else None,
        "counterfactuals": [_alternative(m, facts, policy) for m in counterfactuals],
        "sources": [[key, policy.source_map.get(key, "")] for key in cited_sources(decision)],
        "engine": dict(decision.engine),
    }


def _alternative(
    alternative: MissingSet | Pathway, facts: Mapping[str, FactValue], policy: Policy
) -> list[dict[str, Any]]:
    return [_need(need, facts, policy) for need in alternative.needs]


def _need(need: Need, facts: Mapping[str, FactValue], policy: Policy) -> dict[str, Any]:
    """A need as data; a changed fact says what it was (``from``) and where that came from."""
    data: dict[str, Any] = {"fact": need.fact, "needs": need.needs, "values": list(need.values),
                            "unit": policy.fact_map[need.fact].unit,
                            "question": need.question, "cost": need.cost}
    if need.current is not None:
        current = facts[need.fact]
        data["from"] = current.value
        data["from_source"] = current.source
    return data
