"""For each outcome, the complete cases that escape it, as boxes (diff's free codes facts).

A table whose only unknown fact is a ``codes`` fact has a determined verdict
``O`` exactly when no list of codes gives another outcome. Enumerating every
list (every subset of the fact's regions) would take ``2**R`` evaluations;
instead ``diff.lp`` asks whether some box of "the outcome is not ``O``" agrees
with the documented facts: a box constrains each fact it names to a set of
abstract values, and the free codes fact can always take one of its (non-empty)
set. The boxes come from the DNF of the outcome formulas, so their number is
capped like every DNF; past the cap the caller falls back to enumerating.
"""

from __future__ import annotations

from collections.abc import Sequence

from medpolicy.errors import TooComplexError
from medpolicy.logic.dnf import Box, DnfBuilder
from medpolicy.logic.domain import Domain
from medpolicy.logic.formula import Formula, disj, inline
from medpolicy.logic.outcomes import outcome_formulas
from medpolicy.tables.model import OUTCOMES, Outcome, Policy

#: Fewer boxes than enumerating lists of codes would cost: past this, enumerate.
ESCAPE_CAP = 4_000


def escape_boxes(
    domains: Sequence[Domain],
    policy: Policy,
    criteria: Sequence[Formula],
    rows: Sequence[Formula],
) -> dict[Outcome, list[Box]] | None:
    """For each outcome, boxes whose union is the complete cases with another outcome.

    None when some outcome needs more than ``ESCAPE_CAP`` boxes.
    """
    flat = [(row.outcome, inline(formula, criteria))
            for row, formula in zip(policy.rows, rows, strict=True)]
    formulas = outcome_formulas(flat, policy.hit_policy, policy.otherwise)
    builder = DnfBuilder(domains, ESCAPE_CAP)
    result: dict[Outcome, list[Box]] = {}
    try:
        for outcome in OUTCOMES:
            others = disj([formulas[o] for o in OUTCOMES if o != outcome])
            result[outcome] = builder.dnf(others)
    except TooComplexError:
        return None
    return result
