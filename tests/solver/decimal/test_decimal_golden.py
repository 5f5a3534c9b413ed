"""Golden tests of decimal facts: exact values, table units in every output, located errors."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from medpolicy import (
    Decider,
    ValidationError,
    case_from_mapping,
    diff_policies,
    load_case,
    load_policy,
    policy_from_text,
)
from medpolicy.cli import cli
from medpolicy.solver.check import check_policy
from medpolicy.suite.coverage import measure, render_coverage
from tests.conftest import ROOT

EXAMPLES = ROOT / "examples" / "language"
TABLE = EXAMPLES / "cpap-osa.yaml"


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_ahi_14_5_pends_on_symptoms() -> None:
    """AHI 14.5 is below 15.0: only documented symptoms can approve."""
    policy = load_policy(TABLE)
    decision = Decider(policy).decide(load_case(EXAMPLES / "cpap-osa-14-5.yaml", policy))
    assert decision.verdict == "pend"
    assert [[(n.fact, n.needs) for n in m.needs] for m in decision.missing] == [
        [("symptomatic", "true")]]


def test_values_are_exact_at_the_threshold() -> None:
    """14.9 is below 15.0 and 15.0 is at it: no rounding either way."""
    policy = load_policy(TABLE)
    decider = Decider(policy)

    def verdict(ahi: object) -> str:
        facts = {"ahi": ahi, "bmi": 30, "symptomatic": False}
        return decider.decide(case_from_mapping({"id": "c", "facts": facts}, policy)).verdict

    assert verdict(Decimal("14.9")) == "refer"
    assert verdict("15.0") == "approve"
    assert verdict(15) == "approve"
    assert verdict("1.5e1") == "approve"


def test_needs_and_json_speak_table_units() -> None:
    """An unknown AHI is requested as '>= 5.0'; JSON values are numbers."""
    code, out, _ = _run("decide", str(TABLE), str(EXAMPLES / "cpap-osa-14-5.yaml"),
                        "--format", "json")
    assert code == 0
    assert json.loads(out)["verdict"] == "pend"
    policy = load_policy(TABLE)
    decision = Decider(policy).decide(case_from_mapping(
        {"id": "c", "facts": {"symptomatic": True, "bmi": 30}}, policy))
    (alternative,) = decision.missing
    assert [(n.fact, n.needs) for n in alternative.needs] == [("ahi", ">= 5.0")]


def test_check_witnesses_are_in_table_units(tmp_path: Path) -> None:
    """A gap's witness shows decimals as written in the table (one place), never scaled."""
    text = TABLE.read_text(encoding="utf-8").split("otherwise:")[0]
    path = tmp_path / "gap.yaml"
    path.write_text(text, encoding="utf-8")
    report = check_policy(load_policy(path))
    gap = next(f for f in report.findings if f.kind == "gap")
    facts = dict(gap.witnesses[0].facts)
    assert isinstance(facts["ahi"], Decimal) and facts["ahi"] < Decimal("15.0")
    code, out, _ = _run("check", str(path))
    assert code == 1, out
    shown = [line.strip() for line in out.splitlines() if line.strip().startswith("ahi:")]
    assert shown and all(line in ("ahi: 0.0", "ahi: 5.0") for line in shown), shown
    finding = json.loads(_run("check", str(path), "--format", "json")[1])
    assert "ahi" in json.dumps(finding)


def test_diff_of_a_decimal_threshold_is_a_semantic_change(tmp_path: Path) -> None:
    """Lowering 15.0 to 14.5 turns AHI 14.5 to 14.9 without symptoms from refer to approve."""
    new = tmp_path / "new.yaml"
    new.write_text(TABLE.read_text(encoding="utf-8").replace("ahi >= 15.0", "ahi >= 14.5")
                   .replace("ahi < 15.0", "ahi < 14.5"), encoding="utf-8")
    diff = diff_policies(load_policy(TABLE), load_policy(new))
    change = next(c for c in diff.changes if c.label == "refer -> approve")
    ahi = next(r for r in change.affected if r.fact == "ahi")
    assert ahi.values == "between 14.5 and 14.9"
    for witness in change.witnesses:
        assert Decimal("14.5") <= Decimal(str(witness.facts["ahi"])) <= Decimal("14.9")
    code, out, _ = _run("diff", str(TABLE), str(new), "--format", "json")
    assert code == 0
    assert json.loads(out)["changed"] is True


