"""Shared by the service tests: example cases as request bodies, and the CLI's own answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

from medpolicy.cli import cli
from tests.conftest import ROOT, SEED_CASES

DENY_CASE = ROOT / "tests" / "fixtures" / "explain" / "deny-low-relief.yaml"
#: Every example case the service must answer as the CLI does.
EXAMPLE_CASES = [*SEED_CASES, DENY_CASE]
ESI_YAML = ROOT / "medpolicy" / "tables" / "library" / "esi.yaml"

#: A second table, served from a --policies folder in the tests.
KNEE_MRI = """\
id: knee-mri
title: MRI of the knee
version: "2026.2"
sources:
  ACR: ACR Appropriateness Criteria, Acute Trauma to the Knee.
facts:
  weeks_of_pain:
    type: int
    min: 0
    unit: weeks
    question: How many weeks has the knee hurt?
  xray_done:
    type: bool
    question: Was a knee X-ray done first?
  pacemaker:
    type: bool
    default: false
    question: Does the patient have an MRI-unsafe implant?
rows:
  - id: unsafe_implant
    when: pacemaker
    outcome: deny
    reason: An MRI-unsafe implant rules out MRI.
    sources: [ACR]
  - id: too_early
    when: weeks_of_pain < 6 or not xray_done
    outcome: pend
    reason: Six weeks of pain and an X-ray come first.
    sources: [ACR]
otherwise:
  outcome: approve
  reason: The request meets the policy.
  sources: [ACR]
"""


def case_body(path: Path) -> dict[str, Any]:
    """A case file as the JSON object a client would send (its id made explicit)."""
    data = yaml.safe_load(path.read_text("utf-8"))
    assert isinstance(data, dict)
    data.setdefault("id", path.stem)
    return data


def cli_json(*args: str) -> list[Any]:
    """The JSON lines a CLI command prints (exit code 0 or 1)."""
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code in (0, 1), result.stderr
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def cli_text(*args: str) -> str:
    """What a CLI command prints on stdout (exit code 0)."""
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.stderr
    return result.stdout
