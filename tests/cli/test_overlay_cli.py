"""Overlays through the CLI: show --resolved, diff BASE OVERLAY, and every command family."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from medpolicy import load_policy
from medpolicy.cli import cli
from medpolicy.tables import loader
from medpolicy.tables.loader import policy_from_text
from tests.conftest import ROOT, SEED_CASES

FIXTURES = ROOT / "tests" / "fixtures" / "overlays"
OVERLAY = FIXTURES / "esi-commercial.yaml"
LIBRARY_ESI = ROOT / "medpolicy" / "tables" / "library" / "esi.yaml"


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_show_prints_the_table_as_written() -> None:
    """show without --resolved prints the file's text unchanged."""
    code, out, _ = _run("show", str(OVERLAY))
    assert code == 0
    assert out == OVERLAY.read_text(encoding="utf-8")


def test_show_bundled_name_prints_the_bundled_file() -> None:
    """show esi prints the bundled table's text."""
    code, out, _ = _run("show", "esi")
    assert code == 0
    assert out == LIBRARY_ESI.read_text(encoding="utf-8")


def test_show_resolved_matches_golden() -> None:
    """show --resolved of the esi overlay is the golden flattened table."""
    code, out, _ = _run("show", "--resolved", str(OVERLAY))
    assert code == 0
    assert out == (FIXTURES / "esi-commercial.resolved.yaml").read_text(encoding="utf-8")


def test_show_resolved_round_trips_to_an_equal_policy() -> None:
    """The flattened YAML loads back to a policy equal to the overlay (path and hash aside)."""
    _, out, _ = _run("show", "--resolved", str(OVERLAY))
    flat = policy_from_text(out)
    overlay = load_policy(OVERLAY)
    assert "extends" not in out
    assert replace(flat, path="", sha256="") == replace(overlay, path="", sha256="")


def test_show_resolved_of_a_plain_table_round_trips() -> None:
    """show --resolved of a table without extends loads back to an equal policy."""
    _, out, _ = _run("show", "--resolved", "esi")
    esi = load_policy("esi")
    assert replace(policy_from_text(out), path="", sha256="") == replace(esi, path="",
                                                                          sha256="")


def test_show_resolved_of_a_broken_overlay_exits_2(tmp_path: Path) -> None:
    """A broken overlay: one located line per problem, exit 2, no traceback."""
    bad = tmp_path / "bad.yaml"
    bad.write_text('id: b\ntitle: B\nversion: "1"\nextends: esi\nremove:\n  rows: [nope]\n',
                   encoding="utf-8")
    code, out, err = _run("show", "--resolved", str(bad))
    assert code == 2
    assert out == ""
    assert err == (f"error: {bad}:6:10 remove.rows[0]: cannot remove row 'nope': the base has "
                   "no such row (expected an id under 'rows' of the table it extends)\n")


def test_diff_base_overlay_matches_golden(monkeypatch: pytest.MonkeyPatch) -> None:
    """diff esi OVERLAY: verdict changes, structure, then the overlay's own edits (golden)."""
    monkeypatch.chdir(FIXTURES)
    code, out, _ = _run("diff", "esi", "esi-commercial.yaml")
    assert code == 0
    out = out.replace(str(LIBRARY_ESI), "<library>/esi.yaml")
    assert out == (FIXTURES / "esi-commercial.diff.txt").read_text(encoding="utf-8")


def test_diff_json_carries_the_overlay_edits() -> None:
    """diff --format json adds an 'overlay' object listing each layer's edits."""
    code, out, _ = _run("diff", "esi", str(OVERLAY), "--format", "json")
    assert code == 0
    overlay = json.loads(out)["overlay"]
    assert overlay["layers"] == ["esi", "esi-commercial"]
    edits = {(e["kind"], e["section"]): e["ids"] for e in overlay["edits"]}
    assert edits == {
        ("replaced", "criteria"): ["conservative_care_tried"],
        ("added", "sources"): ["PLAN-2026"],
        ("replaced", "rows"): ["conservative_care"],
        ("added", "rows"): ["frequency_3_months"],
        ("removed", "rows"): ["active_rehab"],
    }


def test_diff_markdown_has_an_overlay_section() -> None:
    """diff --format markdown ends with an 'Overlay edits' section."""
    code, out, _ = _run("diff", "esi", str(OVERLAY), "--format", "markdown")
    assert code == 0
    assert "### Overlay edits" in out
    assert "- esi-commercial: rows removed: active\\_rehab" in out


