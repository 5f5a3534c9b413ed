"""Property tests: what evaluation settles about a partial case agrees with brute force.

The lazy search skips a solve whenever ``RejectionSettler`` answers, so each
answer it gives must hold for every completion (it may decline to answer).
"""

from __future__ import annotations

from hypothesis import given

from medpolicy.logic.compiler import CompiledTable
from medpolicy.solver.decide.reading import CaseReader
from medpolicy.solver.decide.settle import RejectionSettler
from medpolicy.tables.model import Case, Policy
from tests import reference
from tests.yaml_tables import yaml_tables_and_cases


def _settle(policy: Policy, case: Case) -> tuple[bool | None, bool, set[str]]:
    """The settler's two answers on the case, and the brute-force outcomes."""
    table = CompiledTable(policy)
    known = CaseReader(table).known(case)
    settler = RejectionSettler(table)
    found = reference.outcomes(policy, reference.known(policy, dict(case.facts)))
    return settler.rejected(known), settler.approved(known), found


@given(yaml_tables_and_cases())
def test_settled_rejection_means_no_completion_approves(
    table_and_case: tuple[Policy, Case],
) -> None:
    """When evaluation settles rejection, no completion of the case approves."""
    rejected, _, found = _settle(*table_and_case)
    if rejected:
        assert "approve" not in found, found


@given(yaml_tables_and_cases())
def test_settled_approval_means_every_completion_approves(
    table_and_case: tuple[Policy, Case],
) -> None:
    """When evaluation settles approval, every completion of the case approves."""
    _, approved, found = _settle(*table_and_case)
    if approved:
        assert found == {"approve"}, found


@given(yaml_tables_and_cases())
def test_a_complete_case_is_always_settled(table_and_case: tuple[Policy, Case]) -> None:
    """With every fact known, evaluation answers exactly: rejected or approved."""
    policy, case = table_and_case
    values = {f.name: reference.concrete_domain(f)[0] for f in policy.facts}
    complete = Case(id="complete", facts={**values, **case.facts})
    rejected, approved, found = _settle(policy, complete)
    assert (rejected is True) == (found != {"approve"})
    assert approved == (found == {"approve"})
