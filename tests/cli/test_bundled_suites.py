"""The bundled policies' golden suites, run through `medpolicy test` as CI does."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from medpolicy.cli import cli
from medpolicy.solver.check import check_policy
from medpolicy.tables.loader import load_policy
from tests.conftest import ROOT

SUITES = ROOT / "examples" / "suites"
#: Each bundled policy with a golden suite, and the fewest cases that suite may hold.
MINIMUM = {
    "cpap-osa": 30,
    "bariatric-surgery": 30,
    "lumbar-mri": 30,
    "cpap-osa-commercial": 10,
    "bariatric-surgery-commercial": 10,
    "lumbar-mri-commercial": 10,
}
NAMES = sorted(MINIMUM)


def test_every_suite_folder_is_listed() -> None:
    """Each folder under examples/suites belongs to a policy tested here (none forgotten)."""
    assert sorted(path.name for path in SUITES.iterdir() if path.is_dir()) == NAMES


@pytest.mark.parametrize("name", NAMES, ids=NAMES)
def test_bundled_suite_passes(name: str) -> None:
    """`medpolicy test NAME examples/suites/NAME` passes every case, and there are enough."""
    result = CliRunner().invoke(cli, ["test", name, str(SUITES / name)])
    assert result.exit_code == 0, result.output
    summary = re.fullmatch(r"(\d+) passed, 0 failed", result.stdout.strip())
    assert summary is not None, result.stdout
    assert int(summary.group(1)) >= MINIMUM[name]
    assert int(summary.group(1)) == len(list((SUITES / name).glob("*.yaml")))


@pytest.mark.parametrize("name", NAMES, ids=NAMES)
def test_bundled_suite_covers_every_row_and_threshold(name: str) -> None:
    """`test --coverage`: every row decides some case and every threshold is tested on both
    sides."""
    result = CliRunner().invoke(cli, ["test", name, str(SUITES / name), "--coverage",
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    never = json.loads(result.stdout)["coverage"]["never"]
    assert never["decisive"] == [] and never["boundaries"] == [], never


@pytest.mark.parametrize("name", NAMES, ids=NAMES)
def test_bundled_policy_checks_clean(name: str) -> None:
    """`check` finds no error and no warning in the bundled table."""
    report = check_policy(load_policy(name))
    assert report.count("error") == 0 and report.count("warning") == 0
