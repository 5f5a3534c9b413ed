"""Codes facts in every input: CSV batch cells, FHIR items and answers, explain labels."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from medpolicy import Decider, ValidationError, load_policy
from medpolicy.cli import cli
from medpolicy.fhir.questionnaire import build_questionnaire
from medpolicy.fhir.response import build_response, case_from_response
from medpolicy.tables.model import Case
from tests.conftest import ROOT
from tests.fhir.support import fhir_valid

TABLE = ROOT / "examples" / "language" / "lumbar-red-flags.yaml"
ICD = "http://hl7.org/fhir/sid/icd-10-cm"


def test_csv_cells_split_codes_on_semicolon_or_bar(tmp_path: Path) -> None:
    """``;`` and ``|`` separate codes, ``[]`` is no code, empty is unknown, a bad code is a
    located error record."""
    data = tmp_path / "in.csv"
    data.write_text("id,diagnoses,conservative_care_weeks\n"
                    "a,M54.16;E11.9,7\nb,[],\nc,,3\nd,m54.16 | C79.51,\ne,72148,\n",
                    encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(cli, ["batch", str(TABLE), str(data), "-o", str(out)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r.get("verdict") for r in records] == ["approve", "deny", "pend", "approve", None]
    assert "in.csv:6 facts.diagnoses: malformed ICD-10-CM code '72148'" in records[4]["error"]


def _items(resource: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["linkId"]: item for item in resource.get("item", [])}


def test_questionnaire_item_is_open_choice_that_repeats() -> None:
    """A codes fact is an open-choice item with repeats: true; the questionnaire validates."""
    questionnaire = build_questionnaire(load_policy(TABLE))
    assert fhir_valid(questionnaire)
    item = _items(questionnaire)["diagnoses"]
    assert item["type"] == "open-choice" and item["repeats"] is True


def test_response_codings_round_trip_to_case_codes() -> None:
    """Each code is a coding in ICD-10-CM; read back they are the case's codes and decision."""
    policy = load_policy(TABLE)
    case = Case("c", {"diagnoses": ("M54.16", "E11.9"), "conservative_care_weeks": 7})
    response = build_response(case, policy)
    assert fhir_valid(response)
    assert _items(response)["diagnoses"]["answer"] == [
        {"valueCoding": {"system": ICD, "code": "M54.16"}},
        {"valueCoding": {"system": ICD, "code": "E11.9"}}]
    again = case_from_response(response, policy)
    assert again.facts["diagnoses"] == ("M54.16", "E11.9")
    assert Decider(policy).decide(again).verdict == "approve"


def test_a_coding_of_another_system_is_refused() -> None:
    """A coding in another system is a located problem naming the expected system."""
    response = {"resourceType": "QuestionnaireResponse", "status": "completed", "item": [
        {"linkId": "diagnoses", "answer": [
            {"valueCoding": {"system": ICD, "code": "M54.16"}},
            {"valueCoding": {"system": "http://snomed.info/sct", "code": "279039007"}}]}]}
    with pytest.raises(ValidationError, match="a code of another system for 'diagnoses'"):
        case_from_response(response, load_policy(TABLE))


def test_explain_text_shows_the_documented_codes(tmp_path: Path) -> None:
    """The graph shows a documented list as [codes] (escaped for Mermaid); the text request
    asks for a code of the value set."""
    case = tmp_path / "c.yaml"
    case.write_text("id: c\nfacts:\n  diagnoses: [m54.16]\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["explain", str(TABLE), str(case), "--format", "mermaid"])
    assert result.exit_code == 0, result.output
    assert "#91;M54.16#93;" in result.output
    case.write_text("id: c\nfacts: {}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["decide", str(TABLE), str(case)])
    assert result.exit_code == 0, result.output
    assert "diagnoses: a code in red_flags" in result.output


def test_parquet_codes_columns_as_lists_or_text(tmp_path: Path) -> None:
    """A codes column is list<string> (written by cases_table) or text split like CSV."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from medpolicy.batch.parquet import cases_table, fact_type

    policy = load_policy(TABLE)
    assert fact_type(policy.fact_map["diagnoses"]) == pa.list_(pa.string())
    cases = [Case("a", {"diagnoses": ("C79.51",)}), Case("b", {"diagnoses": ()}),
             Case("c", {"conservative_care_weeks": 3})]
    pq.write_table(cases_table(cases, policy), tmp_path / "lists.parquet")
    pq.write_table(pa.table({"id": ["d", "e"], "diagnoses": ["M54.16;E11.9", "[]"],
                             "conservative_care_weeks": pa.array([7, None], pa.int64())}),
                   tmp_path / "text.parquet")
    verdicts = []
    for name in ("lists", "text"):
        out = tmp_path / f"{name}.jsonl"
        result = CliRunner().invoke(cli, ["batch", str(TABLE), str(tmp_path / f"{name}.parquet"),
                                          "-o", str(out)])
        assert result.exit_code == 0, result.output
        verdicts += [json.loads(line)["verdict"]
                     for line in out.read_text(encoding="utf-8").splitlines()]
    assert verdicts == ["approve", "deny", "pend", "approve", "deny"]
