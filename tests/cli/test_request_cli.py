"""CLI faces of the documentation request: decide --format letter and next-question."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from medpolicy.cli.app import cli
from tests.solver.decide.test_request_golden import BARIATRIC

CASE = "id: c1\npolicy: bariatric\nfacts: {}\n"
TRICKY = BARIATRIC.replace(
    "question: What is the BMI?", 'question: "What is the BMI?\\nFORGED\\tline"')
BELL = BARIATRIC.replace(
    "question: What is the BMI?", 'question: "What is the BMI?\\u0007"')


def _files(tmp_path: Path, table: str = BARIATRIC) -> tuple[str, str]:
    policy = tmp_path / "bariatric.yaml"
    policy.write_text(table, encoding="utf-8")
    case = tmp_path / "case.yaml"
    case.write_text(CASE, encoding="utf-8")
    return str(policy), str(case)


def test_letter_has_no_internal_names_costs_or_ids(tmp_path: Path) -> None:
    """The letter groups questions by document and shows no fact names, row ids or costs."""
    policy, case = _files(tmp_path)
    result = CliRunner().invoke(cli, ["decide", policy, case, "--format", "letter"])
    assert result.exit_code == 0, result.output
    text = result.output
    assert "Determination: Pending." in text
    assert "Clinical notes:" in text and "Problem list:" in text
    assert "What is the BMI?" in text
    for internal in ("bmi40", "bmi35_major", "major_comorbidity", "minor_comorbidities",
                     "cost", "otherwise"):
        assert internal not in text, internal


def test_letter_never_suggests_a_value_for_a_finding(tmp_path: Path) -> None:
    """Non-actionable facts are asked about; the letter does not say which value to report."""
    policy, case = _files(tmp_path)
    text = CliRunner().invoke(cli, ["decide", policy, case, "--format", "letter"]).output
    assert ">= 40" not in text and ">= 35" not in text and "requires" not in text


def test_letter_keeps_a_question_on_its_line(tmp_path: Path) -> None:
    """A newline or a tab in a question cannot forge a line of the letter."""
    policy, case = _files(tmp_path, TRICKY)
    result = CliRunner().invoke(cli, ["decide", policy, case, "--format", "letter"])
    assert result.exit_code == 0, result.output
    assert "\nFORGED" not in result.output and "\t" not in result.output
    assert "What is the BMI? FORGED line" in result.output


def test_a_bell_in_a_question_is_refused_before_any_letter(tmp_path: Path) -> None:
    """Other control characters in a table are a located error (exit 2), never output."""
    policy, case = _files(tmp_path, BELL)
    result = CliRunner().invoke(cli, ["decide", policy, case, "--format", "letter"])
    assert result.exit_code == 2
    assert "bariatric.yaml:" in result.output and "control character" in result.output


def test_next_question_prints_the_question(tmp_path: Path) -> None:
    """next-question prints the cheapest relevant fact of the first pathway."""
    policy, case = _files(tmp_path)
    result = CliRunner().invoke(cli, ["next-question", policy, case])
    assert result.exit_code == 0
    assert result.output == "What is the BMI? (bmi)\n"


def test_next_question_json(tmp_path: Path) -> None:
    """--format json: verdict, next_question, relevant and pathways."""
    policy, case = _files(tmp_path)
    result = CliRunner().invoke(cli, ["next-question", policy, case, "--format", "json"])
    data = json.loads(result.output)
    assert list(data) == ["verdict", "next_question", "relevant", "pathways"]
    assert data["next_question"] == {"fact": "bmi", "question": "What is the BMI?"}
    assert len(data["pathways"]) == 3


def test_decide_max_pathways_option(tmp_path: Path) -> None:
    """decide --max-pathways 1 shows one pathway and counts two omitted."""
    policy, case = _files(tmp_path)
    result = CliRunner().invoke(cli, ["decide", policy, case, "--format", "json",
                                      "--max-pathways", "1"])
    data = json.loads(result.output)
    assert len(data["pathways"]) == 1 and data["pathways_omitted"] == 2


def test_text_says_how_many_pathways_are_not_shown(tmp_path: Path) -> None:
    """The text view names the pathways it leaves out."""
    policy, case = _files(tmp_path)
    result = CliRunner().invoke(cli, ["decide", policy, case, "--max-pathways", "1"])
    assert "(2 more pathways not shown)" in result.output
    assert "Next question: What is the BMI? (bmi)" in result.output
