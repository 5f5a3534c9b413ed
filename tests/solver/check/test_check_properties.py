"""Property tests: check agrees with brute-force enumeration of all complete cases."""

from __future__ import annotations

import pytest
from hypothesis import given

from medpolicy.solver.check import Checker, Finding
from medpolicy.tables.model import Policy
from tests import check_reference, reference
from tests.strategies import policies


def _key(finding: Finding) -> check_reference.Key:
    if finding.kind in ("unused_fact", "irrelevant_fact"):
        return finding.kind, finding.facts
    if finding.kind in ("unused_criterion", "constant_criterion"):
        return finding.kind, finding.criteria
    if finding.kind == "unreachable_outcome":
        return finding.kind, (finding.outcome,)
    return finding.kind, finding.rows


def _assert_agrees(policy: Policy, checker: Checker) -> None:
    report = checker.run()
    # band islands have their own brute-force property test (test_islands.py)
    found = {_key(f) for f in report.findings if f.kind != "band-island"}
    assert found == check_reference.expected_findings(policy)
    for finding in report.findings:
        _assert_witnesses_show(policy, finding)


def _assert_witnesses_show(policy: Policy, finding: Finding) -> None:
    """Every witness is a complete case that shows the finding, labelled as decide would."""
    for witness in finding.witnesses:
        case = dict(witness.facts)
        assert set(case) == {f.name for f in policy.facts}
        matching = {r.id for r in policy.rows if reference.holds(r.when, case, policy)}
        deciding = check_reference.decisive(policy, case)
        assert witness.verdict == reference.outcome(policy, case)
        assert set(witness.rows) == deciding
        assert set(witness.matching) == matching
        if finding.kind in ("conflict", "overlap"):
            assert set(finding.rows) <= matching
        elif finding.kind == "gap":
            assert not matching
        elif finding.kind == "shadowed_row":
            assert finding.rows[0] in matching - deciding
        elif finding.kind == "redundant_row":
            assert finding.rows[0] in deciding


@given(policy=policies())
def test_findings_equal_enumeration(policy: Policy) -> None:
    """Conflicts, overlaps, gaps, dead, shadowed and redundant rows, unreachable outcomes,
    constant criteria, unused and irrelevant facts: exactly those of brute force."""
    _assert_agrees(policy, Checker(policy, witnesses=2))


@pytest.mark.parametrize(("search", "dnf_cap"), [(False, 64), (True, 1), (False, 1)],
                         ids=["solver-only", "complex-rows", "solver-complex-rows"])
@given(policy=policies())
def test_solver_paths_equal_enumeration(policy: Policy, search: bool, dnf_cap: int) -> None:
    """The same with every question left to clingo, and with rows too complex for a DNF."""
    _assert_agrees(policy, Checker(policy, search=search, dnf_cap=dnf_cap))
