"""Every route to approval of a pend: the maximal sufficient boxes, enumerated by clingo.

A box gives each unknown fact a non-empty set of values; it is sufficient
when every case in it, with any values of the other unknown facts, approves,
and maximal when no value can be added with it still sufficient. ``request.lp``
states both over the boxes of non-approved complete cases (the DNF of the
rejection formula), so clingo's plain enumeration yields exactly the maximal
boxes: each model is sufficient because the solver checked every rejection
box against it. The facts a box restricts (not left at their whole domain)
are a pathway; the cheapest pathways are the missing sets.

When the rejection DNF is too large, the same program is grounded over the
rejection boxes learnt so far (``ground_over``) and each enumerated box is
checked against the decide program, learning a box from each that fails
(``lazyroutes.py``).

On the eager path the program never changes once grounded, so a case's routes depend on its
known values alone: they are remembered per known values (up to ``ROUTE_MEMO``
cases), and a case seen before (the empty case above all) needs no enumeration.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import clingo

from medpolicy.errors import TooComplexError
from medpolicy.logic.compiler import CompiledTable, encoding, known_literals, literal_map
from medpolicy.logic.dnf import Box
from medpolicy.solver.control import SymbolIndex, new_control, solve_models
from medpolicy.solver.decide.oracle import rejection_boxes

#: Maximal boxes enumerated for one case before giving up on the table.
ENUMERATION_CAP = 5000
#: Known-value sets whose routes one solver remembers (least recently used forgotten).
ROUTE_MEMO = 1024


@dataclass(frozen=True)
class Route:
    """One maximal sufficient box: each restricted fact and the values it may take."""

    box: tuple[tuple[int, frozenset[int]], ...]
    cost: int

    @property
    def facts(self) -> frozenset[int]:
        return frozenset(f for f, _ in self.box)


class PathwaySolver:
    """``request.lp`` over one table's rejection boxes, grounded once for many cases."""

    def __init__(self, table: CompiledTable, time_limit: float) -> None:
        self.table = table
        self.time_limit = time_limit
        boxes = rejection_boxes(table)
        self.lazy = boxes is None
        self.boxes: list[Box] = boxes or []
        self._memo: dict[tuple[tuple[int, int], ...], tuple[Route, ...]] = {}
        if self.lazy:
            return
        self._build()

    def _build(self) -> None:
        ctl = new_control("--models=0")
        with ctl.backend() as backend:
            self.table.emit_missing(backend, self.boxes)
        ctl.add("base", [], encoding("request.lp"))
        ctl.ground([("base", [])])
        self.ctl = ctl
        given = literal_map(ctl, "given", 2)
        values = [d.indices() for d in self.table.domains]
        self._unknown = [[-given[(f, v)] for v in vs] for f, vs in enumerate(values)]
        # Known with value w: given(f,w), and no other value (built per case: a codes
        # fact has 2**R values, and a table of every pair would be quadratic).
        self._given = [[given[(f, v)] for v in vs] for f, vs in enumerate(values)]
        items: dict[clingo.Symbol, tuple[int, int]] = {}
        for atom in ctl.symbolic_atoms.by_signature("box", 2):
            f, v = (a.number for a in atom.symbol.arguments)
            items[atom.symbol] = (f, v)
        for atom in ctl.symbolic_atoms.by_signature("restricted", 1):
            items[atom.symbol] = (atom.symbol.arguments[0].number, -1)
        self._index = SymbolIndex(items)

    def _assumptions(self, known: Mapping[int, int]) -> list[int]:
        assumptions: list[int] = []
        for f in range(len(self.table.domains)):
            value = known.get(f)
            assumptions.extend(self._unknown[f] if value is None
                               else known_literals(self._given[f], value))
        return assumptions

    def ground_over(self, boxes: list[Box]) -> None:
        """On the lazy path: ground ``request.lp`` over the rejection boxes learnt so far."""
        self.boxes = list(boxes)
        self._build()

    def enumerate(self, known: Mapping[int, int]) -> list[Route]:
        """Every maximal box against the boxes grounded so far, sorted (lazy path)."""
        return self._enumerate(known, ENUMERATION_CAP)[0]

    def routes(self, known: Mapping[int, int]) -> list[Route]:
        """Every maximal sufficient box of the case, cheapest first, then by fact names
        (remembered per known values: the eager program is fixed)."""
        if self.lazy:
            raise TooComplexError("the rejection boxes of this table are found lazily")
        key = tuple(sorted(known.items()))
        memo = self._memo
        found = memo.pop(key, None)
        if found is None:
            found = tuple(self._enumerate(known, ENUMERATION_CAP)[0])
            if len(memo) >= ROUTE_MEMO:  # forget the least recently used
                del memo[next(iter(memo))]
        memo[key] = found
        return list(found)

    def _enumerate(self, known: Mapping[int, int], cap: int) -> tuple[list[Route], bool]:
        """The maximal boxes over the current rejection boxes (at most ``cap``), sorted;
        whether they are all of them."""
        found: list[Route] = []
        costs = [d.fact.cost for d in self.table.domains]

        def on_model(model: clingo.Model) -> bool:
            values: dict[int, set[int]] = {}
            for f, v in self._index.read(model):
                slot = values.setdefault(f, set())
                if v >= 0:
                    slot.add(v)
            box = tuple(sorted((f, frozenset(vs)) for f, vs in values.items()))
            found.append(Route(box, sum(costs[f] for f in values)))
            return len(found) <= cap

        solve_models(self.ctl, self._assumptions(known), on_model, self.time_limit,
                     "the search for the routes to approval")
        complete = len(found) <= cap
        if not complete and cap == ENUMERATION_CAP:
            raise TooComplexError(
                f"more than {ENUMERATION_CAP} routes to approval for one case; "
                "simplify the table or document more of the case")
        names = [d.fact.name for d in self.table.domains]
        found.sort(key=lambda r: (r.cost, sorted(names[f] for f in r.facts),
                                  [sorted(vs) for _, vs in r.box]))
        return found, complete

