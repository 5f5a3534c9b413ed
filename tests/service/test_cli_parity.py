"""The service answers exactly what the CLI prints: decide, explain, next-question, check, diff."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from medpolicy.service.views import NEXT_QUESTION_KEYS
from tests.conftest import ROOT
from tests.service.support import ESI_YAML, EXAMPLE_CASES, case_body, cli_json, cli_text

IDS = [path.stem for path in EXAMPLE_CASES]
VARIANTS = ROOT / "examples" / "variants"
BROKEN = ROOT / "examples" / "broken"


@pytest.mark.parametrize("path", EXAMPLE_CASES, ids=IDS)
def test_decide_equals_the_cli_json(client: TestClient, path: Path) -> None:
    """POST /v1/policies/esi/decide of an example case equals 'decide --format json'."""
    [expected] = cli_json("decide", "esi", str(path), "--format", "json")
    response = client.post("/v1/policies/esi/decide", json=case_body(path))
    assert response.status_code == 200
    assert response.json() == expected


def test_decide_list_equals_the_cli_lines(client: TestClient) -> None:
    """A list of every example case answers the CLI's lines, in order."""
    expected = cli_json("decide", "esi", *map(str, EXAMPLE_CASES), "--format", "json")
    response = client.post("/v1/policies/esi/decide",
                           json=[case_body(path) for path in EXAMPLE_CASES])
    assert response.json() == expected


@pytest.mark.parametrize("path", EXAMPLE_CASES, ids=IDS)
def test_next_question_equals_the_cli_json_keys(client: TestClient, path: Path) -> None:
    """next-question is the CLI JSON's verdict, next_question, relevant and pathways.

    Before the documentation request v2 lands in ``to_dict`` the last three are
    absent from the CLI JSON and read as null, [] and [] (DESIGN.md)."""
    [decided] = cli_json("decide", "esi", str(path), "--format", "json")
    answer = client.post("/v1/policies/esi/next-question", json=case_body(path)).json()
    assert list(answer) == list(NEXT_QUESTION_KEYS)
    assert answer["verdict"] == decided["verdict"]
    assert answer["next_question"] == decided.get("next_question")
    assert answer["relevant"] == decided.get("relevant", [])
    assert answer["pathways"] == decided.get("pathways", [])


@pytest.mark.parametrize("fmt", ["svg", "html", "json", "mermaid", "dot"])
@pytest.mark.parametrize("path", EXAMPLE_CASES, ids=IDS)
def test_explain_equals_the_cli(client: TestClient, path: Path, fmt: str) -> None:
    """POST explain?format=F equals 'explain --format F', byte for byte."""
    expected = cli_text("explain", "esi", str(path), "--format", fmt)
    response = client.post(f"/v1/policies/esi/explain?format={fmt}", json=case_body(path))
    assert response.status_code == 200
    assert response.text == expected


def test_explain_full_view_equals_the_cli(client: TestClient) -> None:
    """view=full equals 'explain --view full'."""
    path = EXAMPLE_CASES[-1]
    expected = cli_text("explain", "esi", str(path), "--format", "json", "--view", "full")
    response = client.post("/v1/policies/esi/explain?format=json&view=full",
                           json=case_body(path))
    assert response.text == expected


def _without_paths(report: dict[str, object]) -> dict[str, object]:
    """A check report with the table's path (a file for the CLI, 'table' here) left out."""
    policy = dict(report["policy"])  # type: ignore[call-overload]
    policy.pop("path")
    findings = [{**f, "locations": [{k: v for k, v in loc.items() if k != "file"}
                                    for loc in f["locations"]]}
                for f in report["findings"]]  # type: ignore[attr-defined]
    return {**report, "policy": policy, "findings": findings}


@pytest.mark.parametrize("name", ["esi", "gap", "conflict", "dead_row", "unknown_reference"])
def test_check_equals_the_cli_json(client: TestClient, name: str) -> None:
    """POST /v1/check of a table's text equals 'check --format json' (paths aside)."""
    path = ESI_YAML if name == "esi" else BROKEN / f"{name}.yaml"
    [expected] = cli_json("check", str(path), "--format", "json")
    response = client.post("/v1/check", content=path.read_bytes())
    assert response.status_code == 200
    answer = response.json()
    assert answer["policy"]["path"] == "table"
    if name == "unknown_reference":  # a table that does not validate is named after its file
        expected["policy"]["id"] = answer["policy"]["id"]
    assert _without_paths(answer) == _without_paths(expected)


@pytest.mark.parametrize("variant", ["esi-6-weeks", "esi-reordered"])
def test_diff_equals_the_cli_json(client: TestClient, variant: str) -> None:
    """POST /v1/diff equals 'diff --format json' (the tables' paths aside)."""
    new = VARIANTS / f"{variant}.yaml"
    [expected] = cli_json("diff", str(ESI_YAML), str(new), "--format", "json")
    body = {"old": ESI_YAML.read_text("utf-8"), "new": new.read_text("utf-8")}
    answer = client.post("/v1/diff", json=body).json()
    assert (answer["old"]["path"], answer["new"]["path"]) == ("old", "new")
    for side in ("old", "new"):
        expected[side].pop("path")
        answer[side].pop("path")
    assert answer == expected
