"""The decision service serves overlay tables from a --policies folder."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from medpolicy.service.app import create_app
from medpolicy.service.settings import Settings
from tests.conftest import ROOT

OVERLAY = ROOT / "tests" / "fixtures" / "overlays" / "esi-commercial.yaml"


@pytest.fixture(scope="module")
def overlay_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The app with the esi overlay in its --policies folder."""
    folder = tmp_path_factory.mktemp("overlays")
    shutil.copy(OVERLAY, folder / OVERLAY.name)
    with TestClient(create_app(Settings(policy_dirs=(folder,), workers=1))) as client:
        yield client


def test_service_lists_and_decides_with_an_overlay(overlay_client: TestClient) -> None:
    """The overlay is listed and its decisions name each reason's layer."""
    listed = overlay_client.get("/v1/policies").json()
    assert "esi-commercial" in [p["id"] for p in listed]
    answer = overlay_client.post("/v1/policies/esi-commercial/decide",
                                 json={"id": "c", "facts": {"cpt": 62321}})
    assert answer.status_code == 200
    body = answer.json()
    assert body["policy"]["layers"] == ["esi", "esi-commercial"]
    assert {r["layer"] for r in body["reasons"]} <= {"esi", "esi-commercial"}


def test_validate_endpoint_accepts_an_overlay_of_a_bundled_table(
    overlay_client: TestClient,
) -> None:
    """POST /v1/validate with an overlay text that extends a bundled id: ok."""
    text = 'id: x\ntitle: X\nversion: "1"\nextends: esi\n'
    answer = overlay_client.post("/v1/validate", content=text)
    assert answer.status_code == 200
    assert answer.json() == {"ok": True}


def test_validate_endpoint_refuses_an_overlay_by_path(overlay_client: TestClient) -> None:
    """A posted overlay may not read files by relative path: 422, located."""
    text = 'id: x\ntitle: X\nversion: "1"\nextends: ../esi.yaml\n'
    answer = overlay_client.post("/v1/validate", content=text)
    assert answer.status_code == 422
    assert "not read from a file" in answer.text
