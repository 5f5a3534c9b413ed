"""Deciding cases: the exact verdict, its reasons and the minimal missing facts.

A ``Decider`` grounds ``decide.lp`` with a table's instance once. For each
case the documented (and default) values go in as assumptions, and one solve
in clingo's brave mode collects everything that holds in *some* completion of
the unknown facts: the reachable outcomes, criterion values, row matches and
decisive rows. The verdict is the only reachable outcome, else ``pend``.

A Decider is safe to share between threads: its public methods take its
lock (``guard.py``), so calls are serialized; each call is bounded by
``time_limit`` as a whole.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cached_property
from importlib import metadata
from threading import RLock
from typing import TYPE_CHECKING, Any, TypeVar

from medpolicy.errors import SolverError
from medpolicy.logic.compiler import CompiledTable, encoding, literal_map
from medpolicy.logic.outcomes import no_match_outcome
from medpolicy.solver.decide.evaluate import Consequences, Evaluator
from medpolicy.solver.decide.guard import guarded
from medpolicy.solver.decide.reading import CaseReader
from medpolicy.solver.decide.result import (
    CriterionState,
    CriterionStatus,
    Decision,
    MissingSet,
    PolicyRef,
    Reason,
    Request,
    RowStatus,
)
from medpolicy.solver.limits import DEFAULT_TIME_LIMIT
from medpolicy.tables.model import OTHERWISE_ID, OUTCOMES, Case, Outcome, Policy

if TYPE_CHECKING:  # clingo and the search modules load with the first solve, not before
    import clingo

    from medpolicy.solver.control import SymbolIndex
    from medpolicy.solver.decide.brave import BraveEvaluator
    from medpolicy.solver.decide.grid import OutcomeGrid
    from medpolicy.solver.decide.lazyroutes import LazyRoutes
    from medpolicy.solver.decide.missing import Candidate, MissingSolver
    from medpolicy.solver.decide.oracle import DecideOracle
    from medpolicy.solver.decide.partial import PartialEvaluator
    from medpolicy.solver.decide.pathways import PathwaySolver, Route
    from medpolicy.solver.decide.relevance import RelevanceSolver
    from medpolicy.solver.decide.request import DocumentationRequest, NeedMaker
    from medpolicy.solver.decide.residual import ResidualRequest

T = TypeVar("T")

DEFAULT_MAX_ALTERNATIVES = 10
DEFAULT_MAX_PATHWAYS = 20


def engine_versions() -> tuple[tuple[str, str], ...]:
    try:
        ours = metadata.version("medpolicy")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        ours = "0+unknown"
    return (("medpolicy", ours), ("clingo", metadata.version("clingo")))


class Decider:
    """A table grounded once, deciding many cases on the same ``clingo.Control``."""

    def __init__(
        self,
        policy: Policy,
        *,
        max_alternatives: int = DEFAULT_MAX_ALTERNATIVES,
        time_limit: float = DEFAULT_TIME_LIMIT,
        verify: bool = False,
        max_pathways: int = DEFAULT_MAX_PATHWAYS,
        fast_path: bool = True,
        residual: bool | None = None,
    ) -> None:
        if max_alternatives < 1 or max_pathways < 1:
            raise ValueError("max_alternatives and max_pathways must be at least 1")
        self.policy = policy
        self.max_alternatives = max_alternatives
        self.max_pathways = max_pathways
        self.time_limit = time_limit
        self.verify = verify
        self._lock = RLock()
        self.table = CompiledTable(policy)
        #: The complete-case fast path (``evaluate.py``); None when turned off.
        self.evaluator = Evaluator(self.table) if fast_path else None
        #: Cases with few unknowns decided (``brave.py``) and their request computed
        #: (``residual.py``) by evaluation: None on tables whose rejection boxes are
        #: found lazily, True on every table, False never.
        self.residual = residual
        #: How many consequences the fast path gave, and how many a solve gave.
        self.fast_calls = 0
        self.solved_calls = 0
        #: How many consequences of partial cases the walk of ``brave.py`` gave.
        self.walked_calls = 0
        self._walked_grid: tuple[dict[int, int], OutcomeGrid | None] | None = None
        self._reader = CaseReader(self.table)
        self._engine = engine_versions()
        users: dict[int, list[int]] = {}
        for r, closure in enumerate(self.table.criterion_closure):
            for c in closure:
                users.setdefault(c, []).append(r)
        self._criterion_users = users
        self._criterion_fact_names = tuple(
            tuple(self.table.domains[f].fact.name for f in sorted(facts))
            for facts in self.table.criterion_facts
        )
        self._policy_ref = PolicyRef(
            policy.id, policy.version, policy.sha256, policy.layer_ids, _row_layers(policy)
        )

    @cached_property
    def _need(self) -> NeedMaker:
        from medpolicy.solver.decide.request import NeedMaker

        return NeedMaker(self.table)

    @cached_property
    def ctl(self) -> clingo.Control:
        """``decide.lp`` grounded with the table, on first use (complete cases need none)."""
        from medpolicy.solver.control import new_control

        ctl = new_control("--enum-mode=brave", "--models=0")
        with ctl.backend() as backend:
            self.table.emit_decide(backend)
        ctl.add("base", [], encoding("decide.lp"))
        ctl.ground([("base", [])])
        return ctl

    @cached_property
    def _val(self) -> Mapping[tuple[int, ...], int]:
        return literal_map(self.ctl, "val", 2)

    @cached_property
    def _rejected(self) -> int | None:
        return next(
            (a.literal for a in self.ctl.symbolic_atoms.by_signature("rejected", 0)), None
        )

    @cached_property
    def _shown(self) -> SymbolIndex[tuple[str, int | str]]:
        from medpolicy.solver.control import SymbolIndex

        return SymbolIndex(self._shown_atoms(self.ctl))

    @staticmethod
    def _shown_atoms(ctl: clingo.Control) -> dict[clingo.Symbol, tuple[str, int | str]]:
        shown: dict[clingo.Symbol, tuple[str, int | str]] = {}
        for name in ("met", "unmet", "match", "miss", "decisive", "idle"):
            for atom in ctl.symbolic_atoms.by_signature(name, 1):
                shown[atom.symbol] = (name, atom.symbol.arguments[0].number)
        for atom in ctl.symbolic_atoms.by_signature("outcome", 1):
            shown[atom.symbol] = ("outcome", atom.symbol.arguments[0].name)
        for atom in ctl.symbolic_atoms.by_signature("fallback", 0):
            shown[atom.symbol] = ("fallback", 0)
        return shown

    @cached_property
    def missing_solver(self) -> MissingSolver:
        """The optimisation program of counterfactuals, grounded on first use."""
        from medpolicy.solver.decide.missing import MissingSolver

        return MissingSolver(self.table, self.time_limit, oracle=self)

    @cached_property
    def pathway_solver(self) -> PathwaySolver:
        """The maximal-box enumeration, grounded on first use (only pends need it)."""
        from medpolicy.solver.decide.pathways import PathwaySolver

        return PathwaySolver(self.table, self.time_limit)

    @cached_property
    def _lazy_routes(self) -> LazyRoutes:
        """Every route on a lazily checked table, learning boxes as it goes (lazyroutes.py)."""
        from medpolicy.solver.decide.lazyroutes import LazyRoutes

        return LazyRoutes(self.pathway_solver, self.missing_solver, self,
                          self._cheapest_routes, self._oracle)

    @cached_property
    def relevance_solver(self) -> RelevanceSolver:
        """The two-completion program, grounded on first use (only pends need it)."""
        from medpolicy.solver.decide.relevance import RelevanceSolver

        return RelevanceSolver(self.table, self.time_limit)

    # -- solving -------------------------------------------------------------

    def assumptions(self, known: Mapping[int, int]) -> list[int]:
        return [self._val[(f, v)] for f, v in known.items()]

    @guarded
    def consequences(self, known: Mapping[int, int]) -> Consequences:
        """Brave consequences of the case: what holds in some completion.

        When the known facts settle every criterion and row (three-valued
        evaluation), every completion agrees, and the fast path gives the
        consequences without a solve.
        """
        evaluator = self.evaluator
        if evaluator is not None:
            settled = evaluator.consequences(known)
            if settled is not None:
                self.fast_calls += 1
                return settled
        if self._evaluates:
            from medpolicy.solver.decide.partial import collection_paused

            with collection_paused():
                walked = self._brave.walk(known)
            if walked is not None:
                self.walked_calls += 1
                # The walk's outcome grid serves the request of this case, if it pends.
                self._walked_grid = (dict(known), walked[1])
                return walked[0]
        self.solved_calls += 1
        from medpolicy.solver.control import solve_models

        # Brave mode: each model adds consequences; the last one holds them all.
        store: list[Sequence[clingo.Symbol]] = [[]]

        def keep(model: clingo.Model) -> bool:
            store[0] = model.symbols(shown=True)
            return True

        solve_models(self.ctl, self.assumptions(known), keep, self.time_limit, "deciding the case")
        last = self._shown.lookup(store[0])
        if not last:
            raise SolverError("the case has no completion; this is a bug in medpolicy")
        result = Consequences()
        for kind, arg in last:
            if kind == "outcome":
                result.outcomes.add(str(arg))
            elif kind == "fallback":
                result.fallback = True
            else:
                getattr(result, kind).add(arg)
        return result

    @guarded
    def can_reject(self, known: Mapping[int, int], excluded: Iterable[tuple[int, int]]) -> bool:
        """Whether a completion without the excluded (fact, value) pairs is not approved."""
        if self._rejected is None:
            return False
        assumptions = self.assumptions(known)
        assumptions.extend(-self._val[pair] for pair in excluded)
        assumptions.append(self._rejected)
        return self._first_model(assumptions, lambda _model: True) is not None

    def _first_model(self, assumptions: list[int], read: Callable[[clingo.Model], T]) -> T | None:
        """``read`` applied to the first model under the assumptions, None when there is none."""
        found: list[T] = []

        def first(model: clingo.Model) -> bool:
            found.append(read(model))
            return False

        from medpolicy.solver.control import solve_models

        # Brave mode reports consequences, not assignments: enumerate plainly here.
        config: Any = self.ctl.configuration.solve
        config.enum_mode = "auto"
        try:
            solve_models(self.ctl, assumptions, first, self.time_limit, "a check of the table")
        finally:
            config.enum_mode = "brave"
        return found[0] if found else None

    # -- the oracle of the lazy missing-facts search ---------------------------

    @cached_property
    def _oracle(self) -> DecideOracle | None:
        """The decide program as the lazy search's oracle (None when nothing rejects)."""
        if self._rejected is None:
            return None
        from medpolicy.solver.decide.oracle import DecideOracle

        return DecideOracle(self.ctl, self._val, self._rejected, self.time_limit, self.table)

    @guarded
    def counterexample(self, fixed: Mapping[int, int]) -> dict[int, int] | None:
        """A complete case extending ``fixed`` that is not approved, if there is one."""
        return None if self._oracle is None else self._oracle.counterexample(fixed)

    def box_counterexample(
        self, known: Mapping[int, int], box: Mapping[int, frozenset[int]]
    ) -> dict[int, int] | None:
        """A complete case in ``box`` (and extending ``known``) that is not approved, if any."""
        if self._oracle is None:
            return None
        excluded = [
            -self._val[(f, v)]
            for f, values in box.items()
            for v in self.table.domains[f].indices()
            if v not in values
        ]
        return self._oracle.box_counterexample(known, excluded)

    @guarded
    def rejected_box(self, case: Mapping[int, int]) -> dict[int, frozenset[int]]:
        """A box of complete cases, all rejected, around the rejected complete ``case``
        (subset-minimal in the facts it fixes; see ``oracle.py``)."""
        if self._oracle is None:
            raise SolverError("rejected_box needs a table that can reject")
        return self._oracle.rejected_box(case)

    # -- deciding ------------------------------------------------------------

    @guarded
    def decide(
        self,
        case: Case,
        *,
        max_alternatives: int | None = None,
        max_pathways: int | None = None,
    ) -> Decision:
        """The exact verdict on ``case``, its reasons and, for a pend, the documentation request."""
        known, facts = self._reader.read(case)
        cons = self.consequences(known)
        undetermined = len(cons.outcomes) > 1
        verdict: Outcome = "pend" if undetermined else _only(cons.outcomes)
        request = _NO_REQUEST
        if undetermined:
            self._need.service = case.service_date
            request = self.documentation_request(
                known, "approve" in cons.outcomes,
                max_alternatives or self.max_alternatives, max_pathways or self.max_pathways,
                cons.match & cons.miss)
        self._walked_grid = None
        return Decision(
            case=case.id,
            policy=self._policy_ref,
            verdict=verdict,
            reasons=self._reasons(cons, verdict, undetermined),
            criteria=self._criteria(cons),
            rows=self._rows(cons),
            facts=facts,
            missing=request.missing,
            undetermined=undetermined,
            engine=self._engine,
            missing_omitted=request.missing_omitted,
            pathways=request.pathways,
            pathways_omitted=request.pathways_omitted,
            request=request.request,
            relevant=request.relevant,
            next_question=request.next_question,
            service_date=case.service_date.isoformat() if case.service_date else None,
        )

    @guarded
    def documentation_request(
        self, known: Mapping[int, int], approvable: bool, max_alternatives: int,
        max_pathways: int, open_rows: Iterable[int] | None = None,
    ) -> DocumentationRequest:
        """Missing sets, pathways, the factored request, relevant facts and the next question."""
        from medpolicy.solver.decide.request import build_request

        evaluated = self._residual_request(known, approvable)
        routes: list[Route] = []
        if evaluated is not None:
            routes = evaluated[0]
        elif approvable:
            solver = self.pathway_solver
            routes = self._lazy_routes.routes(known) if solver.lazy else solver.routes(known)
        if self.verify:
            for route in routes:
                if self.box_counterexample(known, dict(route.box)) is not None:
                    raise SolverError(
                        f"internal check failed: a pathway for {self.policy.id} does not "
                        "force approval; please report this table and case")
        if evaluated is not None:
            relevant = evaluated[1]
        else:
            in_routes = frozenset(f for route in routes for f in route.facts)
            relevant = self.relevance_solver.relevant(
                known, self._open_facts(open_rows), in_routes)
        return build_request(self.table, self._need, routes, relevant, max_alternatives,
                             max_pathways)

    def _residual_request(self, known: Mapping[int, int], approvable: bool
                          ) -> tuple[list[Route], frozenset[int]] | None:
        """Routes and relevant facts by evaluation, when it applies (``residual.py``)."""
        if not self._evaluates:
            return None
        from medpolicy.solver.decide.partial import collection_paused

        grid = None
        if self._walked_grid is not None and self._walked_grid[0] == known:
            grid = self._walked_grid[1]
        self._walked_grid = None
        with collection_paused():
            return self._residual.request(known, approvable, grid)

    @cached_property
    def _evaluates(self) -> bool:
        """Whether cases with few unknowns are decided and requested by evaluation."""
        if self.residual is not None:
            return self.residual
        from medpolicy.solver.decide.oracle import rejection_boxes

        return rejection_boxes(self.table) is None

    @cached_property
    def _brave(self) -> BraveEvaluator:
        from medpolicy.solver.decide.brave import BraveEvaluator

        return BraveEvaluator(self._partial)

    @cached_property
    def _residual(self) -> ResidualRequest:
        from medpolicy.solver.decide.residual import ResidualRequest

        return ResidualRequest(self._partial)

    @cached_property
    def _partial(self) -> PartialEvaluator:
        from medpolicy.solver.decide.partial import PartialEvaluator

        shared = None if self.evaluator is None else self.evaluator.compiled()
        return PartialEvaluator(self.table, shared)

    @guarded
    def missing_sets(
        self, known: Mapping[int, int], cap: int, *, allow_change: bool = False
    ) -> list[MissingSet]:
        """Every cheapest documentation (or change) that makes every completion approve.

        Alternatives come cheapest first, then by fact names. Each reports, per
        fact, the values that work; where the values of two facts interact
        (not every combination works) each working assignment is its own
        alternative, so every alternative filled in as reported approves.
        """
        solver = self.missing_solver
        found, exact = solver.solve(known, allow_change)
        result: list[MissingSet] = []
        for candidate in sorted(found, key=self._candidate_key):
            if exact:
                boxes = _boxes(found[candidate])
            else:
                values = solver.values(known, candidate, allow_change)
                boxes = (
                    [values]
                    if self._sound(known, candidate, values)
                    else _boxes(solver.assignments(known, candidate, cap, allow_change))
                )
            for box in boxes:
                if self.verify and not self._sound(known, candidate, box):
                    raise SolverError(
                        f"internal check failed: a missing set for {self.policy.id} does not "
                        "force approval; please report this table and case"
                    )
                if len(result) < cap:
                    result.append(self._missing_set(known, candidate, box))
        return result

    def _cheapest_routes(self, known: Mapping[int, int]) -> list[Route]:
        """On a lazily checked table: the cheapest routes only, from the missing-set search.

        Each is sound (checked against the decide program); where values of
        two facts interact each working assignment is its own route.
        """
        from medpolicy.solver.decide.pathways import Route

        found, exact = self.missing_solver.solve(known)
        routes: list[Route] = []
        for candidate in sorted(found, key=self._candidate_key):
            assert exact, "the lazy search lists every assignment"
            for box in _boxes(found[candidate]):
                cost = sum(self.table.domains[f].fact.cost for f in box)
                routes.append(Route(tuple(sorted(box.items())), cost))
        return routes

    @guarded
    def counterfactuals(self, case: Case, cap: int | None = None) -> tuple[MissingSet, ...]:
        """What would have to be different for every completion of ``case`` to approve.

        The cheapest sets of documented (or default) facts to change, each
        ``Need.current`` naming the old value, together with any unknown facts
        to document. Empty when no change can lead to approval.
        """
        known = self._reader.known(case)
        self._need.service = case.service_date
        return tuple(self.missing_sets(known, cap or self.max_alternatives, allow_change=True))

    def _candidate_key(self, candidate: Candidate) -> tuple[int, list[str]]:
        facts = [self.table.domains[f].fact for f in candidate.facts]
        return sum(f.cost for f in facts), sorted(f.name for f in facts)

    def _sound(
        self, known: Mapping[int, int], candidate: Candidate, values: Mapping[int, frozenset[int]]
    ) -> bool:
        """Check call: with the candidate's values, no completion is rejected."""
        fixed = {f: v for f, v in known.items() if f not in candidate.changed}
        excluded = [
            (f, v)
            for f in candidate.facts
            for v in self.table.domains[f].indices()
            if v not in values.get(f, ())
        ]
        return not self.can_reject(fixed, excluded)

    def _missing_set(
        self, known: Mapping[int, int], candidate: Candidate, values: Mapping[int, frozenset[int]]
    ) -> MissingSet:
        facts = sorted(candidate.facts, key=lambda i: self.table.domains[i].fact.name)
        return MissingSet(tuple(
            self._need(f, values[f], known[f] if f in candidate.changed else None) for f in facts
        ))

    def _open_facts(self, open_rows: Iterable[int] | None) -> frozenset[int] | None:
        """Facts read by rows that match in some completions only: no other fact can matter.

        A fact read by no such row leaves every row's match, hence the
        outcome, unchanged. None (no narrowing) when the open rows are unknown.
        """
        if open_rows is None:
            return None
        return frozenset().union(*(self._row_facts[r] for r in open_rows))

    @cached_property
    def _row_facts(self) -> tuple[frozenset[int], ...]:
        return tuple(self.table.row_facts(r) for r in range(len(self.policy.rows)))

    # -- reporting -----------------------------------------------------------

    def _reasons(
        self, cons: Consequences, verdict: Outcome, undetermined: bool
    ) -> tuple[Reason, ...]:
        rows = self.policy.rows
        wanted = {"deny", "refer", "pend"} if undetermined else {verdict}
        reasons = [
            Reason(
                row.id,
                row.outcome,
                row.reason,
                row.sources,
                certain=not undetermined and r not in cons.idle,
            )
            for r, row in ((r, rows[r]) for r in sorted(cons.decisive))
            if row.outcome in wanted
        ]
        fallback = no_match_outcome(self.policy.otherwise)
        if cons.fallback and fallback in wanted:
            otherwise = self.policy.otherwise
            text = otherwise.reason if otherwise else "No row of the table matches this case."
            sources = otherwise.sources if otherwise else ()
            reasons.append(
                Reason(
                    OTHERWISE_ID,
                    fallback,
                    text,
                    sources,
                    certain=not undetermined and not cons.match,
                )
            )
        certain = [r for r in reasons if r.certain]
        return tuple(certain or reasons)

    @cached_property
    def _status_objects(self) -> tuple[
        list[dict[str, CriterionStatus]], list[dict[tuple[str, str], RowStatus]],
    ]:
        """Every status object a table can report, built once (decide only looks them up)."""
        criteria = [
            {state: CriterionStatus(c.id, state, self._criterion_fact_names[i])
             for state in ("met", "not_met", "unknown", "not_applicable")}
            for i, c in enumerate(self.policy.criteria)
        ]
        rows = [
            {(state, decisive): RowStatus(row.id, row.outcome, state, decisive)
             for state in ("matched", "open", "excluded")
             for decisive in ("always", "sometimes", "never")}
            for row in self.policy.rows
        ]
        return criteria, rows

    def _criteria(self, cons: Consequences) -> tuple[CriterionStatus, ...]:
        users = self._criterion_users
        objects = self._status_objects[0]
        statuses = []
        for c in range(len(objects)):
            status: CriterionState
            if c in cons.met and c not in cons.unmet:
                status = "met"
            elif c in cons.unmet and c not in cons.met:
                status = "not_met"
            elif any(r in cons.match for r in users.get(c, ())):
                status = "unknown"
            else:
                status = "not_applicable"
            statuses.append(objects[c][status])
        return tuple(statuses)

    def _rows(self, cons: Consequences) -> tuple[RowStatus, ...]:
        objects = self._status_objects[1]
        result = list(self._excluded_rows)  # every row not matched is excluded and never decides
        for r in cons.match:
            state = "open" if r in cons.miss else "matched"
            decisive = (
                ("sometimes" if r in cons.idle else "always") if r in cons.decisive else "never"
            )
            result[r] = objects[r][(state, decisive)]
        return tuple(result)

    @cached_property
    def _excluded_rows(self) -> tuple[RowStatus, ...]:
        return tuple(statuses[("excluded", "never")] for statuses in self._status_objects[1])


