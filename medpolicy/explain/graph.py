"""The explanation graph: how each fact and criterion led to the verdict.

``build_graph`` turns a decision into a networkx ``DiGraph`` of the whole
table for the case (the ``full`` view); ``why_view`` keeps only what decided
the verdict (the ``why`` view). ``medpolicy.explain.explanation.explain``
does both. Nodes, by ``kind``:

- ``fact``: ``status`` documented / default / unknown, the value;
- ``criterion``: ``status`` met / not_met / unknown / not_applicable;
- ``row``: ``status`` matched / open / excluded, and ``decisive``
  always / sometimes / never;
- ``otherwise``: what happens when no row matches (the table's ``otherwise``
  clause, or a gap that pends), with the same statuses as a row;
- ``verdict``: the verdict, with the missing sets and counterfactuals.

Edges run fact -> criterion -> row -> verdict (criteria may feed criteria;
every row feeds ``otherwise``), each with the ``role`` its source played:
``supports`` (pushes the target towards holding: met, matched), ``blocks``
(pushes it towards not holding) or ``undecided`` (the source's value is
open). Into the verdict, ``supports`` means the row decides the verdict in
every completion, ``undecided`` in some, ``blocks`` in none.

Every status is the solver's (the brave consequences ``Decider`` collects);
nothing is evaluated again in Python. Roles read the table's static
structure: for each occurrence of a source in the target's condition, its
polarity (under how many ``not``) and, for a fact, whether the documented
value lies in the values the comparison allows.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Literal

import networkx as nx

from medpolicy.explain.report import verdict_line
from medpolicy.logic.formula import FAnd, FNot, FOr, Formula, Lit, Ref
from medpolicy.solver.decide.decider import Decider
from medpolicy.solver.decide.result import Decision, MissingSet
from medpolicy.tables.codes import show_list
from medpolicy.tables.expr import Value
from medpolicy.tables.model import OTHERWISE_ID, Case, Policy

View = Literal["why", "full"]
VIEWS: tuple[View, ...] = ("why", "full")
Role = Literal["supports", "blocks", "undecided"]

VERDICT = "verdict"
OTHERWISE = OTHERWISE_ID
POSITIVE = frozenset({"met", "matched"})
NEGATIVE = frozenset({"not_met", "excluded"})


def fact_node(name: str) -> str:
    return f"fact:{name}"


def criterion_node(name: str) -> str:
    return f"criterion:{name}"


def row_node(name: str) -> str:
    return f"row:{name}"


def build_graph(
    decider: Decider,
    case: Case,
    decision: Decision,
    counterfactuals: tuple[MissingSet, ...],
    summary: Mapping[str, Any],
) -> Any:
    """The full explanation graph of ``decision`` on ``case``; ``summary`` becomes ``graph.graph``.

    The status of ``otherwise`` comes from one more solve: whether no row
    matching is possible (``fallback``) and whether some row may match.
    """
    known = decider.table.known_values(case)
    cons = decider.consequences(known)
    fallback = ("open" if cons.match else "matched") if cons.fallback else "excluded"
    builder = _Builder(decider, decision, known, counterfactuals, fallback)
    builder.graph.graph.update(summary, view="full")
    return builder.build()


# -- the full graph ----------------------------------------------------------


def _occurrences(formula: Formula, positive: bool = True) -> Iterator[tuple[Lit | Ref, bool]]:
    """Every fact literal and criterion reference in ``formula``, with its polarity."""
    if isinstance(formula, Lit | Ref):
        yield formula, positive
    elif isinstance(formula, FNot):
        yield from _occurrences(formula.item, not positive)
    elif isinstance(formula, FAnd | FOr):
        for item in formula.items:
            yield from _occurrences(item, positive)


def _role(pushes: set[bool] | None, target: str) -> Role:
    """The role of a source whose occurrences push the target as ``pushes`` says.

    ``None`` means the source's value is open. A source pushing both ways (it
    occurs with both polarities) takes the side of the target's status.
    """
    if pushes is None:
        return "undecided"
    if pushes == {True} or (len(pushes) > 1 and target in POSITIVE):
        return "supports"
    if pushes == {False} or (len(pushes) > 1 and target in NEGATIVE):
        return "blocks"
    return "undecided"


def _decisive_role(decisive: str) -> Role:
    """Into the verdict: decides it in every completion, in some, or in none."""
    if decisive == "always":
        return "supports"
    return "undecided" if decisive == "sometimes" else "blocks"


class _Builder:
    def __init__(
        self,
        decider: Decider,
        decision: Decision,
        known: Mapping[int, int],
        counterfactuals: tuple[MissingSet, ...],
        fallback: str,
    ) -> None:
        self.policy: Policy = decider.policy
        self.table = decider.table
        self.decision = decision
        self.known = known
        self.counterfactuals = counterfactuals
        self.fallback = fallback
        self.graph = nx.DiGraph()
        self.criterion_status = {c.id: c.status for c in decision.criteria}
        self.row_status = {r.id: r for r in decision.rows}

    def build(self) -> Any:
        self._facts()
        self._criteria()
        self._rows()
        self._otherwise()
        self._verdict()
        return self.graph

    # nodes ------------------------------------------------------------------

    def _facts(self) -> None:
        requested = {n.fact for m in self.decision.missing for n in m.needs}
        changed = {n.fact for m in self.counterfactuals for n in m.needs if n.current is not None}
        for value in self.decision.facts:
            fact = self.policy.fact_map[value.name]
            self.graph.add_node(
                fact_node(fact.name), kind="fact", label=fact.name, status=value.source,
                value=value.value, display=_display(value.value, value.source, fact.unit),
                type=fact.type, unit=fact.unit, question=fact.question, cost=fact.cost,
                requested=fact.name in requested, changes=fact.name in changed,
            )

    def _criteria(self) -> None:
        for c, criterion in enumerate(self.policy.criteria):
            node = criterion_node(criterion.id)
            status = self.criterion_status[criterion.id]
            self.graph.add_node(node, kind="criterion", label=criterion.id, status=status,
                                when=criterion.text, description=criterion.description)
            self._inputs(self.table.criteria[c], node, status)

    def _rows(self) -> None:
        for r, row in enumerate(self.policy.rows):
            node = row_node(row.id)
            state = self.row_status[row.id]
            self.graph.add_node(node, kind="row", label=row.id, status=state.status,
                                outcome=row.outcome, decisive=state.decisive, when=row.text,
                                reason=row.reason, sources=list(row.sources))
            if len(self.policy.layer_ids) > 1:  # an overlay: the layer the row comes from
                self.graph.nodes[node]["layer"] = self.policy.layer_of(row.id)
            self._inputs(self.table.rows[r], node, state.status)

    def _otherwise(self) -> None:
        otherwise = self.policy.otherwise
        decisive = {"matched": "always", "open": "sometimes"}.get(self.fallback, "never")
        self.graph.add_node(
            OTHERWISE, kind="otherwise",
            label="otherwise" if otherwise else "no row matches",
            status=self.fallback, decisive=decisive,
            outcome=otherwise.outcome if otherwise else "pend",
            when="no row matches",
            reason=(otherwise.reason if otherwise else "")
            or "No row of the table matches this case.",
            sources=list(otherwise.sources) if otherwise else [],
        )
        for row in self.policy.rows:
            status = self.row_status[row.id].status
            pushes = None if status == "open" else {status == "excluded"}
            self.graph.add_edge(row_node(row.id), OTHERWISE, role=_role(pushes, self.fallback))

    def _verdict(self) -> None:
        decision = self.decision
        self.graph.add_node(
            VERDICT, kind="verdict", label=decision.verdict.upper(), status=decision.verdict,
            outcome=decision.verdict, undetermined=decision.undetermined,
            text=verdict_line(decision),
        )
        for row in decision.rows:
            self.graph.add_edge(row_node(row.id), VERDICT, role=_decisive_role(row.decisive))
        decisive = self.graph.nodes[OTHERWISE]["decisive"]
        self.graph.add_edge(OTHERWISE, VERDICT, role=_decisive_role(decisive))

    # edges ------------------------------------------------------------------

    def _inputs(self, formula: Formula, target: str, status: str) -> None:
        """Edges from every fact and criterion the formula reads directly."""
        leans: dict[str, list[bool | None]] = {}
        for item, positive in _occurrences(formula):
            source, truth = self._truth(item)
            leans.setdefault(source, []).append(None if truth is None else truth == positive)
        for source, lean in leans.items():
            pushes = None if None in lean else {bool(x) for x in lean}
            self.graph.add_edge(source, target, role=_role(pushes, status))

    def _truth(self, item: Lit | Ref) -> tuple[str, bool | None]:
        """The source node of an occurrence and whether it holds (None: open)."""
        if isinstance(item, Ref):
            criterion = self.policy.criteria[item.criterion].id
            status = self.criterion_status[criterion]
            truth = True if status == "met" else False if status == "not_met" else None
            return criterion_node(criterion), truth
        name = self.table.domains[item.fact].fact.name
        value = self.known.get(item.fact)
        return fact_node(name), None if value is None else value in item.allowed


def _display(value: Value | None, source: str, unit: str | None) -> str:
    if value is None:
        return "unknown"
    text = ("true" if value else "false") if isinstance(value, bool) else (
        show_list(value) if isinstance(value, tuple) else str(value))
    if unit and not isinstance(value, bool):
        text += f" {unit}"
    return f"{text} (default)" if source == "default" else text


# -- the why view ------------------------------------------------------------


def _explains(role: str, target: Mapping[str, Any]) -> bool:
    """Whether an edge with ``role`` explains the status of its target."""
    status = target["status"]
    if status in POSITIVE:
        return role == "supports"
    if status in NEGATIVE:
        return role == "blocks"
    if target["kind"] == "otherwise":
        return False  # open: the rows it waits on are seeds of the view already
    return status != "not_applicable" and role in ("supports", "undecided")


def _seeds(full: Any) -> list[str]:
    """The rows (and the otherwise node) the why view starts from."""
    info = full.graph
    if info["undetermined"]:
        return [n for n in full.predecessors(VERDICT) if full.nodes[n]["decisive"] != "never"]
    reasons = {r["row"] for r in info["reasons"]}
    seeds = [row_node(r) for r in reasons if r != OTHERWISE_ID]
    if OTHERWISE_ID in reasons:
        seeds.append(OTHERWISE)
    seeds += [n for n in full.predecessors(VERDICT)
              if full.nodes[n]["kind"] == "row" and full.nodes[n]["status"] == "matched"]
    return seeds


def why_view(full: Any) -> Any:
    """Only what decided the verdict: the seeds and, backwards, every edge that explains.

    Approve or deny: the rows that decided it and every row that fired, then
    the inputs that made each of them hold (or, under ``otherwise``, the
    inputs that kept each row from matching). Pend: the rows that decide in
    some completions and the facts they wait on; the verdict node carries the
    missing sets.
    """
    edges: set[tuple[str, str]] = set()
    seen = {VERDICT}
    stack = []
    for seed in _seeds(full):
        edges.add((seed, VERDICT))
        stack.append(seed)
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        for source, _, role in full.in_edges(node, data="role"):
            if _explains(role, full.nodes[node]):
                edges.add((source, node))
                stack.append(source)
    why = nx.DiGraph()
    why.graph.update(full.graph, view="why")
    why.add_nodes_from((n, full.nodes[n]) for n in full.nodes if n in seen)
    why.add_edges_from((u, v, full.edges[u, v]) for u, v in full.edges if (u, v) in edges)
    return why
