"""Rejection settled without a solve: three-valued evaluation of a partial case.

The lazy search (``oracle.py``) asks many times whether every completion of
a partial case is not approved. When the known facts already settle it
(Kleene evaluation of the compiled criteria and rows, sound whenever it
answers), no clingo solve is needed; otherwise the answer is None and the
solver decides. Unlike the complete-case fast path (``evaluate.py``), this
needs only the rows, not every criterion, to be settled: a row that surely
matches with an outcome stronger than approve, or no approve row that can
match, settles rejection.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import overload

from medpolicy.logic.compiler import CompiledTable
from medpolicy.logic.outcomes import no_match_outcome
from medpolicy.solver.decide.evaluate import Test, _compile, _row_index, candidate_rows


class RejectionSettler:
    """Whether every completion of a partial case is not approved, when evaluation settles it."""

    def __init__(self, table: CompiledTable) -> None:
        self._tests = tuple(_compile(formula) for formula in table.criteria)
        self._rows = tuple(_compile(formula) for formula in table.rows)
        self._always, self._index = _row_index(table)
        self._approve = tuple(row.outcome == "approve" for row in table.policy.rows)
        self._first = table.policy.hit_policy == "first"
        self._fallback_approves = no_match_outcome(table.policy.otherwise) == "approve"

    def rejected(self, known: Mapping[int, int]) -> bool | None:
        """True when no completion of ``known`` is approved; None when evaluation cannot tell."""
        values = LazyCriteria(self._tests, known)
        approvable = False
        for r in self._candidates(known):
            matched = self._rows[r](known, values)
            if matched is False:
                continue
            if self._approve[r]:
                if self._first:
                    return None  # an approve row may be the first to match
                approvable = True
            elif matched:
                return True  # a stronger outcome (or, first-hit, an earlier row) decides
        return None if approvable or self._fallback_approves else True

    def approved(self, known: Mapping[int, int]) -> bool:
        """True when evaluation shows every completion of ``known`` approved."""
        values = LazyCriteria(self._tests, known)
        surely = False
        for r in self._candidates(known):
            matched = self._rows[r](known, values)
            if matched is False:
                continue
            if not self._approve[r]:
                return False  # a stronger outcome (or an earlier row) may decide
            if matched:
                if self._first:
                    return True
                surely = True
        return surely or self._fallback_approves

    def _candidates(self, known: Mapping[int, int]) -> list[int]:
        """Rows that may match: the others' key literal is false on ``known``."""
        return candidate_rows(self._always, self._index, known)


class LazyCriteria(Sequence[bool | None]):
    """Criterion values evaluated when a row first reads them (most rows read none)."""

    _UNSET = object()

    def __init__(self, tests: Sequence[Test], known: Mapping[int, int]) -> None:
        self._tests = tests
        self._known = known
        self._values: list[object] = [self._UNSET] * len(tests)

    def __len__(self) -> int:
        return len(self._tests)

    @overload
    def __getitem__(self, index: int) -> bool | None: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[bool | None]: ...

    def __getitem__(self, index: int | slice) -> bool | Sequence[bool | None] | None:
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        value = self._values[index]
        if value is self._UNSET:
            value = self._tests[index](self._known, self)
            self._values[index] = value
        return value  # type: ignore[return-value]
