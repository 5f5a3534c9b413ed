"""Golden tests: the seed cases decide exactly as their `expect` says."""

from __future__ import annotations

from pathlib import Path

import pytest

from medpolicy import Decider, Policy, load_case
from tests.conftest import SEED_CASES


def test_there_are_four_seed_cases() -> None:
    """The four seed cases are bundled with the project."""
    assert [p.stem for p in SEED_CASES] == [
        "seed-000-cervical-repeat",
        "seed-001-cervical-request-only",
        "seed-002-cervical-c7-t1",
        "seed-004-lumbar-incomplete",
    ]


@pytest.mark.parametrize("path", SEED_CASES, ids=[p.stem for p in SEED_CASES])
def test_seed_case_matches_its_expectation(path: Path, esi: Policy, esi_decider: Decider) -> None:
    """Verdict and the sets of missing facts are exactly the expected ones."""
    case = load_case(path, esi)
    assert case.expect is not None
    decision = esi_decider.decide(case)
    assert decision.verdict == case.expect.verdict
    expected_missing = set(case.expect.missing or ())
    assert {alternative.facts for alternative in decision.missing} == expected_missing
    assert len(decision.missing) == len(expected_missing)


def test_seed_004_needs_read_as_the_spec_says(esi: Policy, esi_decider: Decider) -> None:
    """Each fact of seed 004's request says what it must show, in analyst words."""
    case = load_case(Path(SEED_CASES[3]), esi)
    decision = esi_decider.decide(case)
    needs = {n.fact: n.needs for alternative in decision.missing for n in alternative.needs}
    assert needs == {
        "active_rehab": "true",
        "conservative_care_intolerant": "true",
        "conservative_care_weeks": ">= 4",
        "functional_impairment_documented": "true",
        "image_guidance": "in [fluoroscopy, ct]",
        "neuro_exam_documented": "true",
        "sedation_justified": "true",
    }
    assert all(alternative.cost == 6 for alternative in decision.missing)
