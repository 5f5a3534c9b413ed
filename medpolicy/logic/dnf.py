"""Disjunctive normal form of flat formulas, as boxes over abstract values.

A term (box) maps some facts to the non-empty set of abstract values each may
take; facts it does not mention are free. A formula's DNF is a list of boxes
whose union is exactly the set of complete assignments satisfying it. Boxes
subsumed by another are dropped. The number of boxes is capped: an exact
analysis that would need more raises ``TooComplexError`` instead of hanging.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from medpolicy.budget import checkpoint
from medpolicy.errors import TooComplexError
from medpolicy.logic.domain import Domain
from medpolicy.logic.formula import FAnd, FConst, FNot, FOr, Formula, Lit, Ref

Box = Mapping[int, frozenset[int]]

DEFAULT_CAP = 20_000
#: Absorption (dropping subsumed boxes) is quadratic and only an optimisation:
#: longer lists are kept as they are.
ABSORB_LIMIT = 2_000


def _meet(a: Box, b: Box) -> Box | None:
    merged = dict(a)
    for fact, allowed in b.items():
        if fact in merged:
            both = merged[fact] & allowed
            if not both:
                return None
            merged[fact] = both
        else:
            merged[fact] = allowed
    return merged


def _covers(a: Box, b: Box) -> bool:
    """Every assignment in box ``b`` is in box ``a``."""
    return all(fact in b and b[fact] <= allowed for fact, allowed in a.items())


def _absorb(boxes: list[Box]) -> list[Box]:
    boxes = sorted(boxes, key=len)
    kept: list[Box] = []
    for n, box in enumerate(boxes):
        if n % 64 == 0:
            checkpoint("simplifying the condition boxes")
        if not any(_covers(k, box) for k in kept):
            kept.append(box)
    return kept


class DnfBuilder:
    """Computes DNFs over fixed domains, with a cap on the number of boxes."""

    def __init__(self, domains: Sequence[Domain], cap: int = DEFAULT_CAP) -> None:
        self.full = [frozenset(d.indices()) for d in domains]
        self.cap = cap

    def _absorbed(self, boxes: list[Box]) -> list[Box]:
        """The boxes, capped, without subsumed ones when the list is short enough."""
        self._check(boxes)
        return _absorb(boxes) if len(boxes) <= ABSORB_LIMIT else boxes

    def _check(self, boxes: list[Box]) -> list[Box]:
        self._check_size(len(boxes))
        return boxes

    def _check_size(self, size: int) -> None:
        if size > self.cap:
            raise TooComplexError(
                f"the exact analysis needs more than {self.cap} condition boxes; "
                "split the table or simplify its criteria"
            )

    def dnf(self, formula: Formula, positive: bool = True) -> list[Box]:
        """Boxes whose union is the formula's models (its negation's if not positive).

        Shared sub-formulas (an inlined criterion used twice) are computed once.
        """
        memo: dict[tuple[int, bool], list[Box]] = {}
        return self._dnf(formula, positive, memo)

    def _dnf(
        self, formula: Formula, positive: bool, memo: dict[tuple[int, bool], list[Box]]
    ) -> list[Box]:
        key = (id(formula), positive)
        found = memo.get(key)
        if found is None:
            checkpoint("building the condition boxes")
            found = memo[key] = self._compute(formula, positive, memo)
        return found

    def _compute(
        self, formula: Formula, positive: bool, memo: dict[tuple[int, bool], list[Box]]
    ) -> list[Box]:
        if isinstance(formula, Lit):
            allowed = formula.allowed if positive else self.full[formula.fact] - formula.allowed
            if not allowed:
                return []
            if allowed == self.full[formula.fact]:
                return [{}]
            return [{formula.fact: allowed}]
        if isinstance(formula, FConst):
            return [{}] if formula.value == positive else []
        if isinstance(formula, FNot):
            return self._dnf(formula.item, not positive, memo)
        if isinstance(formula, Ref):
            raise ValueError("inline criteria before computing a DNF")
        conjunctive = isinstance(formula, FAnd) == positive
        assert isinstance(formula, FAnd | FOr)
        parts = [self._dnf(item, positive, memo) for item in formula.items]
        if not conjunctive:
            return self._absorbed([box for part in parts for box in part])
        result: list[Box] = [{}]
        for part in sorted(parts, key=len):
            self._check_size(len(result) * len(part) // 4)
            combined = []
            checkpoint("building the condition boxes")
            for left in result:
                for right in part:
                    meet = _meet(left, right)
                    if meet is not None:
                        combined.append(meet)
            result = self._absorbed(combined)
            if not result:
                break
        return result
