"""Golden tests: diff of date tables (a window from 3 to 6 months) in both sections."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from medpolicy import diff_policies, load_policy
from medpolicy.cli import cli
from tests.conftest import ROOT

TABLE = ROOT / "examples" / "language" / "cpap-adherence.yaml"

GOLDEN_3_TO_6 = """\
Verdict changes (2 kinds):

approve -> pend  (complete cases)
  rows: old continue; new too_early
  affected cases (against all cases the old table decides approve):
    cpap_start: 3 to 5 months before the service date (all: 3 to 5 months before the service date or at least 6 months before the service date)
  witness 1 (complete, facts at their default not shown, service date 2026-01-01): old approve (continue), new pend (too_early)
    cpap_start: 2025-10-01, birth_date: 2008-01-01, adherent: true, face_to_face: 2026-01-01

refer -> pend  (complete cases)
  rows: old otherwise; new too_early
  affected cases (against all cases the old table decides refer):
    cpap_start: 3 to 5 months before the service date (all: 3 to 5 months before the service date or at least 6 months before the service date)
  witness 1 (complete, facts at their default not shown, service date 2026-01-01): old refer (otherwise), new pend (too_early)
    cpap_start: 2025-10-01, birth_date: 2009-01-01, adherent: false, face_to_face: 2026-01-02

Structure:
  criteria changed: trial_over: when: months_since(cpap_start) >= 3 -> months_since(cpap_start) >= 6
  thresholds changed: months_since(cpap_start): months_since(cpap_start) >= 3 -> months_since(cpap_start) >= 6
"""  # noqa: E501


def _six_months(tmp_path: Path) -> Path:
    new = tmp_path / "six.yaml"
    text = TABLE.read_text(encoding="utf-8")
    assert text.count("months_since(cpap_start) >= 3") == 1
    new.write_text(text.replace("months_since(cpap_start) >= 3", "months_since(cpap_start) >= 6"),
                   encoding="utf-8")
    return new


def test_cli_diff_of_3_to_6_months_is_golden(tmp_path: Path) -> None:
    """The 3 -> 6 month revision: dated witnesses with the service date, and the window's
    threshold change named months_since(cpap_start) in the structural section."""
    new = _six_months(tmp_path)
    result = CliRunner().invoke(cli, ["diff", str(TABLE), str(new)])
    assert result.exit_code == 0
    heading, body = result.stdout.split("\n\n", 1)
    assert heading.startswith("diff cpap-adherence 1 (")
    assert body == GOLDEN_3_TO_6


def test_structural_json_names_the_window_function(tmp_path: Path) -> None:
    """In JSON the threshold change is keyed by months_since(cpap_start), as int facts are."""
    diff = diff_policies(load_policy(TABLE), load_policy(_six_months(tmp_path)))
    thresholds = diff.structure.thresholds.to_dict()
    assert thresholds["changed"] == {"months_since(cpap_start)": [
        "months_since(cpap_start) >= 3 -> months_since(cpap_start) >= 6"]}
    json.dumps(thresholds)
