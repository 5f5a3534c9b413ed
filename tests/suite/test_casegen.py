"""The seeded case generator shared by tests and benchmarks."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from medpolicy import Decider, Policy, case_from_mapping, policy_from_text
from medpolicy.suite.casegen import CaseGenerator, Mix, case_record, generate_cases, unknown_facts
from tests import reference


def test_same_seed_same_cases_other_seed_other_cases(esi: Policy) -> None:
    """The stream is a function of the seed."""
    first = generate_cases(esi, 50, seed=3)
    assert generate_cases(esi, 50, seed=3) == first
    assert generate_cases(esi, 50, seed=4) != first
    assert [c.id for c in first[:2]] == ["gen-000001", "gen-000002"]


@pytest.mark.parametrize("kind", ["approve", "deny"])
def test_complete_charts_decide_as_their_kind(
    esi: Policy, esi_decider: Decider, kind: str
) -> None:
    """Approving and denying charts are complete, and the brute-force evaluator agrees."""
    generator = CaseGenerator(esi, seed=5)
    for _ in range(40):
        facts = generator.facts(kind)  # type: ignore[arg-type]
        assert unknown_facts(esi, facts) == []
        assert reference.outcome(esi, reference.known(esi, facts)) == kind
        assert esi_decider.decide(case_from_mapping({"facts": facts}, esi)).verdict == kind


def test_partial_charts_leave_out_as_many_facts_as_asked(esi: Policy) -> None:
    """A partial chart of an approving one with k facts left out has exactly k unknowns."""
    generator = CaseGenerator(esi, seed=6)
    for unknown in (1, 4, 12):
        facts = generator.partial(unknown, base="approve")
        assert len(unknown_facts(esi, facts)) == unknown


def test_the_mix_is_mostly_complete_charts_with_some_pends(
    esi: Policy, esi_decider: Decider
) -> None:
    """The default mix decides to many approvals and denials and some pends."""
    verdicts = Counter(esi_decider.decide(c).verdict for c in generate_cases(esi, 400, seed=1))
    assert verdicts["approve"] > 100 and verdicts["deny"] > 100
    assert 20 < verdicts["pend"] < 120


def test_a_mix_of_only_partial_charts_pends(esi: Policy, esi_decider: Decider) -> None:
    """Shares are weights: a mix with only partial charts gives only partial charts."""
    cases = generate_cases(esi, 30, seed=2, mix=Mix(approve=0, deny=0, partial=1))
    assert all(unknown_facts(esi, c.facts) for c in cases)
    assert Counter(esi_decider.decide(c).verdict for c in cases)["pend"] >= 20


def test_records_are_valid_case_files(esi: Policy) -> None:
    """Each record, through JSON, reads back as the same case."""
    generator = CaseGenerator(esi, seed=9)
    for case in generator.cases(60):
        record = json.loads(json.dumps(case_record(case)))
        assert case_from_mapping(record, esi) == case


def test_pool_must_not_be_empty(esi: Policy) -> None:
    """A pool of zero charts is a programming error."""
    with pytest.raises(ValueError, match="pool"):
        CaseGenerator(esi, pool=0)


def test_a_table_that_never_approves_still_gives_cases() -> None:
    """Without approving charts the generator falls back to random complete charts."""
    policy = policy_from_text(
        "id: strict\ntitle: Strict\nversion: '1'\nfacts:\n  ok: {type: bool}\n"
        "  weeks: {type: int, min: 0}\nrows:\n  - id: never\n    when: ok or not ok\n"
        "    outcome: deny\n    reason: Never covered.\n"
    )
    cases = generate_cases(policy, 20, seed=1)
    assert len(cases) == 20
    decider = Decider(policy)
    assert {decider.decide(c).verdict for c in cases} == {"deny"}
