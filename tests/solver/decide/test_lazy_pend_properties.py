"""Property tests: the incremental lazy search on pend-by-default tables agrees with brute force.

The lazy missing-set search adds each rejection box it learns to one grounded
program and keeps it for the next cases; these tables pend when no row
matches (the shape whose rejection DNF blows up at scale), and several cases
are decided in a row on one Decider so that boxes learnt on one case serve
the next.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest.mock import patch

import yaml
from hypothesis import given
from hypothesis import strategies as st

from medpolicy.errors import TooComplexError
from medpolicy.logic.compiler import CompiledTable
from medpolicy.solver.decide.decider import Decider
from medpolicy.tables.loader import policy_from_text
from medpolicy.tables.model import Case, Policy
from tests import reference
from tests.solver.decide.test_decide_properties import _fillings
from tests.strategies import partial_cases, table_texts


@st.composite
def pend_by_default(draw: Any) -> tuple[Policy, list[Case]]:
    """A random table whose ``otherwise`` is pend, with three partial cases of it."""
    document = yaml.safe_load(draw(table_texts()))
    document["otherwise"] = {"outcome": "pend", "reason": "no row applies"}
    policy = policy_from_text(yaml.safe_dump(document, sort_keys=False))
    return policy, [draw(partial_cases(policy)) for _ in range(3)]


@contextmanager
def _lazy() -> Iterator[None]:
    """Make every table's rejection DNF 'too large', so its boxes are found lazily."""
    def too_complex(*_args: object, **_kw: object) -> list[object]:
        raise TooComplexError("forced")

    with patch.object(CompiledTable, "rejection_boxes", too_complex):
        yield


@given(pend_by_default())
def test_lazy_missing_sets_are_sound_minimal_and_complete_case_after_case(
    table_and_cases: tuple[Policy, list[Case]],
) -> None:
    """Case after case on one Decider, each missing set approves, is cheapest, and none lacks."""
    policy, cases = table_and_cases
    with _lazy():
        decider = Decider(policy, max_alternatives=50, residual=False)
        decisions = [decider.decide(case) for case in cases]
    for case, decision in zip(cases, decisions, strict=True):
        assert decision.verdict == reference.verdict(policy, case.facts)
        reference.check_missing_sets(policy, case.facts, decision,
                                     lambda a: _fillings(policy, a))


@given(pend_by_default())
def test_learnt_boxes_are_rejected_and_contain_no_approved_case(
    table_and_cases: tuple[Policy, list[Case]],
) -> None:
    """Every box the lazy search keeps holds only complete cases that are not approved."""
    policy, cases = table_and_cases
    with _lazy():
        decider = Decider(policy, max_alternatives=50, residual=False)
        for case in cases:
            decider.decide(case)
        boxes = list(decider.missing_solver.boxes) if "missing_solver" in vars(decider) else []
    domains = decider.table.domains
    for box in boxes:
        choices = [sorted(box.get(f, d.indices())) for f, d in enumerate(domains)]
        for combo in itertools.product(*choices):
            completion = {d.fact.name: d.concrete(i) for d, i in zip(domains, combo, strict=True)}
            assert reference.outcome(policy, completion) != "approve", (box, completion)
