"""One window unit per date fact across two tables, so both decide on one abstraction.

A table reads each date fact in one unit, but two versions of a table may
read it in different units (``weeks_since(start) < 12`` revised to
``days_since(start) < 30``). Weeks are whole days (``floor(days / 7)``) and
years whole months (``add_years`` is ``add_months`` by twelve, with the same
end-of-month clamp), so a comparison in the coarser unit is rewritten exactly
in the finer one: ``weeks_since(f) < 12`` is ``days_since(f) < 84``,
``weeks_since(f) == 3`` is ``21 <= days_since(f) < 28``. Days and months
count different things (a month is 28 to 31 days), and a date compared with
literals is a fixed day, not a distance from the service date: neither pair
has one exact scale, so such a change is an error with a hint.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from medpolicy.errors import Location, Problem, ValidationError
from medpolicy.tables.calendar import Unit
from medpolicy.tables.expr import And, Compare, Count, Expr, Not, Or
from medpolicy.tables.model import Policy
from medpolicy.tables.windows import comparisons

#: The finer unit each unit is exactly a whole multiple of, and the factor.
_FINER: dict[Unit, tuple[Unit, int]] = {"weeks": ("days", 7), "years": ("months", 12)}


def _units(policy: Policy) -> dict[str, str]:
    """Each date fact's reading: its window unit, or ``""`` for date literals."""
    found: dict[str, str] = {}
    for expr in [c.when for c in policy.criteria] + [r.when for r in policy.rows]:
        for item in comparisons(expr):
            if isinstance(item, Compare) and policy.fact_map[item.fact].type == "date":
                found.setdefault(item.fact, item.window)
    return found


def _common(old: str, new: str) -> tuple[str, int, int] | None:
    """The shared unit and each side's factor into it, or None when there is none."""
    if old == new:
        return old, 1, 1
    for coarse, fine in ((old, new), (new, old)):
        if coarse in _FINER and _FINER[coarse][0] == fine:
            factor = _FINER[coarse][1]
            return (fine, factor, 1) if coarse == old else (fine, 1, factor)
    return None


def _describe(unit: str) -> str:
    return f"{unit}_since" if unit else "compared with date literals"


def reconcile_windows(old: Policy, new: Policy) -> tuple[Policy, Policy]:
    """Both tables with every date fact read in one unit; a ValidationError when impossible."""
    old_units, new_units = _units(old), _units(new)
    scale_old: dict[str, tuple[str, int]] = {}
    scale_new: dict[str, tuple[str, int]] = {}
    problems: list[Problem] = []
    for fact in old_units.keys() & new_units.keys():
        common = _common(old_units[fact], new_units[fact])
        if common is None:
            where = new.fact_map[fact].location or Location(new.path, path=f"facts.{fact}")
            problems.append(Problem(
                where, f"date fact '{fact}' is read as {_describe(new_units[fact])} here but "
                f"{_describe(old_units[fact])} in the old table; diff compares one unit per "
                "date, and these have no exact common scale",
                hint="days and weeks compare, as do months and years; give the fact a new "
                     "name to compare the tables as if it were replaced"))
            continue
        unit, old_factor, new_factor = common
        if old_factor > 1:
            scale_old[fact] = (unit, old_factor)
        if new_factor > 1:
            scale_new[fact] = (unit, new_factor)
    if problems:
        raise ValidationError(problems)
    return _rescaled(old, scale_old), _rescaled(new, scale_new)


def _rescaled(policy: Policy, scale: Mapping[str, tuple[str, int]]) -> Policy:
    if not scale:
        return policy
    return replace(
        policy,
        criteria=tuple(replace(c, when=_rewrite(c.when, scale)) for c in policy.criteria),
        rows=tuple(replace(r, when=_rewrite(r.when, scale)) for r in policy.rows))


def _rewrite(expr: Expr, scale: Mapping[str, tuple[str, int]]) -> Expr:
    if isinstance(expr, Compare) and expr.fact in scale and expr.window:
        return _finer(expr, *scale[expr.fact])
    if isinstance(expr, Not):
        return replace(expr, operand=_rewrite(expr.operand, scale))
    if isinstance(expr, And | Or | Count):
        return replace(expr, operands=tuple(_rewrite(e, scale) for e in expr.operands))
    return expr


def _finer(item: Compare, unit: str, factor: int) -> Expr:
    """``item`` (in the coarser unit) as comparisons in ``unit``, ``factor`` times finer."""
    value = item.value
    assert isinstance(value, int) and not isinstance(value, bool)
    low, high = value * factor, (value + 1) * factor  # the unit ``value`` is [low, high)

    def at(op: str, number: int) -> Compare:
        return replace(item, op=op, value=number, window=unit)

    match item.op:
        case "<":
            return at("<", low)
        case ">=":
            return at(">=", low)
        case "<=":
            return at("<", high)
        case ">":
            return at(">=", high)
        case "==":
            return And((at(">=", low), at("<", high)), item.pos)
        case _:
            return Or((at("<", low), at(">=", high)), item.pos)
