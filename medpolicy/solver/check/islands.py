"""The band-island lint: a band of an ordered fact that decides unlike both its neighbours.

A fact compared with thresholds is cut into elementary intervals (``logic/domain.py``).
Interval K is an *island* when some complete case gets one verdict with the fact in
K and another with the fact in K-1 and in K+1 (which agree), all else equal: the
classic slip of a band written ``>= 50 and <= 140`` next to one written ``>= 150``,
which lets 141..149 escape both. An island whose two bounds are named by one
condition (a row's or a criterion's own ``when``, such as ``weeks >= 20 and
weeks <= 24``) is intended and not reported; every other island is.

Candidates are found from the conditions' text in Python; clingo then answers
every candidate at once with one covering solve over three copies of the whole
table (``logic/islands.lp`` on top of ``check.lp``): each model shows one island
with its case, and when no model is left the remaining candidates are proved not
to be islands. Exact on the abstraction: no sampling.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import clingo

from medpolicy.errors import Location, SolverError
from medpolicy.logic.compiler import CompiledTable, encoding
from medpolicy.logic.domain import Domain, Interval
from medpolicy.solver.check.bands import band_text, bound_text, near, near_text
from medpolicy.solver.check.cover import CaseReader
from medpolicy.solver.check.findings import Finding, Witness, quote
from medpolicy.solver.check.rowindex import Point, RowIndex, bits
from medpolicy.solver.check.search import Prover
from medpolicy.solver.control import new_control, solve_models
from medpolicy.tables.expr import And, Compare, Expr, Member, Not, Or
from medpolicy.tables.model import OUTCOME_RANK, OUTCOMES, Outcome

KIND = "band-island"
#: Boxes tried per row that names a bound, before asking the solver.
_TRIES = 4
#: Rows naming a candidate's bounds whose boxes are searched (the others give their
#: known cases only).
_STEERED_ROWS = 3
_OUTCOME: dict[str, Outcome] = {o: o for o in OUTCOMES}
Function = clingo.Function
Number = clingo.Number


@dataclass(frozen=True)
class Condition:
    """A row's or a criterion's own ``when``: what it is, and the bounds it names per fact."""

    kind: str  # "row" or "criterion"
    id: str
    location: Location | None
    bounds: dict[int, frozenset[int]]


def _comparisons(expr: Expr) -> Iterator[Compare | Member]:
    """The comparisons written in one condition (criteria it names are not entered)."""
    if isinstance(expr, Compare | Member):
        yield expr
    elif isinstance(expr, Not):
        yield from _comparisons(expr.operand)
    elif isinstance(expr, And | Or):
        for operand in expr.operands:
            yield from _comparisons(operand)


def _cuts(domain: Domain, allowed: frozenset[int]) -> set[int]:
    """The bounds j (between values j-1 and j) where a comparison changes its truth."""
    return {j for j in range(1, len(domain)) if (j - 1 in allowed) != (j in allowed)}


def conditions(table: CompiledTable) -> list[Condition]:
    """Every criterion and row with the bounds of ordered facts its own text names."""
    policy, index = table.policy, table.fact_index
    written = [("criterion", c.id, c.when, c.location) for c in policy.criteria]
    written += [("row", r.id, r.when, r.location) for r in policy.rows]
    result = []
    for kind, ident, when, location in written:
        bounds: dict[int, set[int]] = {}
        for comparison in _comparisons(when):
            f = index.get(comparison.fact)
            if f is None or not _ordered(table.domains[f]):
                continue
            domain = table.domains[f]
            allowed = (domain.allowed(comparison.op, comparison.value)
                       if isinstance(comparison, Compare) else domain.member(comparison.values))
            bounds.setdefault(f, set()).update(_cuts(domain, allowed))
        frozen = {f: frozenset(b) for f, b in bounds.items()}
        result.append(Condition(kind, ident, location, frozen))
    return result


def _ordered(domain: Domain) -> bool:
    """A fact cut into intervals: int, decimal, or date (a window's whole units, or days
    for a date compared with literals; witnesses count back from the reference service
    date and carry it)."""
    return (domain.fact.type in ("int", "decimal", "date") and bool(domain.values)
            and all(isinstance(v, Interval) for v in domain.values))


def candidates(table: CompiledTable, named: Sequence[Condition]) -> list[tuple[int, int]]:
    """(fact, interval) pairs that could be reported: interior intervals of ordered facts
    whose two bounds no single condition names."""
    result = []
    for f, domain in enumerate(table.domains):
        if not _ordered(domain):
            continue
        for k in range(1, len(domain) - 1):
            if not any({k, k + 1} <= c.bounds.get(f, frozenset()) for c in named):
                result.append((f, k))
    return result


class IslandFinder:
    """Finds every reported band island of a table, each with three witness cases."""

    def __init__(self, index: RowIndex, time_limit: float,
                 seeds: Mapping[int, Sequence[Point]] | None = None,
                 prover: Prover | None = None, search: bool = True) -> None:
        """``seeds``: known cases per row (where it matches or decides), tried first;
        ``search=False`` leaves every candidate to the solver (for cross-checking)."""
        self.index = index
        self.search = search
        self.prover = prover or Prover(index)
        self.table = index.table
        self.time_limit = time_limit
        self.seeds = seeds or {}
        self.named = conditions(self.table)
        self.candidates = candidates(self.table, self.named)
        self.solver_calls = 0
        self.models = 0
        self.unsettled: list[tuple[int, int]] = []

    def islands(self) -> dict[tuple[int, int], Point]:
        """Every candidate that is an island, with the case of its lower neighbour: cases
        found by a cheap search (checked by exact evaluation) first, the solver for the
        rest (it finds the others, or proves there are none)."""
        if not self.candidates:
            return {}
        movers = list(self._movers())
        found: dict[tuple[int, int], Point] = {}
        for f, k in self.candidates if self.search else ():
            rows = [r for r, g, j in movers if g == f and j in (k, k + 1)]
            point = self._search(f, k, rows)
            if point is not None:
                found[(f, k)] = point
        rest = [c for c in self.candidates if c not in found]
        if rest:
            found.update(self._solve(rest, movers))
        return found

    def _search(self, f: int, k: int, rows: Sequence[int]) -> Point | None:
        """A case showing interval ``k`` of fact ``f`` is an island, tried from the known
        cases of the rows that name its bounds and from their boxes (None: none found)."""
        tried: set[Point] = set()
        for number, r in enumerate(rows):
            steered = self._steered(r, f, k) if number < _STEERED_ROWS else iter(())
            for start in itertools.chain(self.seeds.get(r, ()), steered):
                point = (*start[:f], k - 1, *start[f + 1:])
                if point in tried:
                    continue
                tried.add(point)
                if self._shows(point, f, k):
                    return point
        return None

    def _steered(self, r: int, f: int, k: int) -> Iterator[Point]:
        """Cases where row ``r`` decides with fact ``f`` in interval k-1, k or k+1 (one its
        box tells from a neighbour), steering clear of the rows that would win over it."""
        index, prover = self.index, self.prover
        avoid = index.neighbours(r) & self._stronger(r)
        for box in (index.boxes[r] or [])[:_TRIES]:
            allowed = box.get(f, index.full[f])
            if {k - 1, k, k + 1} <= allowed:
                continue
            for v in sorted({k - 1, k, k + 1} & allowed):
                point = prover.point({**box, f: frozenset({v})}, avoid)
                if point is not None:
                    yield point

    def _stronger(self, r: int) -> int:
        """Rows that win over row ``r`` where both match (earlier ones, under 'first')."""
        index = self.index
        if self.table.policy.hit_policy == "first":
            return (1 << r) - 1
        return sum(m for o, m in index.masks.items() if OUTCOME_RANK[o] > index.rank[r])

    def _shows(self, low: Point, f: int, k: int) -> bool:
        """The case (fact ``f`` in interval ``k - 1``) decides unlike itself with ``f`` in
        ``k`` and like itself with ``f`` in ``k + 1``."""
        verdicts = []
        for v in (k - 1, k, k + 1):
            outcome, _rows = self.index.outcome_at((*low[:f], v, *low[f + 1:]))
            verdicts.append("pend" if outcome == "gap" else outcome)
        return verdicts[0] == verdicts[2] != verdicts[1]

    def _solve(self, candidates: Sequence[tuple[int, int]],
               movers: Sequence[tuple[int, int, int]]) -> dict[tuple[int, int], Point]:
        """The islands among ``candidates``, by one covering solve."""
        ctl = new_control("--models=0", "--configuration=frumpy")
        rows = list(range(len(self.table.policy.rows)))
        wanted = set(candidates)
        movers = [(r, f, j) for r, f, j in movers if (f, j) in wanted or (f, j - 1) in wanted]
        moving = {r for r, _f, _j in movers}
        facts = [Function("world", [Function("band"), Function("blo")])]
        facts += [Function("world", [Function("shifted"), Function(w)]) for w in ("bin", "bhi")]
        for w in ("blo", "bin", "bhi"):
            world = Function(w)
            facts.append(Function("table", [world]))
            # a row that names no candidate's bound matches in bin and bhi as in blo
            facts.extend(Function("in", [world, Number(r)]) for r in rows
                         if w == "blo" or r in moving)
            if self.table.policy.hit_policy == "first":
                facts.extend(Function("next", [world, Number(r), Number(r + 1)])
                             for r in rows[:-1])
        facts.extend(Function("copied", [Number(r)]) for r in rows if r not in moving)
        facts.extend(Function("cand", [Number(f), Number(k)]) for f, k in candidates)
        facts.extend(Function("moves", [Number(r), Number(f), Number(j)])
                     for r, f, j in movers)
        with ctl.backend() as backend:
            self.table.emit_decide(backend)
            for symbol in facts:
                backend.add_rule([backend.add_atom(symbol)])
        ctl.add("base", [], encoding("check.lp"))
        ctl.add("islands", [], encoding("islands.lp"))
        ctl.ground([("base", []), ("choose", [Function("band")]), ("eval", [Function("band")]),
                    ("eval", [Function("shifted")]), ("islands", [])])
        atoms = ctl.symbolic_atoms
        targets = {}
        for f, k in candidates:
            atom = atoms[Function("island", [Number(f), Number(k)])]
            if atom is not None:
                targets[(f, k)] = atom.literal
        return self._cover(ctl, targets, self._reader(ctl))

    def _cover(self, ctl: clingo.Control, targets: dict[tuple[int, int], int],
               reader: CaseReader) -> dict[tuple[int, int], Point]:
        """One covering solve (as ``cover.py``): a case for every island among the
        targets. When it runs out of the time limit, the islands found so far are kept
        and the targets still open are recorded in ``unsettled``, not reported."""
        cases: dict[tuple[int, int], Point] = {}
        open_targets = dict(targets)

        def on_model(model: clingo.Model) -> bool:
            self.models += 1
            for key in [k for k, lit in open_targets.items() if model.is_true(lit)]:
                cases[key] = reader.read(model)
                del open_targets[key]
            if not open_targets:
                return False
            model.context.add_clause(list(open_targets.values()))
            return True

        self.solver_calls += 1
        try:
            solve_models(ctl, [], on_model, self.time_limit, "looking for band islands")
        except SolverError:
            self.unsettled = sorted(open_targets)
        return cases

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

    def _movers(self) -> Iterator[tuple[int, int, int]]:
        """(row, fact, bound) for every row whose condition, criteria included, names a
        bound of a candidate: only such a row can match on one side of it and not the other."""
        wanted: dict[int, set[int]] = {}
        for f, k in self.candidates:
            wanted.setdefault(f, set()).update((k, k + 1))
        criteria = len(self.table.policy.criteria)
        named = self.named
        for r in range(len(self.table.policy.rows)):
            sources = [named[criteria + r], *(named[c] for c in self.table.criterion_closure[r])]
            for f, bounds in wanted.items():
                found = set().union(*(c.bounds.get(f, frozenset()) for c in sources)) & bounds
                for j in sorted(found):
                    yield r, f, j

    def _reader(self, ctl: clingo.Control) -> CaseReader:
        atoms = ctl.symbolic_atoms
        literals = []
        for f, domain in enumerate(self.table.domains):
            found = [(v, atom.literal) for v in domain.indices()
                     if (atom := atoms[Function("val", [Function("blo"), Number(f),
                                                         Number(v)])]) is not None]
            if found:
                literals.append((f, found))
        return CaseReader(len(self.table.domains), literals)

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

