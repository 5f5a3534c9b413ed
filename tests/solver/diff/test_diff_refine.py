"""diff of tables whose domains differ, on partial cases with two or more facts unknown.

One table is determined on a partial case that leaves two facts unknown; the
other is undetermined only through values the first table does not accept.
No case with at most one fact unknown shows the change, so only the
refinement loop (``medpolicy.solver.diff.refine``) finds it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from medpolicy import load_policy
from medpolicy.cli import cli
from medpolicy.solver.diff.engine import diff_policies
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
