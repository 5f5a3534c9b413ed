"""POST /v1/diff of a base and an overlay of it shows the overlay's edits, as the CLI does."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import ROOT
from tests.service.conftest import LiveServer
from tests.service.support import ESI_YAML, cli_json

LIBRARY = ROOT / "medpolicy" / "tables" / "library"


def _text(name: str) -> str:
    return (LIBRARY / f"{name}.yaml").read_text("utf-8")


def _post_live(url: str, body: Any) -> tuple[int, Any]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return response.status, json.loads(response.read())


def _without_paths(report: dict[str, Any]) -> dict[str, Any]:
    return {**report, **{side: {k: v for k, v in report[side].items() if k != "path"}
                         for side in ("old", "new")}}


def test_live_diff_of_an_overlay_equals_the_cli_json(live_server: LiveServer) -> None:
    """Over real HTTP, /v1/diff of cpap-osa and its commercial overlay (both as text)
    equals 'diff cpap-osa cpap-osa-commercial --format json': the "overlay" edits section,
    and witnesses with dates shown as the CLI shows them."""
    [expected] = cli_json("diff", "cpap-osa", "cpap-osa-commercial", "--format", "json")
    status, answer = _post_live(f"{live_server.url}/v1/diff",
                                {"old": _text("cpap-osa"), "new": _text("cpap-osa-commercial")})
    assert status == 200
    assert answer["overlay"]["layers"] == ["cpap-osa", "cpap-osa-commercial"]
    assert answer["overlay"]["edits"]
    assert answer["changed"]
    assert _without_paths(answer) == _without_paths(expected)


def test_live_diff_of_a_text_overlay_equals_the_cli_on_its_file(
        live_server: LiveServer, tmp_path: Path) -> None:
    """An overlay of lumbar-mri-commercial sent as text answers what the CLI prints for
    the same overlay written to a file, edits of the text layer included."""
    new = ('id: lumbar-mri-regional\ntitle: Regional\nversion: "1"\n'
           "extends: lumbar-mri-commercial\nremove:\n  rows: [repeat_imaging]\n")
    (tmp_path / "regional.yaml").write_text(new, "utf-8")
    [expected] = cli_json("diff", "lumbar-mri-commercial", str(tmp_path / "regional.yaml"),
                          "--format", "json")
    status, answer = _post_live(f"{live_server.url}/v1/diff",
                                {"old": _text("lumbar-mri-commercial"), "new": new})
    assert status == 200
    assert answer["overlay"]["edits"] == [{"layer": "lumbar-mri-regional", "kind": "removed",
                                           "section": "rows", "ids": ["repeat_imaging"]}]
    assert _without_paths(answer) == _without_paths(expected)


def test_diff_of_a_chain_lists_each_layer_above_the_base(client: TestClient) -> None:
    """An overlay of an overlay shows the edits of both layers above the old table."""
    new = ('id: cpap-osa-regional\ntitle: Regional\nversion: "1"\n'
           "extends: cpap-osa-commercial\notherwise:\n  outcome: refer\n  reason: review\n")
    answer = client.post("/v1/diff", json={"old": _text("cpap-osa"), "new": new}).json()
    overlay = answer["overlay"]
    assert overlay["base"] == "cpap-osa"
    assert overlay["layers"] == ["cpap-osa", "cpap-osa-commercial", "cpap-osa-regional"]
    assert overlay["edits"][-1] == {"layer": "cpap-osa-regional", "kind": "overridden",
                                    "section": "settings", "ids": ["otherwise"]}
    assert {e["layer"] for e in overlay["edits"]} == {"cpap-osa-commercial",
                                                      "cpap-osa-regional"}


def test_diff_above_a_middle_layer_lists_only_the_layers_above_it(client: TestClient) -> None:
    """Diffing the chain against the commercial overlay shows only the regional edits."""
    new = ('id: lumbar-mri-regional\ntitle: Regional\nversion: "1"\n'
           "extends: lumbar-mri-commercial\notherwise:\n  outcome: refer\n  reason: review\n")
    answer = client.post("/v1/diff", json={"old": _text("lumbar-mri-commercial"),
                                           "new": new}).json()
    assert answer["overlay"] == {
        "base": "lumbar-mri-commercial",
        "layers": ["lumbar-mri", "lumbar-mri-commercial", "lumbar-mri-regional"],
        "edits": [{"layer": "lumbar-mri-regional", "kind": "overridden",
                   "section": "settings", "ids": ["otherwise"]}]}


@pytest.mark.parametrize(("old", "new"), [
    ("esi", "esi"),
    ("lumbar-mri-commercial", "lumbar-mri"),
    ("esi", "lumbar-mri-commercial"),
], ids=["same", "base-as-new", "unrelated"])
def test_diff_without_an_overlay_of_old_has_no_overlay_section(
        client: TestClient, old: str, new: str) -> None:
    """No "overlay" key unless new extends old's id, exactly as the CLI prints."""
    old_text = ESI_YAML.read_text("utf-8") if old == "esi" else _text(old)
    new_text = ESI_YAML.read_text("utf-8") if new == "esi" else _text(new)
    answer = client.post("/v1/diff", json={"old": old_text, "new": new_text}).json()
    assert "overlay" not in answer
    [expected] = cli_json("diff", old, new, "--format", "json")
    assert "overlay" not in expected


_READS_A_FILE = """\
id: t
title: T
version: "1"
facts:
  dx:
    type: codes
    system: ICD-10-CM
    question: Diagnoses?
valuesets:
  v:
    system: ICD-10-CM
    file: /etc/passwd
rows:
  - id: r
    when: has(dx, v)
    outcome: approve
    reason: x
otherwise:
  outcome: deny
  reason: y
"""


def test_table_sent_as_text_reads_no_file_on_the_server(client: TestClient) -> None:
    """/v1/validate of a table whose value set names a server file answers 422 located at
    'file:' and shows nothing of the file (no line of it, no code parsed from it)."""
    response = client.post("/v1/validate", content=_READS_A_FILE.encode())
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["message"].startswith(
        "table:12:11 valuesets.v.file: the value set 'v' cannot read the file '/etc/passwd'")
    assert "root" not in response.text
    assert error["line"] == 12
