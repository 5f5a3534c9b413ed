"""Which date facts a table reads through a window function, and in which unit."""

from __future__ import annotations

import weakref
from collections.abc import Iterator

from medpolicy.tables.calendar import UNITS, Unit
from medpolicy.tables.expr import And, Compare, Count, Expr, Member, Not, Or
from medpolicy.tables.model import Policy


def comparisons(expr: Expr) -> Iterator[Compare | Member]:
    """Every comparison and membership test in an expression."""
    if isinstance(expr, Compare | Member):
        yield expr
    elif isinstance(expr, Not):
        yield from comparisons(expr.operand)
    elif isinstance(expr, And | Or | Count):
        for operand in expr.operands:
            yield from comparisons(operand)


def unit_of(window: str) -> Unit:
    """The calendar unit of a window name (``months``)."""
    for unit in UNITS:
        if window == unit:
            return unit
    raise ValueError(f"unknown window unit {window!r}")


def windows(policy: Policy) -> dict[str, Unit]:
    """The window unit each date fact is used with (validation ensures one per fact)."""
    found: dict[str, Unit] = {}
    for expr in [c.when for c in policy.criteria] + [r.when for r in policy.rows]:
        for item in comparisons(expr):
            if isinstance(item, Compare) and item.window:
                found[item.fact] = unit_of(item.window)
    return found


def uses_windows(policy: Policy) -> bool:
    """The table reads some date through a window function (cases need a service date).

    Asked once per case read: remembered per table (by identity, while it lives).
    """
    known = _USES.get(id(policy))
    if known is not None and known[0]() is policy:
        return known[1]
    answer = bool(windows(policy))
    key = id(policy)
    _USES[key] = (weakref.ref(policy, lambda _ref: _USES.pop(key, None)), answer)
    return answer


_USES: dict[int, tuple[weakref.ref[Policy], bool]] = {}
