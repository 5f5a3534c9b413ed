"""Codes at scale: more regions than the old cap of 10, the cap's located error, and the
bundled bariatric-surgery policy's request and diff against its commercial overlay."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from medpolicy import case_from_mapping, policy_from_text
from medpolicy.cli import cli
from medpolicy.logic.regions import MAX_REGIONS
from medpolicy.solver.decide.decider import Decider


def _counting(sets: int) -> str:
    """A table that approves two of ``sets`` disjoint value sets (``sets + 1`` regions)."""
    lines = ["id: count-codes", "title: two of many value sets", 'version: "1"', "valuesets:"]
    for i in range(sets):
        lines += [f"  vs{i}:", "    system: ICD-10-CM", f'    codes: ["E{10 + i}*"]']
    count = ", ".join(f"has(dx, vs{i})" for i in range(sets))
    lines += ["facts:", "  dx: {type: codes, system: ICD-10-CM}", "rows:",
              "  - id: two", f"    when: 'at_least(2, [{count}])'", "    outcome: approve",
              "    reason: two conditions", "otherwise:", "  outcome: deny",
              "  reason: fewer"]
    return "\n".join(lines) + "\n"


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_two_of_twelve_value_sets_decides_and_asks_for_the_count() -> None:
    """Two of 12 value sets (13 regions): lists decide exactly, and the unknown list is
    asked for as a count over the sets."""
    policy = policy_from_text(_counting(12))
    decider = Decider(policy)
    verdicts = {codes: decider.decide(case_from_mapping(
        {"id": "c", "facts": {"dx": list(codes)}}, policy)).verdict
        for codes in [(), ("E10.9",), ("E10.9", "E10.1"), ("E10.9", "E21.0"), ("Z00.0", "E15")]}
    assert verdicts == {(): "deny", ("E10.9",): "deny", ("E10.9", "E10.1"): "deny",
                        ("E10.9", "E21.0"): "approve", ("Z00.0", "E15"): "deny"}
    pending = decider.decide(case_from_mapping({"id": "c", "facts": {}}, policy))
    assert pending.verdict == "pend"
    (need,) = pending.missing[0].needs
    assert need.needs == "codes in at least 2 of: " + ", ".join(f"vs{i}" for i in range(12))
    assert need.box == {"at_least": 2, "of": [{"valueset": f"vs{i}"} for i in range(12)]}


def test_past_the_region_cap_the_error_names_the_fact_and_a_hint(here: Path) -> None:
    """One region too many is exit 2 with one located line: file:line:col, the fact, a hint."""
    (here / "t.yaml").write_text(_counting(MAX_REGIONS), encoding="utf-8")
    (here / "c.yaml").write_text("id: c\nfacts: {}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["decide", "t.yaml", "c.yaml"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"error: t.yaml:{6 + 3 * MAX_REGIONS}:3 facts.dx: fact 'dx': the value sets it is "
        f"read with cut its codes into {MAX_REGIONS + 1} regions (at most {MAX_REGIONS}); "
        "hint: merge value sets the table reads alike, or read the fact with fewer "
        "overlapping sets"]
    assert "Traceback" not in result.output


def test_bariatric_request_reads_one_major_or_two_minor_comorbidities(here: Path) -> None:
    """A BMI of 37 with the diagnoses unknown asks for a major or two minor comorbidities in
    one line, not as 21 pairs of value sets."""
    (here / "c.yaml").write_text(
        "id: c\nservice_date: 2026-01-01\nfacts:\n  bmi: 37.0\n  procedure: rygb\n"
        "  revision: false\n  birth_date: 1980-01-01\n  supervised_program_months: 6\n"
        "  psych_evaluation_date: 2025-12-01\n  psych_cleared: true\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["decide", "bariatric-surgery", "c.yaml"])
    assert result.exit_code == 0, result.output
    assert ("  Pathway 1 (cost 1): diagnoses: a code in metabolic_disease or "
            "cardiopulmonary_comorbidity, or codes in at least 2 of: pcos, dyslipidemia, "
            "venous_stasis, gerd, nafld, weight_bearing_osteoarthritis, stress_incontinence"
            ) in result.output.splitlines()


def test_bariatric_diff_against_its_commercial_overlay() -> None:
    """diff of bariatric-surgery and its commercial overlay finishes and shows the six kinds
    of verdict change the overlay causes (BMI 30 with metabolic disease now approves)."""
    result = CliRunner().invoke(cli, ["diff", "bariatric-surgery", "bariatric-surgery-commercial",
                                      "--time-limit", "600"])
    assert result.exit_code == 0, result.output
    kinds = [line for line in result.output.splitlines() if line.endswith("cases only)")
             or line.endswith("(complete cases)")]
    assert kinds == [
        "deny -> approve  (complete cases)", "deny -> pend  (partial cases only)",
        "deny -> refer  (complete cases)", "pend -> approve  (partial cases only)",
        "refer -> approve  (complete cases)", "refer -> pend  (partial cases only)"]
    assert "    bmi: 30.0, procedure: rygb, birth_date: 2008-01-01, diagnoses: [E11], " \
        "supervised_program_months:" in result.output.splitlines()
