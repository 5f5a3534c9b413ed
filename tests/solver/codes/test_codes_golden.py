"""Golden tests of codes facts: the lumbar red-flag example decided and requested."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from medpolicy import Decider, case_from_mapping, diff_policies, load_policy
from medpolicy.cli import cli
from tests.conftest import ROOT

TABLE = ROOT / "examples" / "language" / "lumbar-red-flags.yaml"


def _decide(facts: dict[str, Any]) -> dict[str, Any]:
    policy = load_policy(TABLE)
    decision = Decider(policy).decide(case_from_mapping({"id": "c", "facts": facts}, policy))
    result: dict[str, Any] = json.loads(decision.to_json())
    return result


@pytest.mark.parametrize(("facts", "verdict"), [
    ({"diagnoses": ["C79.51"]}, "approve"),
    ({"diagnoses": ["m80.08xa"]}, "approve"),
    ({"diagnoses": ["S32.1XXA"]}, "approve"),
    ({"diagnoses": ["S32.2"]}, "approve"),
    ({"diagnoses": ["S32.3XXA"], "conservative_care_weeks": 1}, "deny"),
    ({"diagnoses": ["M54.16"], "conservative_care_weeks": 6}, "approve"),
    ({"diagnoses": ["M51.17"], "conservative_care_weeks": 5}, "refer"),
    ({"diagnoses": ["M54.5"]}, "deny"),
    ({"diagnoses": []}, "deny"),
    ({"diagnoses": ["M54.16"]}, "pend"),
], ids=["exact", "prefix-lower", "range-inside", "range-high-child", "outside-range",
        "radiculopathy-6-weeks", "radiculopathy-5-weeks", "uncomplicated", "no-codes",
        "weeks-unknown"])
def test_lumbar_verdicts(facts: dict[str, Any], verdict: str) -> None:
    """Every kind of pattern decides as written in the value set."""
    assert _decide(facts)["verdict"] == verdict


def test_unknown_diagnoses_ask_for_a_red_flag_code() -> None:
    """With nothing documented the cheapest request is a code in red_flags."""
    result = _decide({})
    assert result["verdict"] == "pend"
    assert result["missing"] == [[{
        "fact": "diagnoses", "needs": "a code in red_flags",
        "allowed": {"valueset": "red_flags"},
        "question": "Which diagnoses does the chart document (ICD-10-CM)?",
        "document": "Office notes"}]]
    assert result["next_question"]["fact"] == "diagnoses"


def test_a_pathway_pairs_care_with_a_radiculopathy_code() -> None:
    """The second pathway needs six weeks of care and a red-flag or radiculopathy code."""
    result = _decide({})
    second = result["pathways"][1]["facts"]
    assert [(item["fact"], item["needs"]) for item in second] == [
        ("conservative_care_weeks", ">= 6"),
        ("diagnoses", "a code in red_flags or radiculopathy")]


def test_generated_suite_touches_every_region_and_passes(tmp_path: Path) -> None:
    """test --generate adds a representative code for every untouched region; the suite
    passes with complete coverage, code regions included."""
    runner = CliRunner()
    folder = tmp_path / "suite"
    result = runner.invoke(cli, ["test", str(TABLE), "--generate", str(folder)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["test", str(TABLE), str(folder), "--coverage",
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    coverage = json.loads(result.output)["coverage"]
    assert coverage["complete"] is True
    assert {r["region"] for r in coverage["regions"]} == {
        "other codes", "red_flags", "radiculopathy"}
    assert all(r["cases"] for r in coverage["regions"])


def test_coverage_names_an_untouched_region_with_a_code(tmp_path: Path) -> None:
    """A suite that never documents a radiculopathy code says so, with an example code."""
    case = tmp_path / "c.yaml"
    case.write_text("id: c\nfacts:\n  diagnoses: [C79.51]\nexpect:\n  verdict: approve\n",
                    encoding="utf-8")
    result = CliRunner().invoke(cli, ["test", str(TABLE), str(case), "--coverage"])
    assert result.exit_code == 0, result.output
    assert ("code regions      1/3  never: diagnoses: other codes (e.g. A00), "
            "diagnoses: radiculopathy (e.g. M51.16)") in result.output


def test_adding_a_code_to_a_value_set_is_a_change_with_a_witness_code(tmp_path: Path) -> None:
    """diff: M54.5* added to radiculopathy changes low back pain cases; the witness has it."""
    policy = load_policy(TABLE)
    changed = TABLE.read_text(encoding="utf-8").replace('"M54.1*"]', '"M54.1*", "M54.5*"]')
    (tmp_path / "valuesets").mkdir()
    (tmp_path / "valuesets" / "lumbar_red_flags.txt").write_text(
        (TABLE.parent / "valuesets" / "lumbar_red_flags.txt").read_text(encoding="utf-8"),
        encoding="utf-8")
    (tmp_path / "new.yaml").write_text(changed, encoding="utf-8")
    diff = diff_policies(policy, load_policy(tmp_path / "new.yaml"))
    kinds = {(c.before, c.after) for c in diff.changes}
    assert ("deny", "approve") in kinds
    change = next(c for c in diff.changes if (c.before, c.after) == ("deny", "approve"))
    codes = dict(change.witnesses[0].facts)["diagnoses"]
    assert any(str(code).startswith("M54.5") for code in codes)
    assert "valueset radiculopathy: added M54.5*" in diff.structure.settings