def test_diff_of_unrelated_tables_has_no_overlay_section() -> None:
    """diff of a table with itself says nothing about overlays."""
    code, out, _ = _run("diff", "esi", "esi")
    assert code == 0
    assert "Overlay edits" not in out


def test_diff_of_an_identical_overlay_reports_no_semantic_change(tmp_path: Path) -> None:
    """An overlay that only extends: no semantic change, and 'no edits'."""
    same = tmp_path / "same.yaml"
    same.write_text('id: same\ntitle: Same\nversion: "1"\nextends: esi\n', encoding="utf-8")
    code, out, _ = _run("diff", "esi", str(same))
    assert code == 0
    assert "No semantic change" in out
    assert out.endswith("Overlay edits:\n  layers: esi -> same\n  no edits\n")


def test_decide_json_names_each_reason_layer() -> None:
    """decide --format json on the overlay: policy.layers and a layer per reason."""
    code, out, _ = _run("decide", str(OVERLAY), str(SEED_CASES[1]), "--format", "json")
    assert code == 0
    decision = json.loads(out)
    assert decision["policy"]["layers"] == ["esi", "esi-commercial"]
    layers = {r["row"]: r["layer"] for r in decision["reasons"]}
    assert layers["conservative_care"] == "esi-commercial"
    assert layers["imaging"] == "esi"


def test_decide_text_names_layers() -> None:
    """decide text on the overlay shows the layers and each reason's layer."""
    code, out, _ = _run("decide", str(OVERLAY), str(SEED_CASES[1]))
    assert code == 0
    assert "Layers: esi -> esi-commercial" in out
    assert "(layer esi-commercial)" in out


def test_check_accepts_an_overlay() -> None:
    """check runs on an overlay table path (exit 0 or 1, never 2)."""
    code, out, err = _run("check", str(OVERLAY), "--format", "json")
    assert code in (0, 1), err
    assert json.loads(out)


def test_test_runs_base_cases_against_an_overlay() -> None:
    """test runs the esi seed cases (policy: esi) against its overlay."""
    code, out, err = _run("test", str(OVERLAY), *map(str, SEED_CASES), "--format", "json")
    assert code in (0, 1), err
    assert json.loads(out)


def test_explain_json_row_nodes_carry_their_layer(tmp_path: Path) -> None:
    """explain --format json on the overlay: row nodes have a layer."""
    code, out, err = _run("explain", str(OVERLAY), str(SEED_CASES[1]), "--format", "json")
    assert code == 0, err
    rows = [n for n in json.loads(out)["nodes"] if n.get("kind") == "row"]
    assert rows and all(n["layer"] in ("esi", "esi-commercial") for n in rows)


def test_batch_decides_with_an_overlay(tmp_path: Path) -> None:
    """batch on an overlay table: one record per case, reasons with layers."""
    cases = tmp_path / "cases.jsonl"
    cases.write_text('{"id": "a", "facts": {"cpt": 62321}}\n', encoding="utf-8")
    out_path = tmp_path / "out.jsonl"
    code, _, err = _run("batch", str(OVERLAY), str(cases), "-o", str(out_path))
    assert code == 0, err
    record = json.loads(out_path.read_text(encoding="utf-8").splitlines()[0])
    assert record["policy"]["layers"] == ["esi", "esi-commercial"]


def test_fhir_questionnaire_of_an_overlay() -> None:
    """fhir questionnaire on an overlay: one item per fact of the flattened table."""
    code, out, err = _run("fhir", "questionnaire", str(OVERLAY))
    assert code == 0, err
    items = json.loads(out)["item"]
    assert len(items) == len(load_policy(OVERLAY).facts)


def test_list_shows_bundled_overlays_with_their_base(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """list names each bundled table; an overlay says which table it extends."""
    shutil.copy(LIBRARY_ESI, tmp_path / "esi.yaml")
    shutil.copy(OVERLAY, tmp_path / "esi-commercial.yaml")
    (tmp_path / "esi-local.yaml").write_text(
        'id: esi-local\ntitle: Local\nversion: "1"\nextends: esi-commercial.yaml\n',
        encoding="utf-8")
    monkeypatch.setattr(loader, "_library", lambda: tmp_path)
    code, out, err = _run("list")
    assert code == 0, err
    assert out.splitlines() == [
        "esi             Epidural steroid injections for pain management  (2026.1)",
        "esi-commercial  Epidural steroid injections (commercial variant)  (2026.1-c1)"
        "  [overlay of esi]",
        "esi-local       Local  (1)  [overlay of esi-commercial]",
    ]
