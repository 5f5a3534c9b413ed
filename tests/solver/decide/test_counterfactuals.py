"""Counterfactuals: only actionable facts, and the projected search's per-assignment fallback."""

from __future__ import annotations

import pytest

from medpolicy import Decider, policy_from_text
from medpolicy.solver.decide import missing as missing_module
from medpolicy.tables.model import Case

PAIR = """
id: pair
title: two facts that only work together
version: "1"
facts:
  x: {type: enum, values: [a, b, c], actionable: true}
  y: {type: enum, values: [a, b, c], actionable: true}
  z: {type: bool}
rows:
  - id: pair
    when: (x == a and y == b) or (x == b and y == a)
    outcome: approve
    reason: a matching pair
  - id: flagged
    when: z
    outcome: deny
    reason: flagged
otherwise: {outcome: deny, reason: no pair}
"""


def test_projected_search_splits_interacting_values(monkeypatch: pytest.MonkeyPatch) -> None:
    """On the projected path, x and y that only work in pairs become one change per pair."""
    monkeypatch.setattr(missing_module, "MODEL_CAP", 0)
    calls: list[int] = []
    original = missing_module.MissingSolver.assignments

    def counted(self: missing_module.MissingSolver, *args: object, **kwargs: object) -> object:
        calls.append(1)
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(missing_module.MissingSolver, "assignments", counted)
    changes = Decider(policy_from_text(PAIR)).counterfactuals(
        Case("c", {"x": "c", "y": "c", "z": False}))
    assert calls, "the per-assignment fallback ran"
    assert [[(n.fact, n.needs) for n in c.needs] for c in changes] == [
        [("x", "a"), ("y", "b")], [("x", "b"), ("y", "a")]]


def test_counterfactuals_leave_a_finding_alone() -> None:
    """z (a finding, not actionable) is never proposed, so a flagged case has no change."""
    changes = Decider(policy_from_text(PAIR)).counterfactuals(
        Case("c", {"x": "a", "y": "b", "z": True}))
    assert changes == ()
