"""Property tests: date facts (windows in every unit, date literals) decide as brute force says.

Cases are dated 2024-02-29 (a leap day); window dates sit around month ends and
Feb 29, and the brute force counts units one at a time on its own.
"""

from __future__ import annotations

from hypothesis import event, given

from medpolicy import case_from_mapping
from medpolicy.solver.check import Checker
from medpolicy.solver.decide.decider import Decider
from medpolicy.tables.model import Case, Policy
from tests import check_reference, reference
from tests.solver.check.test_check_properties import _key
from tests.solver.decide.test_decide_properties import _fillings
from tests.strategies_text import DATE_KINDS, count_tables, count_tables_and_cases


@given(count_tables_and_cases(DATE_KINDS))
def test_verdict_equals_enumeration(table_and_case: tuple[Policy, Case]) -> None:
    """With date facts read through windows or literals, the verdict is brute force's."""
    policy, case = table_and_case
    event(f"date facts: {sum(f.type == 'date' for f in policy.facts)}")
    assert Decider(policy).decide(case).verdict == reference.verdict(policy, case.facts)


@given(count_tables_and_cases(DATE_KINDS))
def test_missing_sets_are_sound_and_optimal(table_and_case: tuple[Policy, Case]) -> None:
    """Each missing set, filled in with any date it accepts, approves; sets are optimal."""
    policy, case = table_and_case
    decision = Decider(policy, max_alternatives=50).decide(case)
    reference.check_missing_sets(policy, case.facts, decision,
                                 lambda a: _fillings(policy, a))


@given(count_tables(DATE_KINDS))
def test_check_findings_equal_enumeration_and_witnesses_reproduce(policy: Policy) -> None:
    """check's findings on date tables are brute force's; each witness, loaded as a case
    file (with its service date), is decided as the witness says."""
    report = Checker(policy, witnesses=1).run()
    # Band islands have their own brute-force property (tests/solver/check/test_islands.py);
    # their witnesses are still decided below.
    found = {_key(f) for f in report.findings if f.kind != "band-island"}
    assert found == check_reference.expected_findings(policy)
    decider = Decider(policy)
    for finding in report.findings:
        for witness in finding.witnesses:
            case = case_from_mapping(witness.to_case(policy.id), policy)
            assert decider.decide(case).verdict == witness.verdict
