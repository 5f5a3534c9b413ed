"""The refinement loop: partial-case changes that need a table determined on several unknowns.

``diff.lp`` decides a table exactly on a joint case that leaves it at most
one free fact, or where it is undetermined. When both tables accept the same
values of every fact they share, that finds every kind of change: a change
on a partial case also shows on one whose determined side has at most one
free fact. When the accepted values differ (an int's ``min``/``max``, an
enum's values), it may not: with ``n, m`` in 0..10 old approves everything;
with ``n, m`` in 0..20 new denies when both exceed 10. Leaving both out, old
approves and new pends, and no case with a documented ``n`` or ``m`` shows
it (documented values must lie in 0..10).

For the kinds the exact program does not show, this loop (counterexample-
guided refinement) lets a table with several free facts be claimed determined
(``claims.lp``), takes an optimal case showing the kind, and decides it with
each table's own ``Decider``. A case whose verdicts hold is a witness. A claim
that fails (the table is undetermined there) yields a completion with another
outcome, checked by ``decide``; it joins the program as a refutation copy:
a claimed table must show the claimed outcome on that completion too, in
every case. The completions are finitely many, so the loop ends with a
witness or with no case left: then the kind shows on no case. The time limit
bounds the whole loop (``medpolicy.budget``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from importlib import resources
from itertools import product
from typing import Any

import clingo

from medpolicy.budget import checkpoint, time_budget
from medpolicy.errors import SolverError
from medpolicy.solver.control import solve_models
from medpolicy.solver.decide.result import Decision
from medpolicy.solver.diff.joint import JointSpace
from medpolicy.solver.diff.program import TAGS, DiffProgram, JointCase
from medpolicy.tables.model import OUTCOMES

Function = clingo.Function
Number = clingo.Number

#: Decides one table (``old`` or ``new``) on a case of joint abstract values.
Decide = Callable[[str, Mapping[int, int]], Decision]
Kind = tuple[str, str]


def domains_differ(space: JointSpace) -> bool:
    """Some fact both tables read is accepted with different values by each."""
    shared = space.old.reads & space.new.reads
    return any(space.old.accepts[f] != space.new.accepts[f] for f in shared)


def wide_facts(space: JointSpace) -> list[clingo.Symbol]:
    """``wide(T,F)``: the other table reads F and accepts a value of it that T does not, or
    reads it by default as one.

    A table determined on a partial case that changes the verdict stays so when
    a free fact that is not wide is documented: with a value of a completion of
    the other side that shows its verdict (when that side is undetermined), with
    the other side's default, or with any value the other side does not read.
    So a change shows on some case where at most one free fact of each
    determined side is not wide, and only there may a side be claimed.
    """
    wide = []
    for tag, mine, other in (("old", space.old, space.new), ("new", space.new, space.old)):
        for f in sorted(mine.reads & other.reads):
            default = other.defaults.get(f)
            if not other.accepts[f] <= mine.accepts[f] or (
                    default is not None and default not in mine.accepts[f]):
                wide.append(_atom("wide", tag, f))
    return wide


def _atom(name: str, *args: str | int | clingo.Symbol) -> clingo.Symbol:
    return Function(name, [a if isinstance(a, clingo.Symbol) else
                           Number(a) if isinstance(a, int) else Function(a) for a in args])


def _claims() -> str:
    return resources.files("medpolicy.solver.diff").joinpath("claims.lp").read_text(
        encoding="utf-8")


class Refiner:
    """The claims program with the refutation copies found so far, rebuilt as they grow."""

    def __init__(self, space: JointSpace, time_limit: float, decide: Decide) -> None:
        self.space = space
        self.time_limit = time_limit
        self.decide = decide
        self.wide = wide_facts(space)
        self.refutations: list[clingo.Symbol] = []
        self.fixed: list[clingo.Symbol] = []
        self._program: DiffProgram | None = None

    def program(self) -> DiffProgram:
        if self._program is None:
            self._program = DiffProgram(self.space, self.time_limit,
                                        [*self.wide, *self.refutations, *self.fixed], [_claims()])
        return self._program

    def changes(self, known: Iterable[Kind]) -> dict[Kind, tuple[JointCase, dict[str, Decision]]]:
        """Each kind of change not in ``known`` that some case shows, with a decided witness."""
        skip = set(known)
        found: dict[Kind, tuple[JointCase, dict[str, Decision]]] = {}
        with time_budget(self.time_limit):
            for kind in product(OUTCOMES, OUTCOMES):
                if kind[0] != kind[1] and kind not in skip:
                    hit = self._search(kind)
                    if hit is not None:
                        found[kind] = hit
        return found

    def _search(self, kind: Kind) -> tuple[JointCase, dict[str, Decision]] | None:
        while True:
            checkpoint("refining the diff")
            program = self.program()
            changed = program.literal("changed", *kind)
            if changed is None:
                return None
            case = program.witness([changed], complete=False)
            if case is None:
                return None
            decisions = {tag: self.decide(tag, case.values) for tag in TAGS}
            wrong = [tag for tag in TAGS if decisions[tag].verdict != case.verdicts[tag]]
            if not wrong:
                return case, decisions
            for tag in wrong:
                self._refute(program, case, tag)
            self._program = None

    def _free(self, tag: str, case: JointCase) -> list[int]:
        view = self.space.old if tag == "old" else self.space.new
        return sorted(f for f in case.absent if f in view.reads and f not in view.defaults)

    def _refute(self, program: DiffProgram, case: JointCase, tag: str) -> None:
        """Add a completion of ``case`` on which ``tag`` does not give its claimed outcome."""
        claimed = case.verdicts[tag]
        free = self._free(tag, case)
        if len(free) < 2:  # pragma: no cover - diff.lp decides such a case exactly
            raise SolverError(f"internal check failed: the diff found {claimed} for the {tag} "
                              "table on a case that decide decides otherwise; please report it")
        ctl = program.ctl
        atoms = ctl.symbolic_atoms
        wanted = [_atom("absent", f) for f in sorted(case.absent)]
        wanted += [_atom("doc", f, v) for f, v in case.values.items()]
        assumptions = [self._literal(atoms, s) for s in wanted]
        claim = atoms[_atom("claim", tag, claimed)]
        if claim is None:  # pragma: no cover - only a claim can be refuted
            raise SolverError("internal error: the diff refuted a verdict it did not claim")
        assumptions.append(-claim.literal)
        completion = self._completion(program, assumptions, tag, claimed, free)
        values = {**case.values, **(completion or {})}
        if completion is None or self.decide(tag, values).verdict == claimed:
            raise SolverError(f"internal check failed: the diff claimed {claimed} for the {tag} "
                              "table on a partial case and found no completion against it; "
                              "please report it")
        view = self.space.old if tag == "old" else self.space.new
        key = _atom("r", len(self.refutations))
        self.refutations.append(_atom("rcopy", tag, key))
        self.fixed += [_atom("fixed", tag, key, f, values[f])
                       for f in sorted(view.reads - view.defaults.keys())]

    @staticmethod
    def _literal(atoms: clingo.SymbolicAtoms, symbol: clingo.Symbol) -> int:
        atom = atoms[symbol]
        if atom is None:  # pragma: no cover - doc/2 and absent/1 are ground for every value
            raise SolverError(f"internal error: no atom {symbol} in the diff program")
        return atom.literal

    def _completion(self, program: DiffProgram, assumptions: Sequence[int], tag: str,
                    claimed: str, free: list[int]) -> dict[int, int] | None:
        """Values of the free facts from an existential copy whose outcome is not ``claimed``."""
        ctl = program.ctl
        atoms = ctl.symbolic_atoms
        view = self.space.old if tag == "old" else self.space.new
        copies = [a.symbol.arguments[0].number for a in atoms.by_signature("ecopy", 1)]
        views = [(k, f, v, self._literal(atoms, _atom("view", tag, k, f, v)))
                 for k in copies for f in free for v in sorted(view.accepts[f])]
        other = [(k, self._literal(atoms, _atom("outcome", tag, k, o)))
                 for k in copies for o in OUTCOMES
                 if o != claimed and atoms[_atom("outcome", tag, k, o)] is not None]
        ctl.assign_external(Function("complete"), False)
        config: Any = ctl.configuration.solve
        config.enum_mode, config.opt_mode, config.models = "auto", "ignore", "1"
        found: list[dict[int, int]] = []

        def keep(model: clingo.Model) -> bool:
            for k in sorted({k for k, literal in other if model.is_true(literal)}):
                found.append({f: v for c, f, v, literal in views
                              if c == k and model.is_true(literal)})
            return False

        solve_models(ctl, assumptions, keep, self.time_limit, "refining the diff")
        return found[0] if found and set(found[0]) == set(free) else None
