"""Generating a starting test suite: every row decisive, every threshold on both sides.

The generator works on complete cases over the table's abstract domains, on
one grounded ``decide.lp`` program solved with goals as assumptions:

1. a *baseline* case, approved if anything can be (else pended, else denied),
   chosen to look ordinary: enums at their first listed value, closed-world
   facts at their default, other bools false, ints low, as far as possible;
2. for each row, then ``otherwise``, a case in which it is the only decisive
   row (or, when that cannot be, decisive among others), changed from the
   baseline in as few facts as possible (clingo optimisation), so that each
   case reads as "the baseline, except ...";
3. cases for criteria never yet seen met or not met;
4. concrete values (``boundaries``): an int fact takes, inside its interval,
   a value next to a threshold no case has tested yet; a threshold still
   untested on a side gets a copy of a case with the fact moved across it,
   preferably a case whose verdict the move changes, else one just on the
   other side (a boundary pair).

Expectations are the solver's decisions: the suite records what the table
does now, for an analyst to review. Goals that no case can meet (a row that
is never decisive, a criterion never met) are listed, not silently dropped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import clingo

from medpolicy.logic.compiler import CompiledTable, encoding, literal_map
from medpolicy.logic.dates import REFERENCE_SERVICE_DATE
from medpolicy.logic.domain import Domain
from medpolicy.solver.control import DEFAULT_TIME_LIMIT, new_control, solve_models
from medpolicy.solver.decide.decider import Decider
from medpolicy.solver.decide.result import Decision
from medpolicy.suite.boundaries import Abstract, Concretizer, Draft, Facts
from medpolicy.suite.regions import region_drafts
from medpolicy.tables.expr import Value
from medpolicy.tables.model import OTHERWISE_ID, OUTCOMES, Case, Policy


@dataclass(frozen=True)
class GeneratedCase:
    """A generated complete case, what it was made for, and the solver's decision."""

    id: str
    description: str
    facts: Mapping[str, Value]
    decision: Decision


@dataclass(frozen=True)
class GeneratedSuite:
    """The generated cases, and the goals no case can meet."""

    policy: Policy
    cases: tuple[GeneratedCase, ...]
    unreachable: tuple[str, ...]


class _Search:
    """``decide.lp`` grounded once with an objective: differ from preferred values."""

    def __init__(self, table: CompiledTable, penalties: Mapping[tuple[int, int], int],
                 time_limit: float) -> None:
        ctl = new_control("--opt-mode=opt")
        with ctl.backend() as backend:
            table.emit_decide(backend)
        ctl.add("base", [], encoding("decide.lp"))
        ctl.ground([("base", [])])
        self.val = literal_map(ctl, "val", 2)
        with ctl.backend() as backend:
            for priority in sorted(set(penalties.values())):
                backend.add_minimize(priority, [
                    (self.val[key], 1) for key, p in penalties.items() if p == priority])
        self.ctl = ctl
        self.time_limit = time_limit
        self.decisive = {k[0]: v for k, v in literal_map(ctl, "decisive", 1).items()}
        self.met = {k[0]: v for k, v in literal_map(ctl, "met", 1).items()}
        self.unmet = {k[0]: v for k, v in literal_map(ctl, "unmet", 1).items()}
        atoms = ctl.symbolic_atoms
        self.fallback = next((a.literal for a in atoms.by_signature("fallback", 0)), None)
        self.outcome = {a.symbol.arguments[0].name: a.literal
                        for a in atoms.by_signature("outcome", 1)}

    def solve(self, assumptions: Sequence[int]) -> Abstract | None:
        """An optimal complete abstract case under the assumptions, or None."""
        best: list[Abstract] = []

        def keep(model: clingo.Model) -> bool:
            best[:] = [{f: v for (f, v), lit in self.val.items() if model.is_true(lit)}]
            return True

        solve_models(self.ctl, assumptions, keep, self.time_limit, "generating a test case")
        return best[0] if best else None

    def sole(self, row: int | None) -> list[int] | None:
        """Assumptions: ``row`` (None: the otherwise clause) is the only decisive row."""
        if row is None:
            return [self.fallback] if self.fallback is not None else None
        if row not in self.decisive:
            return None
        others = [-lit for r, lit in self.decisive.items() if r != row]
        return [self.decisive[row], *others, *([-self.fallback] if self.fallback else [])]


def _ordinary(domain: Domain) -> tuple[int, int]:
    """The value a baseline prefers for a fact, and how strongly (priority)."""
    fact = domain.fact
    if fact.default is not None:
        return domain.index_of(fact.default), 2
    if fact.type == "enum":
        return 0, 2
    if fact.type == "bool":
        return domain.index_of(False), 1
    return 0, 0


