"""Settling band islands with clingo, one small program per band.

Interval K of fact F is an island for a case when the verdict changes at bound K (between
K-1 and K) and back at bound K+1. The verdict changes at a bound only if a row deciding on
one side does not match on the other, and that row names the bound: a *low* row at K and a
*high* row at K+1 (``islandbounds.movers``). Both match the case (F aside), so their hulls
meet outside F, the low row's hull allows F in K-1 or K and the high row's in K or K+1. A
band with no such pair is no island: that is proved here in Python, without the solver.

For the other bands, every row that matches the case in any of the three worlds has a
hull meeting the pair's hulls (F aside). So each band gets its own small program
(``logic/islands.lp`` over ``check.lp``): only those rows, and only the pairs' rows as the
rows that may flip (``moves/3``), which confines every model to cases of some pair. What
such a program shows holds in the whole table, and what it cannot show holds in no case.
Each program is grounded, solved once (a model is the island with its case; none proves
there is none) and released before the next: memory stays that of the largest band, not
three copies of the table.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import clingo

from medpolicy.logic.compiler import encoding
from medpolicy.solver.check.cover import CaseReader, cover
from medpolicy.solver.check.islandsearch import Pair, _without
from medpolicy.solver.check.pairs import meet
from medpolicy.solver.check.rowindex import Point, RowIndex, bits
from medpolicy.solver.control import new_control

Function = clingo.Function
Number = clingo.Number
Mover = tuple[int, int, int]


def flip_pairs(index: RowIndex, f: int, k: int, movers: Sequence[Mover]) -> list[Pair]:
    """The (low, high) rows that may flip the verdict at bounds ``k`` and ``k + 1`` of fact
    ``f`` in one case: hulls meeting outside ``f``, each allowing a side of its bound."""
    hulls = index.hulls

    def side(r: int, values: frozenset[int]) -> bool:
        hull = hulls[r]
        return hull is not None and bool(hull.get(f, index.full[f]) & values)

    low = [r for r, g, j in movers if g == f and j == k and side(r, frozenset({k - 1, k}))]
    high = [r for r, g, j in movers
            if g == f and j == k + 1 and side(r, frozenset({k, k + 1}))]
    return [(a, b) for a, b in itertools.product(low, high)
            if a == b or _region(index, f, (a, b)) is not None]


def _region(index: RowIndex, f: int, pair: Pair) -> dict[int, frozenset[int]] | None:
    a, b = (index.hulls[r] or {} for r in pair)
    return meet(_without(a, f), _without(b, f))


class BandProgram:
    """The small program of one candidate band and its flip pairs."""

    def __init__(self, index: RowIndex, f: int, k: int, pairs: Sequence[Pair],
                 movers: Sequence[Mover]) -> None:
        self.index = index
        self.f, self.k = f, k
        rows = 0
        for pair in pairs:
            region = _region(index, f, pair)
            if region is not None:
                rows |= index.meeting(region) | (1 << pair[0]) | (1 << pair[1])
        self.rows = list(bits(rows))
        named = {r for r, g, j in movers if g == f and j in (k, k + 1)}
        self.moving = [r for r in self.rows if r in named]
        self.lows = sorted({a for a, _b in pairs})
        self.highs = sorted({b for _a, b in pairs})

    def _facts(self) -> list[clingo.Symbol]:
        f, k = self.f, self.k
        first = self.index.table.policy.hit_policy == "first"
        facts = [Function("world", [Function("band"), Function("blo")])]
        facts += [Function("world", [Function("shifted"), Function(w)]) for w in ("bin", "bhi")]
        moving = set(self.moving)
        for w in ("blo", "bin", "bhi"):
            world = Function(w)
            facts.append(Function("table", [world]))
            # a row that names neither bound matches in bin and bhi as in blo
            facts.extend(Function("in", [world, Number(r)]) for r in self.rows
                         if w == "blo" or r in moving)
            if first:
                facts.extend(Function("next", [world, Number(r), Number(s)])
                             for r, s in itertools.pairwise(self.rows))
        facts.extend(Function("copied", [Number(r)]) for r in self.rows if r not in moving)
        facts.append(Function("cand", [Number(f), Number(k)]))
        facts.extend(Function("moves", [Number(r), Number(f), Number(k)]) for r in self.lows)
        facts.extend(Function("moves", [Number(r), Number(f), Number(k + 1)])
                     for r in self.highs)
        return facts

    def solve(self, time_limit: float) -> tuple[Point | None, int]:
        """The case of the lower neighbour when the band is an island (None: it is none),
        and the number of models; raises ``SolverError`` past the time limit."""
        table = self.index.table
        ctl = new_control("--models=0", "--configuration=frumpy")
        with ctl.backend() as backend:
            table.emit_decide(backend, self.rows)
            for symbol in self._facts():
                backend.add_rule([backend.add_atom(symbol)])
        ctl.add("base", [], encoding("check.lp"))
        ctl.add("islands", [], encoding("islands.lp"))
        ctl.ground([("base", []), ("choose", [Function("band")]),
                    ("eval", [Function("band")]), ("eval", [Function("shifted")]),
                    ("islands", [])])
        atom = ctl.symbolic_atoms[Function("island", [Number(self.f), Number(self.k)])]
        if atom is None:
            return None, 0
        reader = self._reader(ctl)
        found = cover(ctl, {(self.f, self.k): atom.literal}, lambda _key: reader,
                      time_limit=time_limit, what="looking for band islands")
        return found.cases.get((self.f, self.k)), found.models

    def _reader(self, ctl: clingo.Control) -> CaseReader:
        atoms = ctl.symbolic_atoms
        domains = self.index.table.domains
        literals = []
        for f, domain in enumerate(domains):
            found = [(v, atom.literal) for v in domain.indices()
                     if (atom := atoms[Function("val", [Function("blo"), Number(f),
                                                         Number(v)])]) is not None]
            if found:
                literals.append((f, found))
        return CaseReader(len(domains), literals)
