"""Minimal missing documentation: clingo optimisation over the rejection boxes.

For an undetermined case, the missing sets are the sets S of unknown facts,
with values, such that every completion of the remaining unknown facts is
approved, of minimal total documentation cost. ``missing.lp`` states this as
a hitting-set problem over the boxes of non-approved complete cases (the DNF
of the rejection formula): every box must be excluded by a known or picked
value, so every model of it is a working documentation by construction.

The fast path enumerates every optimal model in one solve; grouped by their
fact sets they give each set and the values each of its facts can take. When
there are more optimal models than ``MODEL_CAP`` (many facts with many
values), the optimal sets are enumerated projected on the chosen facts on a
second Control, and each set's values come from brave consequences.

With ``allow_change`` (counterfactuals) documented facts may also change
value, at their cost.

Some tables have a rejection formula whose DNF is too large (typically
"approve when one of many approve rows matches, otherwise pend": the
negation of every approve row). Then the boxes are found lazily, guided by
counterexamples: solve against the boxes known so far; check every answer
with the decide program (an oracle); turn each counterexample, a rejected
complete case, into a box by freeing its facts while the box stays rejected
and widening the values of the rest (``oracle.py``); learn the boxes of every
refuted answer of a round at once; repeat until every answer checks. Boxes
are facts about the table, not the case, so they are kept for the next cases.

The lazy search is incremental on one grounded program (multi-shot): a new
box is added to the grounded Control as a ground constraint over the
program's own ``pick/2`` atoms (``add_box``), never by grounding the program
again, so a case costs solves, not rebuilds.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol

import clingo

from medpolicy.errors import SolverError, TooComplexError
from medpolicy.logic.compiler import CompiledTable, encoding, known_literals, literal_map
from medpolicy.logic.dnf import Box
from medpolicy.solver.control import SymbolIndex, new_control, solve_models
from medpolicy.solver.decide.oracle import rejection_boxes

#: Optimal models enumerated on the fast path before switching to projection.
MODEL_CAP = 512

def _solve_config(ctl: clingo.Control) -> Any:
    """The ``solve`` group of a Control's configuration (typed loosely by clingo)."""
    return ctl.configuration.solve


_PROJECTION = "\n#project chosen/1.\n#project changed/1.\n"


@dataclass(frozen=True)
class Candidate:
    """One optimal way: facts to document (chosen) and documented facts to change."""

    chosen: frozenset[int]
    changed: frozenset[int]

    @property
    def facts(self) -> frozenset[int]:
        return self.chosen | self.changed


Assignment = dict[int, int]


class Oracle(Protocol):
    """Checks answers against the table itself (the Decider's grounded decide program)."""

    def counterexample(self, fixed: Mapping[int, int]) -> dict[int, int] | None: ...

    def rejected_box(self, case: Mapping[int, int]) -> dict[int, frozenset[int]]: ...