def test_coverage_and_generate_use_decimal_boundaries(tmp_path: Path) -> None:
    """Generated cases sit on both sides of each decimal threshold, in table units."""
    code, out, err = _run("test", str(TABLE), "--generate", str(tmp_path / "suite"))
    assert code == 0, err
    texts = [p.read_text(encoding="utf-8") for p in (tmp_path / "suite").glob("*.yaml")]
    for side in ("ahi: 4.9\n", "ahi: 5.0\n", "ahi: 14.9\n", "ahi: 15.0\n", "bmi: 39.9\n",
                 "bmi: 40.0\n"):
        assert any(side in text for text in texts), side
    code, out, err = _run("test", str(TABLE), str(tmp_path / "suite"), "--coverage")
    assert code == 0, out + err
    assert "boundaries        8/8" in out
    policy = load_policy(TABLE)
    decision = Decider(policy).decide(case_from_mapping(
        {"id": "c", "facts": {"ahi": "4.9", "bmi": 36, "symptomatic": False}}, policy))
    text = render_coverage(measure(policy, [decision]))
    assert "ahi = 5.0 (at ahi >= 5.0" in text and "ahi = 4.9" not in text


BAD = [
    ("ahi: {type: decimal, places: 1, min: 0, max: 150}", "ahi: 14.55",
     "more places than 'ahi' declares (1)"),
    ("ahi: {type: decimal, places: 1, min: 0, max: 150}", "ahi: 1.455e1",
     "more places than 'ahi' declares (1)"),
    ("ahi: {type: decimal, places: 1, min: 0, max: 150}", "ahi: fourteen",
     "wrong type for the decimal fact 'ahi'"),
]


@pytest.mark.parametrize(("fact", "value", "words"), BAD, ids=["places", "exponent", "text"])
def test_bad_case_values_are_located(tmp_path: Path, fact: str, value: str, words: str) -> None:
    """A decimal case value with too many places (or not a number) is one located error."""
    table = tmp_path / "t.yaml"
    table.write_text(f'id: t\ntitle: t\nversion: "1"\nfacts:\n  {fact}\nrows:\n'
                     "  - id: r\n    when: ahi >= 15.0\n    outcome: approve\n    reason: r\n",
                     encoding="utf-8")
    case = tmp_path / "c.yaml"
    case.write_text(f"id: c\nfacts:\n  {value}\n", encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_case(case, load_policy(table))
    (problem,) = caught.value.problems
    assert (problem.location.line, problem.location.column) == (3, 8)
    assert words in str(problem)
    code, out, err = _run("decide", str(table), str(case))
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and f"{case}:3:8" in err


@pytest.mark.parametrize(("fact", "when", "words", "column"), [
    ("{type: decimal, places: 1}", "ahi >= 14.55", "has more places than 'ahi' declares", 19),
    ("{type: decimal, places: 1}", "ahi >= 'high'", "is not a number", 19),
    ("{type: decimal, places: 1}", "ahi >= 14.5x", "cannot read the condition", 19),
    ("{type: decimal}", "ahi >= 15", "needs 'places'", 8),
    ("{type: decimal, places: 7}", "ahi >= 15", "places out of range", 32),
    ("{type: decimal, places: 1, min: 0.25}", "ahi >= 15", "min has more places than 'ahi'",
     40),
], ids=["literal-places", "literal-text", "malformed-literal", "no-places", "places-7",
        "min-places"])
def test_bad_tables_are_located(tmp_path: Path, fact: str, when: str, words: str,
                                column: int) -> None:
    """Bad decimal declarations and literals are located errors; the CLI exits 2."""
    text = (f'id: t\ntitle: t\nversion: "1"\nfacts:\n  ahi: {fact}\nrows:\n'
            f'  - id: r\n    when: "{when}"\n    outcome: approve\n    reason: r\n')
    with pytest.raises(ValidationError) as caught:
        policy_from_text(text, "t.yaml")
    (problem,) = caught.value.problems
    assert words in str(problem)
    assert problem.location.column == column
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    code, _, err = _run("validate", str(path))
    assert code == 2 and len(err.splitlines()) == 1
