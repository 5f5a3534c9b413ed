"""The checker on small hand-written tables: messages, semantics at the edges, limits."""

from __future__ import annotations

import pytest

from medpolicy import TooComplexError, load_policy, policy_from_text
from medpolicy.solver.check import Checker, check_policy, check_table
from medpolicy.solver.check.evidence import Target
from tests.conftest import ROOT

BROKEN = ROOT / "examples" / "broken"

TABLE = """\
id: t
title: t
version: "1"
hit_policy: {hit}
facts:
  weeks: {{type: int, min: 0, max: 52}}
  radicular: {{type: bool}}
rows:
  - {{id: short, when: weeks < 6, outcome: deny, reason: Too short.}}
  - {{id: radicular, when: radicular, outcome: approve, reason: Radicular pain.}}
{otherwise}"""


def _table(hit: str, otherwise: str = "otherwise: {outcome: pend, reason: Review.}") -> str:
    return TABLE.format(hit=hit, otherwise=otherwise)


@pytest.mark.parametrize(
    ("hit", "severity", "words"),
    [
        ("priority", "info", "under 'priority' 'short' wins (deny)"),
        ("first", "info", "under 'first' the earlier row 'short' wins"),
        ("unique", "error", "which a unique table forbids; decide resolves it like 'priority': "
                            "'short' wins (deny)"),
    ],
    ids=["priority", "first", "unique"],
)
def test_conflict_says_which_row_wins(hit: str, severity: str, words: str) -> None:
    """A conflict names both rows with their lines and says which one wins."""
    report = check_policy(policy_from_text(_table(hit), "t.yaml"))
    (conflict,) = [f for f in report.findings if f.kind == "conflict"]
    assert conflict.severity == severity
    assert conflict.rows == ("short", "radicular")
    assert conflict.message.startswith(
        "rows 'short' (deny, line 9) and 'radicular' (approve, line 10) match the same case")
    assert words in conflict.message


def test_a_pend_row_that_alone_covers_cases_is_not_redundant() -> None:
    """Without 'otherwise' a row's removal would leave a gap: that is a change, even for pend."""
    text = _table("priority", "").replace("outcome: deny", "outcome: pend")
    report = check_policy(policy_from_text(text, "t.yaml"))
    kinds = {(f.kind, f.rows) for f in report.findings}
    assert ("redundant_row", ("short",)) not in kinds
    assert ("gap", ()) in kinds


def test_a_pend_row_under_pend_otherwise_is_redundant() -> None:
    """With 'otherwise: pend', a pend row that only ever matches alone changes nothing."""
    text = _table("priority").replace("outcome: deny", "outcome: pend").replace(
        "when: radicular,", "when: radicular and weeks >= 6,")
    report = check_policy(policy_from_text(text, "t.yaml"))
    (redundant,) = [f for f in report.findings if f.kind == "redundant_row"]
    assert redundant.rows == ("short",)
    assert "(e.g. by 'otherwise')" in redundant.message
    assert redundant.witnesses[0].rows == ("short",)


VALID = ["conflict", "constant_criterion", "dead_row", "gap", "irrelevant_fact", "overlap",
         "redundant_row", "shadowed_row", "unreachable_outcome", "unused_criterion",
         "unused_fact"]


@pytest.mark.parametrize("name", VALID)
def test_solver_alone_finds_the_same(name: str) -> None:
    """Leaving every question to clingo gives the same findings on every valid example."""
    report = check_table(BROKEN / f"{name}.yaml")
    alone = Checker(load_policy(BROKEN / f"{name}.yaml"), search=False).run()
    assert [(f.kind, f.rows, f.facts, f.criteria) for f in alone.findings] == [
        (f.kind, f.rows, f.facts, f.criteria) for f in report.findings]


def test_too_many_pairs_stop_with_a_clear_message() -> None:
    """More candidate pairs than the limit: TooComplexError says what to do."""
    policy = policy_from_text(_table("priority"), "t.yaml")
    with pytest.raises(TooComplexError, match="more than 0 pairs of rows may match the same"):
        Checker(policy, max_pairs=0)


def test_witnesses_must_be_positive() -> None:
    """Asking for no witnesses is a usage error."""
    with pytest.raises(ValueError, match="at least 1"):
        Checker(policy_from_text(_table("priority"), "t.yaml"), witnesses=0)


def test_witnesses_are_distinct_cases() -> None:
    """Five witnesses of a conflict are five different complete cases, all showing it."""
    policy = policy_from_text(
        "id: t\ntitle: t\nversion: '1'\n"
        "facts:\n  weeks: {type: int, min: 0, max: 52}\n  level: {type: enum, values: [a, b, c]}\n"
        "  radicular: {type: bool}\n"
        "rows:\n  - {id: short, when: weeks < 6 or weeks >= 40, outcome: deny, reason: R.}\n"
        "  - {id: radicular, when: radicular, outcome: approve, reason: R.}\n"
        "otherwise: {outcome: pend}\n", "t.yaml")
    (conflict,) = [f for f in check_policy(policy, witnesses=5).findings
                   if f.kind == "conflict"]
    cases = [dict(w.facts) for w in conflict.witnesses]
    # 2 week intervals (0-5, 40-52) x 3 levels with radicular true: six cases show it
    assert len(cases) == 5
    assert len({tuple(sorted(c.items())) for c in cases}) == 5
    for case in cases:
        assert case["radicular"] is True
        assert case["weeks"] < 6 or case["weeks"] >= 40
        assert set(case) == {"weeks", "level", "radicular"}


def test_solver_adds_worlds_for_questions_asked_later() -> None:
    """Witnesses for a row the first grounding had no world for come from a world added later."""
    policy = policy_from_text(_table("priority"), "t.yaml")
    checker = Checker(policy, witnesses=3)
    program = checker._solver([Target("decisive", 1)])
    # 'short' decides wherever it matches: weeks 0-5, radicular or not; no third case exists
    cases = program.more_cases(Target("decisive", 0), 3, [])
    assert sorted(cases) == [(0, 0), (0, 1)]
    assert all(0 in checker.index.outcome_at(case)[1] for case in cases)
    # the first world still answers: 'radicular' decides only from week 6 on
    assert program.more_cases(Target("decisive", 1), 3, []) == [(1, 0)]