class MissingSolver:
    """The optimisation program of one table, grounded once; many cases are solved on it."""

    def __init__(self, table: CompiledTable, time_limit: float, oracle: Oracle) -> None:
        self.table = table
        self.time_limit = time_limit
        self.oracle = oracle
        boxes = rejection_boxes(table)
        self.lazy = boxes is None
        self.boxes: list[Box] = boxes or []
        self._build()

    def _build(self) -> None:
        """Ground the program over the current boxes and read its literals."""
        self.ctl = self._ground("", "--project=no")
        ctl = self.ctl
        self._pick = literal_map(ctl, "pick", 2)
        given = literal_map(ctl, "given", 2)
        self._chosen = {k[0]: v for k, v in literal_map(ctl, "chosen", 1).items()}
        self._changed = {k[0]: v for k, v in literal_map(ctl, "changed", 1).items()}
        self._may_change = next(a.literal for a in ctl.symbolic_atoms.by_signature("may_change", 0))
        values = [d.indices() for d in self.table.domains]
        # Per fact: assumptions when unknown, and when known with each value.
        self._unknown = [[-given[(f, v)] for v in vs] for f, vs in enumerate(values)]
        # Known with value w: given(f,w), and no other value (built per case: a codes
        # fact has 2**R values, and a table of every pair would be quadratic).
        self._given = [[given[(f, v)] for v in vs] for f, vs in enumerate(values)]
        self._index = _shown_index(ctl)

    def _ground(self, extra: str, *arguments: str) -> clingo.Control:
        ctl = new_control("--opt-mode=optN", "--models=0", *arguments)
        with ctl.backend() as backend:
            self.table.emit_missing(backend, self.boxes)
        ctl.add("base", [], encoding("missing.lp") + extra)
        ctl.ground([("base", [])])
        return ctl

    @cached_property
    def projected(self) -> clingo.Control:
        """The same program with projection on the chosen facts (the slow path)."""
        return self._ground(_PROJECTION, "--project=project")

    def _base(self, known: Mapping[int, int], allow_change: bool) -> list[int]:
        assumptions = [self._may_change if allow_change else -self._may_change]
        for f in range(len(self.table.domains)):
            value = known.get(f)
            assumptions.extend(self._unknown[f] if value is None
                               else known_literals(self._given[f], value))
        return assumptions

    def _read(self, model: clingo.Model, index: SymbolIndex[tuple[str, int, int]]
              ) -> tuple[Candidate, dict[int, int]]:
        """The model's candidate and the values it picks for every fact."""
        chosen: set[int] = set()
        changed: set[int] = set()
        picks: dict[int, int] = {}
        for kind, fact, value in index.read(model):
            if kind == "set":
                picks[fact] = value
            elif kind == "chosen":
                chosen.add(fact)
            else:
                changed.add(fact)
        return Candidate(frozenset(chosen), frozenset(changed)), picks

    def _assignment(self, model: clingo.Model, facts: frozenset[int]) -> Assignment:
        _, picks = self._read(model, self._index)
        return {f: picks[f] for f in facts}

    def solve(
        self, known: Mapping[int, int], allow_change: bool = False
    ) -> tuple[dict[Candidate, list[Assignment]], bool]:
        """Every optimal candidate, and whether its working assignments are all listed.

        On the fast path (second value True) each candidate maps to all of its
        working assignments. On the slow path (too many optimal models) the
        lists are empty: use ``values`` and ``assignments`` per candidate.
        """
        if not self.lazy:
            return self._solve(known, allow_change)
        deadline = time.monotonic() + self.time_limit
        while True:
            found, exact = self._solve(known, allow_change)
            if not exact:
                raise TooComplexError(
                    f"more than {MODEL_CAP} cheapest ways to document this case on a table "
                    "whose conditions are checked lazily; simplify the table")
            boxes = self._refute(known, found)
            if not boxes:
                return found, True
            if time.monotonic() > deadline:
                raise SolverError(
                    f"the search for missing documentation took longer than its time limit "
                    f"of {self.time_limit:g} s; raise the limit or simplify the table")
            for box in boxes:
                self.add_box(box)

    def add_box(self, box: Box) -> None:
        """Add one rejection box to the grounded program(s) without grounding them again.

        The box is excluded when some fact it restricts is picked with a value
        outside it: a fresh atom ``killed`` derived from those ``pick`` atoms,
        and the constraint ``:- not killed``, the ground form of the rules of
        ``missing.lp`` for one blocker.
        """
        self.boxes.append(box)
        controls = [(self.ctl, self._pick)]
        if "projected" in self.__dict__:
            controls.append((self.projected, literal_map(self.projected, "pick", 2)))
        for ctl, pick in controls:
            _add_box(ctl, pick, box, self.table)

    def _refute(self, known: Mapping[int, int], found: Mapping[Candidate, list[Assignment]]
                ) -> list[Box]:
        """New rejected boxes, one for each answer that no box of this round already
        refutes; empty when every answer checks.

        Learning every refuted answer's box in one round (rather than the first
        one only) keeps the number of optimisation rounds per case small.
        """
        learnt: list[Box] = []
        for candidate, assignments in found.items():
            kept = {f: v for f, v in known.items() if f not in candidate.changed}
            for assignment in assignments:
                fixed = {**kept, **assignment}
                if any(_meets(box, fixed) for box in learnt):
                    continue
                counter = self.oracle.counterexample(fixed)
                if counter is not None:
                    learnt.append(self.oracle.rejected_box(counter))
        return learnt

    def _solve(
        self, known: Mapping[int, int], allow_change: bool
    ) -> tuple[dict[Candidate, list[Assignment]], bool]:
        found: dict[Candidate, list[Assignment]] = {}
        count = [0]

        def on_model(model: clingo.Model) -> bool:
            if model.optimality_proven:
                candidate, picks = self._read(model, self._index)
                found.setdefault(candidate, []).append({f: picks[f] for f in candidate.facts})
                count[0] += 1
            return count[0] <= MODEL_CAP

        solve_models(
            self.ctl,
            self._base(known, allow_change),
            on_model,
            self.time_limit,
            "the search for missing documentation",
        )
        if count[0] <= MODEL_CAP:
            return found, True
        return {c: [] for c in self._projected_candidates(known, allow_change)}, False

    def _projected_candidates(
        self, known: Mapping[int, int], allow_change: bool
    ) -> list[Candidate]:
        found: list[Candidate] = []
        index = _shown_index(self.projected)

        def on_model(model: clingo.Model) -> bool:
            if model.optimality_proven:
                candidate, _ = self._read(model, index)
                if candidate not in found:
                    found.append(candidate)
            return True

        solve_models(
            self.projected,
            self._base(known, allow_change),
            on_model,
            self.time_limit,
            "the search for missing documentation",
        )
        return found

    def _fixed(
        self, known: Mapping[int, int], candidate: Candidate, allow_change: bool
    ) -> list[int]:
        assumptions = self._base(known, allow_change)
        for f, lit in self._chosen.items():
            assumptions.append(lit if f in candidate.chosen else -lit)
        for f, lit in self._changed.items():
            assumptions.append(lit if f in candidate.changed else -lit)
        return assumptions

    def values(
        self, known: Mapping[int, int], candidate: Candidate, allow_change: bool = False
    ) -> dict[int, frozenset[int]]:
        """For each fact of the candidate, every value some working assignment gives it."""
        config = _solve_config(self.ctl)
        config.opt_mode, config.enum_mode = "ignore", "brave"
        last: dict[int, set[int]] = {}

        def on_model(model: clingo.Model) -> bool:
            # Brave mode: the last model holds the union of all working values.
            last.clear()
            for kind, f, v in self._index.read(model):
                if kind == "set" and f in candidate.facts:
                    last.setdefault(f, set()).add(v)
            return True

        try:
            solve_models(
                self.ctl,
                self._fixed(known, candidate, allow_change),
                on_model,
                self.time_limit,
                "the search for the values missing documentation needs",
            )
        finally:
            config.opt_mode, config.enum_mode = "optN", "auto"
        return {f: frozenset(vs) for f, vs in last.items()}

    def assignments(
        self, known: Mapping[int, int], candidate: Candidate, cap: int, allow_change: bool = False
    ) -> list[Assignment]:
        """Distinct working assignments of the candidate's facts, at most ``cap``."""
        config = _solve_config(self.ctl)
        config.opt_mode = "ignore"
        seen: list[Assignment] = []

        def on_model(model: clingo.Model) -> bool:
            seen.append(self._assignment(model, candidate.facts))
            return len(seen) < cap

        try:
            solve_models(
                self.ctl,
                self._fixed(known, candidate, allow_change),
                on_model,
                self.time_limit,
                "the search for missing documentation",
            )
        finally:
            config.opt_mode = "optN"
        return seen


def _meets(box: Box, fixed: Mapping[int, int]) -> bool:
    """Whether some completion of the partial assignment ``fixed`` lies in ``box``."""
    return all(f not in fixed or fixed[f] in allowed for f, allowed in box.items())


def _add_box(ctl: clingo.Control, pick: Mapping[tuple[int, ...], int], box: Box,
             table: CompiledTable) -> None:
    with ctl.backend() as backend:
        killed = backend.add_atom()
        for fact, allowed in box.items():
            for value in table.domains[fact].indices():
                if value not in allowed:
                    backend.add_rule([killed], [pick[(fact, value)]])
        backend.add_rule([], [-killed])


def _shown_index(ctl: clingo.Control) -> SymbolIndex[tuple[str, int, int]]:
    """chosen(F), changed(F) and set(F,V) atoms by their symbols."""
    items: dict[clingo.Symbol, tuple[str, int, int]] = {}
    for name, arity in (("chosen", 1), ("changed", 1), ("set", 2)):
        for atom in ctl.symbolic_atoms.by_signature(name, arity):
            args = [a.number for a in atom.symbol.arguments]
            items[atom.symbol] = (name, args[0], args[1] if arity == 2 else -1)
    return SymbolIndex(items)

