"""The band-island lint: a band of an ordered fact that decides unlike both its neighbours.

A fact compared with thresholds is cut into elementary intervals (``logic/domain.py``).
Interval K is an *island* when some complete case gets one verdict with the fact in
K and another with the fact in K-1 and in K+1 (which agree), all else equal: the
classic slip of a band written ``>= 50 and <= 140`` next to one written ``>= 150``,
which lets 141..149 escape both. An island whose two bounds are named by one
condition (a row's or a criterion's own ``when``, such as ``weeks >= 20 and
weeks <= 24``) is intended and not reported; every other island is.

Candidates come from the conditions' text (``islandbounds.py``). For each, the pairs of
rows that could flip the verdict at its two bounds are found in Python; a band without
one is no island. A cheap search tries the pairs' boxes (``islandsearch.py``), and clingo
settles each band left with a small program of its own (``islandsolve.py``): it finds the
island's case or proves there is none. Exact on the abstraction: no sampling.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from medpolicy.errors import Location, SolverError
from medpolicy.solver.check.bands import band_text, bound_text, near, near_text
from medpolicy.solver.check.findings import Finding, Witness, quote
from medpolicy.solver.check.islandbounds import Condition, candidates, conditions, movers
from medpolicy.solver.check.islandsearch import IslandSearch
from medpolicy.solver.check.islandsolve import BandProgram, flip_pairs
from medpolicy.solver.check.rowindex import Point, RowIndex, bits
from medpolicy.solver.check.search import Prover
from medpolicy.tables.model import OUTCOMES, Outcome

KIND = "band-island"
_OUTCOME: dict[str, Outcome] = {o: o for o in OUTCOMES}


class IslandFinder:
    """Finds every reported band island of a table, each with three witness cases."""

    def __init__(self, index: RowIndex, time_limit: float,
                 seeds: Mapping[int, Sequence[Point]] | None = None,
                 prover: Prover | None = None, search: bool = True) -> None:
        """``seeds``: known cases per row (where it matches or decides), tried first;
        ``search=False`` leaves every band with a flip pair to the solver (for
        cross-checking)."""
        self.index = index
        self.search = search
        self.table = index.table
        self.time_limit = time_limit
        self._search = IslandSearch(index, prover or Prover(index), seeds or {})
        self.named = conditions(self.table)
        self.candidates = candidates(self.table, self.named)
        self.solver_calls = 0
        self.models = 0
        self.unsettled: list[tuple[int, int]] = []

    def islands(self) -> dict[tuple[int, int], Point]:
        """Every candidate that is an island, with the case of its lower neighbour: bands
        without a flip pair are none; cases found by a cheap search (checked by exact
        evaluation) come next, the solver settles the rest, one band at a time."""
        if not self.candidates:
            return {}
        moving = list(movers(self.table, self.named, self.candidates))
        found: dict[tuple[int, int], Point] = {}
        for number, (f, k) in enumerate(self.candidates):
            pairs = flip_pairs(self.index, f, k, moving)
            if not pairs:
                continue
            if self.search:
                rows = [r for r, g, j in moving if g == f and j in (k, k + 1)]
                point = self._search.find(f, k, rows, pairs)
                if point is not None:
                    found[(f, k)] = point
                    continue
            try:
                point = self._solve(f, k, pairs, moving)
            except SolverError:
                self.unsettled = [(f, k), *(c for c in self.candidates[number + 1:]
                                            if flip_pairs(self.index, *c, moving))]
                break
            if point is not None:
                found[(f, k)] = point
        return found

    def _solve(self, f: int, k: int, pairs: Sequence[tuple[int, int]],
               moving: Sequence[tuple[int, int, int]]) -> Point | None:
        program = BandProgram(self.index, f, k, pairs, moving)
        self.solver_calls += 1
        point, models = program.solve(self.time_limit)
        self.models += models
        return point

    def incomplete(self) -> str:
        """What the lint could not settle within the time limit ("" when it settled all)."""
        if not self.unsettled:
            return ""
        bands = [f"{self.table.domains[f].fact.name} {band_text(self.table.domains[f], k)}"
                 for f, k in self.unsettled]
        shown = ", ".join(bands[:5]) + (", ..." if len(bands) > 5 else "")
        return (f"band-island: {len(bands)} of {len(self.candidates)} candidate bands were not "
                f"settled within the time limit of {self.time_limit:g} s and are not reported "
                f"({shown}); raise --time-limit to settle them")

    def findings(self) -> list[Finding]:
        """One warning per island, in fact and band order."""
        return [self._finding(f, k, point)
                for (f, k), point in sorted(self.islands().items())]

    def _finding(self, f: int, k: int, low_point: Point) -> Finding:
        table, index = self.table, self.index
        rows = table.policy.rows
        domain = table.domains[f]
        name = domain.fact.name
        band = band_text(domain, k)
        cases = []
        for side, v in (("below", k - 1), ("inside", k), ("above", k + 1)):
            point = (*low_point[:f], v, *low_point[f + 1:])
            outcome, decisive = index.outcome_at(point)
            concrete = near(domain, v, side)
            facts = tuple((d.fact.name, concrete if g == f else d.concrete(point[g]))
                          for g, d in enumerate(table.domains))
            cases.append((side, concrete, _OUTCOME.get(outcome, "pend"), decisive, point, facts))
        inside = [rows[r].id for r in cases[1][3]]
        outside = list(dict.fromkeys(rows[r].id for c in (cases[0], cases[2]) for r in c[3]))
        low_by = [c for c in self.named if k in c.bounds.get(f, frozenset())]
        high_by = [c for c in self.named if k + 1 in c.bounds.get(f, frozenset())]
        message = (
            f"fact '{name}' in {band} gets {cases[1][2]} ({_decided(inside)}), but the same "
            f"case gets {cases[0][2]} just below ({near_text(domain, k - 1, 'below')}) and "
            f"just above ({near_text(domain, k + 1, 'above')}) ({_decided(outside)}): the "
            "band's bounds come from different "
            f"conditions ({_names(low_by)} at {bound_text(domain, k)}, {_names(high_by)} at "
            f"{bound_text(domain, k + 1)})"
        )
        witnesses = tuple(
            Witness(
                id=f"{KIND}-{name}-{number}",
                description=f"{name} {side} the band {band}: {verdict}",
                facts=facts,
                verdict=verdict,
                rows=tuple(rows[r].id for r in decisive),
                matching=tuple(rows[r].id for r in bits(index.matching(point))),
            )
            for number, (side, _value, verdict, decisive, point, facts) in enumerate(cases, 1)
        )
        places = [c.location for c in (*low_by[:1], *high_by[:1]) if c.location is not None]
        places += [loc for c in cases for r in c[3] if (loc := rows[r].location) is not None]
        locations = tuple(dict.fromkeys(places))
        criteria = tuple(dict.fromkeys(c.id for c in (*low_by, *high_by)
                                       if c.kind == "criterion"))
        return Finding(
            kind=KIND,
            severity="warning",
            message=message,
            rows=tuple(dict.fromkeys([*inside, *outside])),
            criteria=criteria,
            facts=(name,),
            locations=locations or (Location(table.policy.path),),
            witnesses=witnesses,
            hint=f"make the neighbouring bands meet (e.g. end the lower one with "
            f"'< {bound_text(domain, k + 1)}' where the upper one starts), or name the band in one "
            "condition if it is intended",
        )


def _names(found: Sequence[Condition]) -> str:
    if not found:
        return "the fact's range"
    return ", ".join(f"{c.kind} '{c.id}'" for c in found[:3]) + (" ..." if len(found) > 3 else "")


def _decided(ids: Sequence[str]) -> str:
    if not ids:
        return "no row matches"
    return f"{'row' if len(ids) == 1 else 'rows'} {quote(ids)}"