def _boxes(assignments: list[dict[int, int]]) -> list[dict[int, frozenset[int]]]:
    """One box spanning the assignments if they form a full product, else one box each."""
    union: dict[int, set[int]] = {}
    for assignment in assignments:
        for f, v in assignment.items():
            union.setdefault(f, set()).add(v)
    size = 1
    for values in union.values():
        size *= len(values)
    distinct = {tuple(sorted(a.items())) for a in assignments}
    if size == len(distinct):
        return [{f: frozenset(vs) for f, vs in union.items()}]
    return [{f: frozenset([v]) for f, v in a} for a in sorted(distinct)]



class _NoRequest:
    """What a decided (not pending) case asks for: nothing (``DocumentationRequest()``)."""

    missing: tuple[MissingSet, ...] = ()
    missing_omitted = 0
    pathways: tuple[Any, ...] = ()
    pathways_omitted = 0
    request = Request()
    relevant: tuple[str, ...] = ()
    next_question = None


_NO_REQUEST: Any = _NoRequest()


def _only(outcomes: set[str]) -> Outcome:
    (outcome,) = outcomes
    for known in OUTCOMES:
        if outcome == known:
            return known
    raise SolverError(f"unexpected outcome {outcome!r}")


def decide(
    policy: Policy, case: Case, *, max_alternatives: int = DEFAULT_MAX_ALTERNATIVES
) -> Decision:
    """Decide one case (grounds the table; use ``Decider`` for many cases)."""
    return Decider(policy, max_alternatives=max_alternatives).decide(case)


def _row_layers(policy: Policy) -> tuple[tuple[str, str], ...]:
    """(row id, layer id) for the rows (and ``otherwise``) of an overlay's lower layers."""
    ids = [row.id for row in policy.rows]
    if policy.otherwise is not None:
        ids.append(OTHERWISE_ID)
    return tuple((i, policy.layer_of(i)) for i in ids if policy.layer_of(i) != policy.id)