class _Generator:
    def __init__(self, policy: Policy, time_limit: float) -> None:
        self.policy = policy
        self.time_limit = time_limit
        self.table = CompiledTable(policy)
        self.decider = Decider(policy, time_limit=time_limit)
        self.domains = self.table.domains
        self.drafts: list[Draft] = []
        self.unreachable: list[str] = []
        self._decisions: dict[tuple[tuple[str, Value], ...], Decision] = {}

    def decide(self, facts: Mapping[str, Value]) -> Decision:
        key = tuple(sorted(facts.items(), key=lambda item: item[0]))
        if key not in self._decisions:
            self._decisions[key] = self.decider.decide(Case(id="generated", facts=dict(facts),
                                                           service_date=REFERENCE_SERVICE_DATE))
        return self._decisions[key]

    def _representatives(self, assignment: Abstract) -> Facts:
        return {self.domains[f].fact.name: self.domains[f].concrete(v)
                for f, v in assignment.items()}

    def _decide_abstract(self, assignment: Abstract) -> Decision:
        return self.decide(self._representatives(assignment))

    def _penalties(self, preferred: Mapping[int, tuple[int, int]]) -> dict[tuple[int, int], int]:
        return {(f, v): priority for f, (want, priority) in preferred.items()
                for v in self.domains[f].indices() if v != want}

    # -- abstract cases --------------------------------------------------------

    def _baseline(self) -> Abstract:
        preferred = {f: _ordinary(d) for f, d in enumerate(self.domains)}
        search = _Search(self.table, self._penalties(preferred), self.time_limit)
        for outcome in OUTCOMES:
            if outcome in search.outcome:
                found = search.solve([search.outcome[outcome]])
                if found is not None:
                    return found
        raise AssertionError("every table has a complete case")  # pragma: no cover

    def _met_by_a_draft(self, row: str) -> bool:
        return any(_sole_reason(self._decide_abstract(d.abstract), row)
                   for d in self.drafts if d.abstract is not None)

    def _row_goals(self, search: _Search) -> None:
        rows: list[tuple[int | None, str]] = list(enumerate(r.id for r in self.policy.rows))
        if self.policy.otherwise is not None:
            rows.append((None, OTHERWISE_ID))
        for index, row in rows:
            if self._met_by_a_draft(row):
                continue
            assumptions = search.sole(index)
            found = search.solve(assumptions) if assumptions is not None else None
            label = "the otherwise clause applies: no row matches" if index is None else (
                f"row {row} is the only decisive row")
            if found is None and index is not None and index in search.decisive:
                found = search.solve([search.decisive[index]])
                label = f"row {row} decides, with other rows (it never decides alone)"
            if found is None:
                self.unreachable.append(
                    f"row {row} is never decisive" if index is not None
                    else "otherwise never applies: some row always matches")
                continue
            slug = "otherwise" if index is None else f"row-{row}"
            self.drafts.append(Draft(slug, f"Generated: {label}.", found))

    def _criterion_goals(self, search: _Search) -> None:
        seen = {(c.id, c.status) for d in self.drafts if d.abstract is not None
                for c in self._decide_abstract(d.abstract).criteria}
        for index, criterion in enumerate(self.policy.criteria):
            for status, literals in (("met", search.met), ("not_met", search.unmet)):
                if (criterion.id, status) in seen:
                    continue
                word = status.replace("_", " ")
                found = search.solve([literals[index]]) if index in literals else None
                if found is None:
                    self.unreachable.append(f"criterion {criterion.id} is never {word}")
                    continue
                seen.update((c.id, c.status) for c in self._decide_abstract(found).criteria)
                self.drafts.append(Draft(f"criterion-{criterion.id}-{word.replace(' ', '-')}",
                                          f"Generated: criterion {criterion.id} is {word}.",
                                          found))

    # -- the suite ---------------------------------------------------------------

    def run(self) -> GeneratedSuite:
        baseline = self._baseline()
        slug = _goal_slug(self._decide_abstract(baseline), self.policy.otherwise is not None)
        self.drafts.append(Draft(slug, "", baseline))
        preferred = {f: (v, 0) for f, v in baseline.items()}
        search = _Search(self.table, self._penalties(preferred), self.time_limit)
        self._row_goals(search)
        self._criterion_goals(search)
        concretizer = Concretizer(self.policy, self.domains)
        for draft in self.drafts:
            assert draft.abstract is not None
            draft.facts = concretizer.values(draft.abstract)
        self._name()
        self.drafts += concretizer.boundary_drafts(self.drafts, self.decide)
        self.drafts += region_drafts(self.policy.id, self.domains, self.drafts)
        return GeneratedSuite(self.policy, self._finish(), tuple(self.unreachable))

    def _name(self) -> None:
        used: set[str] = set()
        for draft in self.drafts:
            name = f"{self.policy.id}-{draft.slug}"
            number = 2
            while f"{name}-{number}" in used or (number == 2 and name in used):
                number += 1
            draft.slug = name if name not in used else f"{name}-{number}"
            used.add(draft.slug)

    def _finish(self) -> tuple[GeneratedCase, ...]:
        base = self.drafts[0]
        assert base.facts is not None
        result: list[GeneratedCase] = []
        for number, draft in enumerate(self.drafts):
            assert draft.facts is not None
            decision = replace(self.decide(draft.facts), case=draft.slug)
            if number == 0:
                reasons = ", ".join(r.row for r in decision.reasons)
                text = (f"Generated baseline: {decision.verdict} ({reasons}); the other "
                        "generated cases change it as little as they can.")
            else:
                changed = [n for n, v in draft.facts.items() if base.facts.get(n) != v]
                text = f"{draft.text} Differs from {base.slug} in: {', '.join(changed)}."
            result.append(GeneratedCase(draft.slug, text, dict(draft.facts), decision))
        return tuple(result)


def _sole_reason(decision: Decision, row: str) -> bool:
    """Whether ``row`` (or the otherwise clause) alone decides the case."""
    if row == OTHERWISE_ID:
        return [r.row for r in decision.reasons] == [OTHERWISE_ID]
    return [s.id for s in decision.rows if s.decisive == "always"] == [row]


def _goal_slug(decision: Decision, has_otherwise: bool) -> str:
    reasons = [r.row for r in decision.reasons]
    if reasons == [OTHERWISE_ID]:
        return "otherwise" if has_otherwise else "gap"
    return f"row-{reasons[0]}" if len(reasons) == 1 else "baseline"


def generate_suite(policy: Policy, *, time_limit: float = DEFAULT_TIME_LIMIT) -> GeneratedSuite:
    """A small suite of complete cases: every row decisive, every threshold on both sides."""
    return _Generator(policy, time_limit).run()
