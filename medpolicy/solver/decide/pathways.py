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
from functools import cached_property
from operator import itemgetter

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
#: (fact, value mask) pairs whose values one solver keeps made (then made each time).
ITEM_CACHE = 4096


@dataclass(frozen=True)
class Route:
    """One maximal sufficient box: each restricted fact and the values it may take."""

    box: tuple[tuple[int, frozenset[int]], ...]
    cost: int

    @cached_property
    def facts(self) -> frozenset[int]:
        return frozenset(dict(self.box))


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
        self._costs = [d.fact.cost for d in self.table.domains]
        names = [d.fact.name for d in self.table.domains]
        #: Each fact's place among the fact names in sorted order (names are unique).
        self._rank = [0] * len(names)
        for place, f in enumerate(sorted(range(len(names)), key=names.__getitem__)):
            self._rank[f] = place
        self._items = _BoxItems()
        self._ordered = _OrderedValues()
        # A model is read from its box/2 atoms alone (restricted(F) holds exactly when
        # some box(F,V) does: a free fact always has a value in its box), each as its
        # fact and its value's bit; a fact's bits OR-ed together are its values.
        self._index = SymbolIndex({
            atom.symbol: (atom.symbol.arguments[0].number, 1 << atom.symbol.arguments[1].number)
            for atom in ctl.symbolic_atoms.by_signature("box", 2)
        })

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

    def forget(self) -> None:
        """Forget every remembered case's routes (the next case of each is enumerated)."""
        self._memo.clear()

    def _enumerate(self, known: Mapping[int, int], cap: int) -> tuple[list[Route], bool]:
        """The maximal boxes over the current rejection boxes (at most ``cap``), sorted;
        whether they are all of them."""
        found: list[tuple[tuple[int, list[int], tuple[tuple[int, ...], ...]], Route]] = []
        costs, rank, read = self._costs, self._rank, self._index.read
        item, ordered = self._items.__getitem__, self._ordered.__getitem__

        def on_model(model: clingo.Model) -> bool:
            masks: dict[int, int] = {}
            mask = masks.get
            for f, bit in read(model):
                masks[f] = mask(f, 0) | bit
            pairs = sorted(masks.items())
            route = Route(tuple(map(item, pairs)), sum(map(costs.__getitem__, masks)))
            # Cheapest first, then by the sorted fact names (compared as name ranks),
            # then by the values of each fact in fact order.
            key = (route.cost, sorted(map(rank.__getitem__, masks)), tuple(map(ordered, pairs)))
            found.append((key, route))
            return len(found) <= cap

        solve_models(self.ctl, self._assumptions(known), on_model, self.time_limit,
                     "the search for the routes to approval")
        complete = len(found) <= cap
        if not complete and cap == ENUMERATION_CAP:
            raise TooComplexError(
                f"more than {ENUMERATION_CAP} routes to approval for one case; "
                "simplify the table or document more of the case")
        found.sort(key=itemgetter(0))
        return [route for _, route in found], complete


def _bits(mask: int) -> tuple[int, ...]:
    """The positions of the bits set in ``mask``, ascending."""
    return tuple(v for v in range(mask.bit_length()) if mask >> v & 1)


class _BoxItems(dict[tuple[int, int], tuple[int, frozenset[int]]]):
    """(fact, value mask) -> the route item (fact, its values), made on first use."""

    def __missing__(self, key: tuple[int, int]) -> tuple[int, frozenset[int]]:
        made = (key[0], frozenset(_bits(key[1])))
        if len(self) < ITEM_CACHE:
            self[key] = made
        return made


class _OrderedValues(dict[tuple[int, int], tuple[int, ...]]):
    """(fact, value mask) -> its values in ascending order, made on first use."""

    def __missing__(self, key: tuple[int, int]) -> tuple[int, ...]:
        made = _bits(key[1])
        if len(self) < ITEM_CACHE:
            self[key] = made
        return made
