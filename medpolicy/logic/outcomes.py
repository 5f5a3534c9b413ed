"""The outcome of a complete case as formulas, one per outcome.

Rows combine by the table's hit policy:

- ``priority`` (and ``unique``, whose overlaps ``check`` reports as errors):
  the strongest outcome among matching rows wins, deny over refer over pend
  over approve;
- ``first``: the first matching row in table order wins.

When no row matches, the ``otherwise`` outcome applies; a table without
``otherwise`` has a gap there, and a gap pends (a person must decide).
"""

from __future__ import annotations

from collections.abc import Sequence

from medpolicy.logic.formula import FNot, Formula, conj, disj
from medpolicy.tables.model import OUTCOMES, HitPolicy, Otherwise, Outcome


def no_match_outcome(otherwise: Otherwise | None) -> Outcome:
    """The outcome when no row matches: ``otherwise``, or pend for a gap."""
    return otherwise.outcome if otherwise is not None else "pend"


def outcome_formulas(
    rows: Sequence[tuple[Outcome, Formula]],
    hit_policy: HitPolicy,
    otherwise: Otherwise | None,
) -> dict[Outcome, Formula]:
    """For each outcome, the formula that holds exactly when a complete case gets it."""
    fallback = no_match_outcome(otherwise)
    none_match = FNot(disj([f for _, f in rows]))
    result: dict[Outcome, Formula] = {}
    if hit_policy == "first":
        for outcome in OUTCOMES:
            parts: list[Formula] = []
            for i, (row_outcome, formula) in enumerate(rows):
                if row_outcome == outcome:
                    earlier = [FNot(f) for _, f in rows[:i]]
                    parts.append(conj([*earlier, formula]))
            if outcome == fallback:
                parts.append(none_match)
            result[outcome] = disj(parts)
        return result
    any_of = {o: disj([f for ro, f in rows if ro == o]) for o in OUTCOMES}
    stronger: list[Formula] = []
    for outcome in ("deny", "refer", "pend", "approve"):
        own: Formula = any_of[outcome]
        if outcome == fallback:
            own = disj([own, none_match])
        result[outcome] = conj([*[FNot(s) for s in stronger], own]) if stronger else own
        stronger.append(any_of[outcome])
    return result


def rejection_formula(
    rows: Sequence[tuple[Outcome, Formula]],
    hit_policy: HitPolicy,
    otherwise: Otherwise | None,
) -> Formula:
    """Holds exactly on the complete cases that are not approved."""
    if hit_policy != "first" and no_match_outcome(otherwise) == "approve":
        # Equivalent and smaller: some deny, refer or pend row matches.
        return disj([f for o, f in rows if o != "approve"])
    formulas = outcome_formulas(rows, hit_policy, otherwise)
    return disj([formulas["deny"], formulas["refer"], formulas["pend"]])
