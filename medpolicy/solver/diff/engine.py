"""Semantic impact of a policy change: every kind of verdict change, with witnesses.

``diff_policies(old, new)`` decides both tables over their joint facts
(``diff_joint``) in one clingo program (``diff.lp``) and reports:

- every kind of verdict change some case shows (approve->deny, pend->approve,
  ...), found as brave consequences, so "no semantic change" is a proof over
  every case, complete or partial, not a sample;
- per kind: whether complete cases show it, the rows responsible on each
  side, the facts on which affected cases are narrower than all cases the old
  table decides that way ("conservative_care_weeks 4 to 5"), and witness
  cases: complete ones covering each responsible row, and a partial one (with
  fewest unknown facts) where a pend changes;
- the structural summary (``diff_structure``).

When the tables accept different values of a shared fact, the kinds that
show only on a case where a table is determined on several unknown facts
are found by the refinement loop (``refine.py``) and added with their
witnesses.

Every witness is decided again by each table's own ``Decider`` (independent
of ``diff.lp``); a disagreement raises ``SolverError`` instead of reporting a
wrong witness.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from itertools import product

from medpolicy.errors import SolverError
from medpolicy.logic.dates import REFERENCE_SERVICE_DATE
from medpolicy.logic.formula import facts_read, inline
from medpolicy.solver.control import DEFAULT_TIME_LIMIT
from medpolicy.solver.decide.decider import Decider
from medpolicy.solver.decide.needs import describe
from medpolicy.solver.decide.result import Decision
from medpolicy.solver.diff.joint import JointSpace, joint_space
from medpolicy.solver.diff.program import TAGS, DiffProgram, JointCase
from medpolicy.solver.diff.refine import Refiner, domains_differ
from medpolicy.solver.diff.structure import StructuralDiff, structural_diff
from medpolicy.tables.expr import Value
from medpolicy.tables.model import OTHERWISE_ID, OUTCOMES, Case, Outcome, Policy

#: Witness cases per kind of change, by default.
DEFAULT_WITNESSES = 3


@dataclass(frozen=True)
class Witness:
    """A case both tables decide differently: documented facts, the facts left out, decisions."""

    facts: Mapping[str, Value]
    unknown: tuple[str, ...]
    old: Decision
    new: Decision

    @property
    def complete(self) -> bool:
        return not self.unknown


@dataclass(frozen=True)
class FactRange:
    """The values a fact takes in affected cases, and among all cases with the old verdict.

    ``key`` marks a fact that a responsible row (on either side) reads.
    """

    fact: str
    values: str
    among: str
    key: bool


@dataclass(frozen=True)
class VerdictChange:
    """One kind of verdict change, where it shows, why, and cases that show it."""

    before: Outcome
    after: Outcome
    on_complete: bool
    rows_old: tuple[str, ...]
    rows_new: tuple[str, ...]
    affected: tuple[FactRange, ...]
    witnesses: tuple[Witness, ...]

    @property
    def label(self) -> str:
        return f"{self.before} -> {self.after}"


@dataclass(frozen=True)
class PolicyDiff:
    """What changed between two versions of a table: semantics and structure."""

    old: Policy
    new: Policy
    changes: tuple[VerdictChange, ...]
    structure: StructuralDiff

    @property
    def changed(self) -> bool:
        """Some case, complete or partial, gets a different verdict."""
        return bool(self.changes)


def _outcome(name: str) -> Outcome:
    return next(o for o in OUTCOMES if o == name)


class _Analysis:
    def __init__(self, space: JointSpace, max_witnesses: int, time_limit: float,
                 service_date: date) -> None:
        self.space = space
        self.service_date = service_date
        self.max_witnesses = max_witnesses
        self.time_limit = time_limit
        self.program = DiffProgram(space, time_limit)
        self.deciders = {tag: Decider(view.policy, time_limit=time_limit)
                         for tag, view in (("old", space.old), ("new", space.new))}

    def _lit(self, name: str, *args: str | int) -> int:
        literal = self.program.literal(name, *args)
        if literal is None:  # pragma: no cover - brave consequences only name ground atoms
            raise SolverError(f"internal error: no atom {name}{args} in the diff program")
        return literal

    def _facts(self, values: Mapping[int, int]) -> dict[str, Value]:
        space = self.space
        return {space.facts[f].name: space.domains[f].concrete(v, self.service_date)
                for f, v in sorted(values.items())}

    def _decide(self, tag: str, values: Mapping[int, int]) -> Decision:
        """``tag``'s own decision on the case documenting ``values`` (joint abstract values)."""
        view = self.space.old if tag == "old" else self.space.new
        own = {k: v for k, v in self._facts(values).items() if k in view.policy.fact_map}
        return self.deciders[tag].decide(Case(id="witness", facts=own,
                                              service_date=self.service_date))

    def _witness(self, case: JointCase,
                 decided: Mapping[str, Decision] | None = None) -> Witness:
        decisions = dict(decided or {})
        for tag in TAGS:
            decision = decisions[tag] if tag in decisions else self._decide(tag, case.values)
            if decision.verdict != case.verdicts[tag]:
                raise SolverError(
                    f"internal check failed: the diff found {case.verdicts[tag]} for the {tag} "
                    f"table on a witness that decide finds {decision.verdict}; please report it")
            decisions[tag] = decision
        unknown = tuple(self.space.facts[f].name for f in sorted(case.absent))
        return Witness(self._facts(case.values), unknown, decisions["old"], decisions["new"])

    def refined(self, known: set[tuple[str, str]]) -> dict[tuple[str, str], Witness]:
        """The kinds only a case with a table determined on several unknowns shows, each with
        its witness; none unless the tables accept different values of a fact (refine.py)."""
        if not domains_differ(self.space):
            return {}
        refiner = Refiner(self.space, self.time_limit, self._decide)
        return {kind: self._witness(case, decisions)
                for kind, (case, decisions) in refiner.changes(known).items()}

    def _responsible(self, changed: int) -> dict[str, list[str]]:
        rows: dict[str, list[str]] = {tag: [] for tag in TAGS}
        views = {"old": self.space.old, "new": self.space.new}
        for symbol in self.program.brave([changed], complete=True):
            if symbol.name == "resp":
                tag, row = symbol.arguments[0].name, symbol.arguments[1].number
                rows[tag].append(views[tag].policy.rows[row].id)
            elif symbol.name == "fell":
                rows[symbol.arguments[0].name].append(OTHERWISE_ID)
        for tag, view in views.items():
            order = {r.id: i for i, r in enumerate(view.policy.rows)}
            rows[tag].sort(key=lambda r: order.get(r, len(order)))
        return rows

    def _complete_witnesses(self, changed: int, rows: dict[str, list[str]]) -> list[Witness]:
        found = [self.program.witness([changed], complete=True)]
        covered = {(tag, r) for w in found if w for tag, r in self._rows_of(w)}
        for tag, row in ((t, r) for t in TAGS for r in rows[t]):
            if len(found) >= self.max_witnesses:
                break
            if (tag, row) in covered:
                continue
            goal = (self._lit("fell", tag) if row == OTHERWISE_ID else
                    self._lit("resp", tag, self._row_index(tag, row)))
            case = self.program.witness([changed, goal], complete=True)
            if case is not None:
                found.append(case)
                covered |= set(self._rows_of(case))
        return [self._witness(c) for c in found if c is not None]

    def _row_index(self, tag: str, row: str) -> int:
        view = self.space.old if tag == "old" else self.space.new
        return next(i for i, r in enumerate(view.policy.rows) if r.id == row)

    def _rows_of(self, case: JointCase) -> list[tuple[str, str]]:
        witness = self._witness(case)
        return [(tag, r.row) for tag, d in (("old", witness.old), ("new", witness.new))
                for r in d.reasons]

    def _partial_witness(self, kind: tuple[str, str]) -> Witness | None:
        changed = self.program.literal("changed", *kind)
        if changed is None:  # a kind only the refinement loop finds
            return None
        attempts = [[changed, self._lit("undet", tag)]
                    for tag, verdict in zip(TAGS, kind, strict=True)
                    if verdict == "pend" and self.program.literal("undet", tag) is not None]
        for assumptions in [*attempts, [changed]]:
            case = self.program.witness(assumptions, complete=False)
            if case is not None and case.absent:
                return self._witness(case)
        return None

    def _values(self, assumptions: list[int]) -> dict[int, set[int]]:
        seen: dict[int, set[int]] = {}
        for symbol in self.program.brave(assumptions, complete=True):
            if symbol.name == "doc":
                seen.setdefault(symbol.arguments[0].number, set()).add(
                    symbol.arguments[1].number)
        return seen

    def _read_by(self, rows: dict[str, list[str]]) -> set[int]:
        """The facts the responsible rows read, directly or through criteria."""
        found: set[int] = set()
        for tag, view in (("old", self.space.old), ("new", self.space.new)):
            for r, row in enumerate(view.policy.rows):
                if row.id in rows[tag]:
                    found |= facts_read(inline(view.rows[r], view.criteria))
        return found

    def _affected(self, changed: int, before: str,
                  rows: dict[str, list[str]]) -> tuple[FactRange, ...]:
        affected = self._values([changed])
        among = self._values([self._lit("verdict", "old", before)])
        key = self._read_by(rows)
        result = [
            FactRange(domain.fact.name, describe(domain, affected[f]),
                      describe(domain, among[f]), f in key)
            for f, domain in enumerate(self.space.domains)
            if affected.get(f, set()) < among.get(f, set())
        ]
        return tuple(sorted(result, key=lambda r: not r.key))

    def change(self, kind: tuple[str, str], on_complete: bool,
               refined: Witness | None = None) -> VerdictChange:
        witnesses: list[Witness] = []
        rows: dict[str, list[str]] = {tag: [] for tag in TAGS}
        affected: tuple[FactRange, ...] = ()
        if on_complete:
            changed = self._lit("changed", *kind)
            rows = self._responsible(changed)
            witnesses = self._complete_witnesses(changed, rows)
            affected = self._affected(changed, kind[0], rows)
        if "pend" in kind or not on_complete:
            partial = self._partial_witness(kind) or refined
            if partial is not None:
                witnesses.append(partial)
        if not on_complete:
            for w in witnesses:
                rows["old"] += [r.row for r in w.old.reasons if r.row not in rows["old"]]
                rows["new"] += [r.row for r in w.new.reasons if r.row not in rows["new"]]
        return VerdictChange(_outcome(kind[0]), _outcome(kind[1]), on_complete,
                             tuple(rows["old"]), tuple(rows["new"]), affected,
                             tuple(witnesses))


def diff_policies(
    old: Policy,
    new: Policy,
    *,
    max_witnesses: int = DEFAULT_WITNESSES,
    time_limit: float = DEFAULT_TIME_LIMIT,
    service_date: date = REFERENCE_SERVICE_DATE,
) -> PolicyDiff:
    """Every kind of verdict change from ``old`` to ``new``, and what changed in the table;
    witnesses are dated at ``service_date`` (their windowed dates count back from it)."""
    if max_witnesses < 1:
        raise ValueError("max_witnesses must be at least 1")
    analysis = _Analysis(joint_space(old, new), max_witnesses, time_limit, service_date)
    on_complete = analysis.program.kinds(complete=True)
    every = analysis.program.kinds(complete=False) | on_complete
    refined = analysis.refined(every)
    order: dict[tuple[str, str], int] = {
        pair: i for i, pair in enumerate(product(OUTCOMES, OUTCOMES))}
    changes = tuple(analysis.change(kind, kind in on_complete, refined.get(kind))
                    for kind in sorted(every | refined.keys(), key=order.__getitem__))
    return PolicyDiff(old, new, changes, structural_diff(old, new))
