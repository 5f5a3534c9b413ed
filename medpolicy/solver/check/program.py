"""The table's check program in clingo: grounded once, asked what Python could not show.

``CheckProgram`` adds the table's instance and the worlds of ``check.lp`` as
symbols: a unit for each row whose questions are still open (the row and the
rows whose hulls meet its hull), a unit for each open criterion, and the
whole table with its variant. The unit part is grounded first; the whole and
variant parts only when a question about them is asked.
All open questions of a part are answered by one covering solve.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

import clingo

from medpolicy.budget import checkpoint
from medpolicy.logic.compiler import encoding
from medpolicy.solver.check.cover import CaseReader, cover, enumerate_cases
from medpolicy.solver.check.evidence import Evidence, Target
from medpolicy.solver.check.rowindex import Point, RowIndex, bits
from medpolicy.solver.control import new_control

Function = clingo.Function
Number = clingo.Number

_WHOLE = Function("w")
_VARIANT = Function("v")
#: The part each kind of target is answered in.
_KIND_PART = {"match": "unit", "decisive": "unit", "needed": "unit", "met": "unit",
              "unmet": "unit", "overlap": "unit", "unmatched": "whole", "relevant": "variant"}


def _world(target: Target) -> clingo.Symbol:
    if target.kind in ("met", "unmet"):
        return Function("c", [Number(target.a)])
    if target.kind == "unmatched":
        return _WHOLE
    if target.kind == "relevant":
        return _VARIANT
    return Function("u", [Number(target.a)])


def _atom(target: Target) -> clingo.Symbol:
    """The atom of the check program that answers a target."""
    if target.kind == "relevant":
        return Function("relevant", [Number(target.a)])
    if target.kind == "unmatched":
        return Function("unmatched", [_WHOLE])
    args = [Number(a) for a in (target.a, target.b) if a >= 0]
    return Function(target.kind, [_world(target), *args])


def _fn(name: str, *args: clingo.Symbol | int) -> clingo.Symbol:
    return Function(name, [Number(a) if isinstance(a, int) else a for a in args])


class CheckProgram:
    """The check program of one table for the targets left open, grounded in parts."""

    def __init__(
        self, index: RowIndex, targets: Sequence[Target], read: Iterable[int], time_limit: float
    ) -> None:
        self.index = index
        self.table = index.table
        self.time_limit = time_limit
        self.solver_calls = 0
        self.models = 0
        self._readers: dict[clingo.Symbol, CaseReader] = {}
        self._grounded: set[str] = set()
        self._units: set[clingo.Symbol] = set()
        self._batches = 0
        self.ctl = new_control("--models=0", "--configuration=frumpy")
        facts = self._unit_facts(Function("unit"), targets)
        facts.extend(self._table_facts(sorted(read)))
        with self.ctl.backend() as backend:
            self.table.emit_decide(backend)
            for symbol in facts:
                backend.add_rule([backend.add_atom(symbol)])
        self.ctl.add("base", [], encoding("check.lp"))
        self.ctl.ground([("base", [])])

    def _rows_of(self, world: clingo.Symbol, rows: list[int]) -> list[clingo.Symbol]:
        facts = [_fn("table", world), *(_fn("in", world, r) for r in rows)]
        if self.table.policy.hit_policy == "first":
            facts.extend(_fn("next", world, r, s) for r, s in itertools.pairwise(rows))
        return facts

    def _unit_facts(self, kind: clingo.Symbol, targets: Sequence[Target]) -> list[clingo.Symbol]:
        """The worlds of kind ``kind`` that answer ``targets`` (those not made yet)."""
        index = self.index
        facts: list[clingo.Symbol] = []
        made: set[clingo.Symbol] = set()
        for target in targets:
            world = _world(target)
            if _KIND_PART[target.kind] != "unit" or world in self._units:
                continue
            self._units.add(world)
            made.add(world)
            facts.append(_fn("world", kind, world))
            if world.name == "c":
                facts.append(_fn("judge", world, target.a))
                continue
            rows = sorted([target.a, *bits(index.neighbours(target.a))])
            facts.extend(self._rows_of(world, rows))
            hull = index.hulls[target.a] or {}
            facts.extend(_fn("narrow", world, f, v) for f, allowed in hull.items() for v in allowed)
        facts.extend(_fn("pair", _world(t), t.a, t.b) for t in targets
                     if t.kind == "overlap" and _world(t) in made)
        return facts

    def _table_facts(self, read: list[int]) -> list[clingo.Symbol]:
        """The whole table as a world, and its variant when some fact is read."""
        everyone = list(range(len(self.table.policy.rows)))
        facts = [_fn("world", Function("whole"), _WHOLE), *self._rows_of(_WHOLE, everyone)]
        if read:
            facts.append(_fn("world", Function("variant"), _VARIANT))
            facts.extend(self._rows_of(_VARIANT, everyone))
            facts.extend(_fn("read", f) for f in read)
        return facts

    def _ground(self, part: str) -> None:
        if part in self._grounded:
            return
        checkpoint("grounding the check program")
        if part == "variant":
            self._ground("whole")
            self.ctl.ground([("eval", [Function("variant")]), ("variant", [])])
        else:
            kind = Function(part)
            self.ctl.ground([("eval", [kind]), ("choose", [kind])])
        self._grounded.add(part)

    def _add_units(self, targets: Sequence[Target]) -> None:
        """Worlds for targets asked about after the first grounding, as a new kind."""
        kind = Function(f"unit{self._batches + 1}")
        facts = self._unit_facts(kind, targets)
        if not facts:
            return
        self._batches += 1
        with self.ctl.backend() as backend:
            for symbol in facts:
                backend.add_rule([backend.add_atom(symbol)])
        self._ground(kind.name)

    def _reader(self, world: clingo.Symbol) -> CaseReader:
        if world not in self._readers:
            atoms = self.ctl.symbolic_atoms
            source = _WHOLE if world == _VARIANT else world
            literals = []
            for f, values in self._values(world).items():
                found = [(v, atom.literal) for v in values
                         if (atom := atoms[_fn("val", source, f, v)]) is not None]
                if found:
                    literals.append((f, found))
            self._readers[world] = CaseReader(len(self.table.domains), literals)
        return self._readers[world]

    def _values(self, world: clingo.Symbol) -> dict[int, list[int]]:
        """The facts a world reads, each with the values it may take."""
        table, index = self.table, self.index
        if world.name == "c":
            judged = table.criterion_facts[world.arguments[0].number]
            return {f: list(table.domains[f].indices()) for f in sorted(judged)}
        if world.name == "u":
            r = world.arguments[0].number
            rows = [r, *bits(index.neighbours(r))]
        else:
            rows = list(range(len(table.policy.rows)))
        facts: set[int] = set().union(*(table.row_facts(s) for s in rows))
        narrow = (index.hulls[r] or {}) if world.name == "u" else {}
        return {f: sorted(narrow.get(f, index.full[f])) for f in sorted(facts)}

    def _literals(self, targets: Sequence[Target]) -> dict[Target, int]:
        self._add_units(targets)
        atoms = self.ctl.symbolic_atoms
        result: dict[Target, int] = {}
        for target in targets:
            self._ground(_KIND_PART[target.kind])
            atom = atoms[_atom(target)]
            if atom is not None:
                result[target] = atom.literal
        return result

    def answer(self, targets: Sequence[Target], evidence: Evidence, what: str) -> None:
        """Find a witness for every open target that holds; the others hold in no case."""
        literals = self._literals(targets)
        if not literals:
            return
        found = cover(self.ctl, literals, lambda t: self._reader(_world(t)),
                      time_limit=self.time_limit, what=what)
        self.solver_calls += 1
        self.models += found.models
        for target, point in found.cases.items():
            evidence.add(target, point)

    def more_cases(self, target: Target, count: int, known: Sequence[Point]) -> list[Point]:
        """Up to ``count`` distinct witness cases of a target, the known ones first."""
        literal = self._literals([target]).get(target)
        if literal is None:
            return list(known)
        self.solver_calls += 1
        return enumerate_cases(self.ctl, literal, self._reader(_world(target)), count, known,
                               time_limit=self.time_limit, what="collecting witness cases")
