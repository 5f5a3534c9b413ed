"""medpolicy test --coverage: rows, criteria, thresholds at their boundary, verdicts."""

from __future__ import annotations

import json

from click.testing import CliRunner

from medpolicy import Decider, Policy, load_case, policy_from_text
from medpolicy.cli import cli
from medpolicy.logic.thresholds import thresholds
from medpolicy.suite.coverage import measure, render_coverage
from tests.conftest import ROOT, SEED_CASES

ESI_DENY_ROWS = [
    "excluded_indication", "injectate", "contraindication", "particulate_steroid",
    "image_guidance", "levels", "frequency_12_months", "frequency_6_months", "prior_response",
    "interval", "radiculopathy_documented", "imaging", "symptom_duration", "conservative_care",
    "functional_impairment", "active_rehab", "sedation", "anticoagulation",
]


def test_esi_thresholds_are_the_cuts_inside_each_range(esi: Policy) -> None:
    """levels > 1 cuts at 2, <= 24 at 25, >= 4 at 4; each with the comparison that makes it."""
    found = {(t.fact, t.below, t.value): t.comparisons for t in thresholds(esi)}
    assert len(found) == 10
    assert found[("levels", 1, 2)] == ("levels > 1",)
    assert found[("levels", 2, 3)] == ("levels > 2",)
    assert found[("imaging_age_months", 24, 25)] == ("imaging_age_months <= 24",)
    assert found[("conservative_care_weeks", 3, 4)] == ("conservative_care_weeks >= 4",)
    assert found[("sessions_past_6_months", 2, 3)] == ("sessions_past_6_months >= 3",)


def test_cuts_outside_a_fact_range_are_not_thresholds() -> None:
    """x >= 0 on a fact with min 0 and x == 9 on max 9 cut nothing (9 stays, 10 is out)."""
    policy = policy_from_text(
        "id: t\ntitle: T\nversion: '1'\nfacts:\n  x: {type: int, min: 0, max: 9}\n"
        "rows:\n  - {id: a, when: x >= 0 and x != 9, outcome: deny, reason: R.}\n"
        "  - {id: b, when: 'x in [3]', outcome: pend, reason: R.}\n"
    )
    assert [(t.below, t.value, t.comparisons) for t in thresholds(policy)] == [
        (2, 3, ("x in [3]",)), (3, 4, ("x in [3]",)), (8, 9, ("x != 9",))]


def test_seed_suite_never_exercises_a_deny_row(esi: Policy, esi_decider: Decider) -> None:
    """The seed suite never denies: every deny row is listed as never decisive nor matched."""
    decisions = [esi_decider.decide(load_case(p, esi)) for p in SEED_CASES]
    coverage = measure(esi, decisions)
    assert coverage.never_decisive == ESI_DENY_ROWS
    assert coverage.never_matched == ESI_DENY_ROWS
    otherwise = coverage.rows[-1]
    assert otherwise.id == "otherwise"
    assert otherwise.decisive == ("seed-000-cervical-repeat", "seed-002-cervical-c7-t1")
    assert dict(coverage.verdicts)["deny"] == ()
    assert not coverage.complete


def test_seed_suite_tests_only_one_boundary_side(esi: Policy, esi_decider: Decider) -> None:
    """Only levels = 1 (just below levels > 1) sits at a boundary among the seed cases."""
    decisions = [esi_decider.decide(load_case(p, esi)) for p in SEED_CASES]
    coverage = measure(esi, decisions)
    tested = [(t.threshold.fact, t.threshold.below) for t in coverage.thresholds if t.below]
    assert tested == [("levels", 1)]
    assert not any(t.at for t in coverage.thresholds)
    assert len(coverage.untested_sides) == 19
    assert "conservative_care_weeks = 4 (at conservative_care_weeks >= 4)" in (
        coverage.untested_sides)


def test_criteria_are_seen_met_not_met_and_unknown(esi: Policy, esi_decider: Decider) -> None:
    """Seed 004 leaves conservative care open: conservative_care_tried is seen unknown there."""
    decisions = [esi_decider.decide(load_case(p, esi)) for p in SEED_CASES]
    by_id = {c.id: c for c in measure(esi, decisions).criteria}
    tried = by_id["conservative_care_tried"]
    assert tried.met == ("seed-000-cervical-repeat", "seed-002-cervical-c7-t1")
    assert tried.not_met == ()
    assert "seed-004-lumbar-incomplete" in tried.unknown
    assert by_id["transforaminal"].met == ()


def test_text_report_lists_what_was_never_exercised(esi: Policy, esi_decider: Decider) -> None:
    """One line per kind: counts, then 'never:' and the names."""
    decisions = [esi_decider.decide(load_case(p, esi)) for p in SEED_CASES]
    lines = render_coverage(measure(esi, decisions)).splitlines()
    assert lines[0] == "coverage (4 cases):"
    assert lines[1] == "  rows decisive     1/19  never: " + ", ".join(ESI_DENY_ROWS)
    assert lines[5].startswith("  boundaries        1/20  never: levels = 2 (at levels > 1), ")
    assert lines[6] == "  verdicts          approve 2, deny 0, pend 2"


def test_cli_coverage_precedes_the_closing_line() -> None:
    """--coverage prints the report, and the last line stays 'N passed, N failed'."""
    result = CliRunner().invoke(cli, ["test", "esi", str(ROOT / "examples" / "cases"),
                                      "--coverage"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "coverage (4 cases):"
    assert "never: excluded_indication, injectate" in lines[1]
    assert lines[-1] == "4 passed, 0 failed"


def test_cli_coverage_json_for_tools() -> None:
    """--coverage --format json adds a coverage object with what was never exercised."""
    result = CliRunner().invoke(cli, ["test", "esi", str(ROOT / "examples" / "cases"),
                                      "--coverage", "--format", "json"])
    assert result.exit_code == 0
    coverage = json.loads(result.stdout)["coverage"]
    assert coverage["complete"] is False
    assert coverage["never"]["decisive"] == ESI_DENY_ROWS
    levels = coverage["thresholds"][0]
    assert (levels["fact"], levels["below"], levels["at"]) == ("levels", 1, 2)
    assert levels["below_cases"] == [p.stem for p in SEED_CASES if "001" not in p.stem]
