"""diff of tables whose domains differ, on partial cases with two or more facts unknown.

One table is determined on a partial case that leaves two facts unknown; the
other is undetermined only through values the first table does not accept.
No case with at most one fact unknown shows the change, so only the
refinement loop (``medpolicy.solver.diff.refine``) finds it.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner

from medpolicy import Policy, load_policy, policy_from_text
from medpolicy.cli import cli
from medpolicy.errors import TimeLimitError
from medpolicy.solver.decide.result import Decision
from medpolicy.solver.diff.engine import diff_policies
from medpolicy.solver.diff.joint import joint_space
from medpolicy.solver.diff.refine import Refiner, domains_differ
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "diff"
SMALL = FIXTURES / "both-small.yaml"
LARGE = FIXTURES / "both-large-deny.yaml"


def test_approve_to_pend_with_both_counts_unknown() -> None:
    """n, m in 0..10 -> 0..20, deny when both > 10: leaving both out, approve becomes pend."""
    diff = diff_policies(load_policy(SMALL), load_policy(LARGE), max_witnesses=5)
    assert [(c.label, c.on_complete) for c in diff.changes] == [("approve -> pend", False)]
    (witness,) = diff.changes[0].witnesses
    assert (dict(witness.facts), witness.unknown) == ({}, ("n", "m"))
    assert (witness.old.verdict, witness.new.verdict) == ("approve", "pend")
    assert diff.changes[0].rows_old == ("otherwise",)


def test_the_reverse_diff_finds_pend_to_approve() -> None:
    """The same two tables the other way round: pend -> approve, both counts unknown."""
    diff = diff_policies(load_policy(LARGE), load_policy(SMALL), max_witnesses=5)
    assert [(c.label, c.on_complete) for c in diff.changes] == [("pend -> approve", False)]
    (witness,) = diff.changes[0].witnesses
    assert (dict(witness.facts), witness.unknown) == ({}, ("n", "m"))


GOLDEN = """\
diff nm 1 (both-small.yaml) -> nm 2 (both-large-deny.yaml)

Verdict changes (1 kinds):

approve -> pend  (partial cases only)
  rows: old otherwise; new big
  witness 1 (partial, unknown: n, m): old approve (otherwise), new pend (big)

Structure:
  version: 1 -> 2
  facts changed: n: maximum: 10 -> 20
  facts changed: m: maximum: 10 -> 20
  rows added: big
  thresholds added: n > 10, m > 10
"""


def test_cli_output_is_golden(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`medpolicy diff both-small.yaml both-large-deny.yaml --fail-on-change` prints the golden
    text and exits 1."""
    for path in (SMALL, LARGE):
        shutil.copy(path, tmp_path / path.name)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["diff", SMALL.name, LARGE.name, "--fail-on-change"])
    assert (result.exit_code, result.stdout, result.stderr) == (1, GOLDEN, "")


def test_the_time_limit_bounds_the_loop() -> None:
    """A refinement loop given no time stops with TimeLimitError before any search."""
    space = joint_space(load_policy(SMALL), load_policy(LARGE))

    def never(tag: str, values: Mapping[int, int]) -> Decision:
        raise AssertionError("no case may be decided after the time limit")

    with pytest.raises(TimeLimitError, match="refining the diff ran past the time limit"):
        Refiner(space, 0.0, never).changes(set())


def test_equal_domains_need_no_refinement() -> None:
    """Tables that accept the same values of every shared fact: the exact program suffices."""
    assert not domains_differ(joint_space(load_policy(LARGE), load_policy(LARGE)))
    assert domains_differ(joint_space(load_policy(SMALL), load_policy(LARGE)))


def _table(version: str, facts: str, rows: str, otherwise: str) -> Policy:
    return policy_from_text(f"id: t\ntitle: T\nversion: '{version}'\nfacts:\n{facts}"
                            f"rows:{rows}\notherwise: {{outcome: {otherwise}, reason: No row.}}\n")


def test_disjoint_ranges_change_only_the_case_that_leaves_both_out() -> None:
    """n, m in 0..5 approved -> n, m in 6..9 denied: no value is shared, so the only case
    is the one with both unknown, each table determined on its own values."""
    old = _table("1", "  n: {type: int, min: 0, max: 5}\n  m: {type: int, min: 0, max: 5}\n",
                 " []", "approve")
    new = _table("2", "  n: {type: int, min: 6, max: 9}\n  m: {type: int, min: 6, max: 9}\n",
                 " []", "deny")
    diff = diff_policies(old, new)
    assert [(c.label, c.on_complete) for c in diff.changes] == [("approve -> deny", False)]
    (witness,) = diff.changes[0].witnesses
    assert (dict(witness.facts), witness.unknown) == ({}, ("n", "m"))


def test_an_enum_value_added_on_two_facts() -> None:
    """e, f gain the value z; new refers when both are z: approve -> pend with both unknown,
    and no case documenting either shows a change."""
    old = _table("1", "  e: {type: enum, values: [a, b]}\n  f: {type: enum, values: [a, b]}\n",
                 " []", "approve")
    new = _table("2", "  e: {type: enum, values: [a, b, z]}\n"
                 "  f: {type: enum, values: [a, b, z]}\n",
                 "\n  - {id: zz, when: 'e == z and f == z', outcome: refer, reason: Z.}",
                 "approve")
    diff = diff_policies(old, new)
    assert [(c.label, c.on_complete) for c in diff.changes] == [("approve -> pend", False)]
    (witness,) = diff.changes[0].witnesses
    assert (dict(witness.facts), witness.unknown, witness.new.reasons[0].row) == (
        {}, ("e", "f"), "zz")
