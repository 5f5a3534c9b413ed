"""The command line: validate, list, schema and --version, with exit codes and messages."""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path

import pytest
from click.testing import CliRunner

from medpolicy.cli import cli
from tests.conftest import ROOT

BAD = ROOT / "tests" / "fixtures" / "bad"
SEEDS = sorted((ROOT / "examples" / "cases").glob("*.yaml"))
BUNDLED = ("bariatric-surgery, bariatric-surgery-commercial, cpap-osa, cpap-osa-commercial, esi, "
           "lumbar-mri, lumbar-mri-commercial")


@pytest.fixture
def runner() -> CliRunner:
    """A click runner that keeps stdout and stderr apart."""
    return CliRunner()


def test_validate_esi_with_the_seed_cases(runner: CliRunner) -> None:
    """The bundled policy and the four seed cases are valid: exit 0, one ok line each."""
    result = runner.invoke(cli, ["validate", "esi", *map(str, SEEDS)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1 + len(SEEDS) == 5
    assert lines[0].startswith("ok ") and "policy esi 2026.1" in lines[0]
    assert "30 facts, 11 criteria, 18 rows" in lines[0]
    for line, seed in zip(lines[1:], SEEDS, strict=True):
        assert line.startswith(f"ok {seed}: case {seed.stem}")
    assert result.stderr == ""


def test_validate_a_policy_file(runner: CliRunner, tmp_path: Path) -> None:
    """A policy given as a path validates like a bundled one."""
    path = tmp_path / "tiny.yaml"
    path.write_text(
        "id: tiny\ntitle: Tiny\nversion: '1'\nfacts:\n  ok: {type: bool}\n"
        "rows:\n  - id: r\n    when: not ok\n    outcome: deny\n    reason: R.\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0
    assert result.stdout == f"ok {path}: policy tiny 1 (1 facts, 0 criteria, 1 rows)\n"


@pytest.mark.parametrize(
    ("fixture", "where", "words"),
    [
        ("malformed.yaml", ":19:19", "unexpected ':'"),
        ("tab-indented.yaml", ":8:1", "tabs are not allowed for indentation; use spaces"),
        ("duplicate-key.yaml", ":7:1", "duplicate key 'title'"),
        ("empty.yaml", ":1:1", "the file is empty"),
        ("not-utf8.yaml", ":3:11", "not valid UTF-8"),
        ("unknown-top-level-key.yaml", ":21:1 hit_polcy", "did you mean 'hit_policy'?"),
        ("row-unknown-fact.yaml", ":18:18 rows[0].when", "'conservitive_care_weeks'"),
        ("int-compared-with-text.yaml", ":17:20 rows[0].when", "got 'two'"),
        ("enum-value-not-listed.yaml", ":17:23 rows[0].when", "'fluoroscopic'"),
        ("criterion-cycle.yaml", ":16:18 criteria.a.when", "a -> b -> a"),
    ],
    ids=[
        "malformed",
        "tabs",
        "duplicate-key",
        "empty",
        "not-utf8",
        "unknown-key",
        "unknown-fact",
        "int-vs-text",
        "enum-value",
        "cycle",
    ],
)
def test_validate_bad_policy(runner: CliRunner, fixture: str, where: str, words: str) -> None:
    """A bad table exits 2 with 'error: file:line:column field: message' and no traceback."""
    path = BAD / fixture
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: {path}{where}")
    assert words in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("fixture", "where", "words"),
    [
        ("case-unknown-fact.yaml", ":5:3 facts.conservitive_care_weeks", "did you mean"),
        ("case-int-as-text.yaml", ":4:11 facts.levels", "expected a whole number"),
        ("case-yes-for-bool.yaml", ":3:17 facts.active_rehab", "expected true or false"),
        ("case-out-of-range.yaml", ":3:25 facts.prior_relief_percent", "got 120"),
        ("case-wrong-type.json", ":5:13 facts.levels", "got 'one'"),
    ],
    ids=["unknown-fact", "int-as-text", "yes-for-bool", "out-of-range", "json"],
)
def test_validate_bad_case(runner: CliRunner, fixture: str, where: str, words: str) -> None:
    """A bad case exits 2 after the ok lines of the valid files, naming file, line and field."""
    path = BAD / fixture
    result = runner.invoke(cli, ["validate", "esi", str(SEEDS[0]), str(path)])
    assert result.exit_code == 2
    assert [line.split(":")[0] for line in result.stdout.splitlines()][1:] == [f"ok {SEEDS[0]}"]
    assert result.stderr.startswith(f"error: {path}{where}")
    assert words in result.stderr


def test_validate_reports_every_problem_on_its_own_line(runner: CliRunner) -> None:
    """Several problems give several 'error:' lines."""
    result = runner.invoke(cli, ["validate", str(BAD / "many-problems.yaml")])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 4
    assert all(line.startswith("error: ") for line in lines)


def test_validate_unknown_policy(runner: CliRunner) -> None:
    """Neither a file nor a bundled name: exit 2 and the bundled names."""
    result = runner.invoke(cli, ["validate", "no-such-policy"])
    assert result.exit_code == 2
    assert result.stderr == (
        "error: no-such-policy: no such file or bundled policy 'no-such-policy' (bundled: "
        f"{BUNDLED})\n"
    )


def test_validate_missing_case_file(runner: CliRunner, tmp_path: Path) -> None:
    """A case path that does not exist: exit 2 naming it."""
    missing = tmp_path / "nowhere.yaml"
    result = runner.invoke(cli, ["validate", "esi", str(missing)])
    assert result.exit_code == 2
    assert result.stderr == f"error: {missing}: no such file\n"


def test_validate_needs_a_policy(runner: CliRunner) -> None:
    """A usage error exits 2."""
    result = runner.invoke(cli, ["validate"])
    assert result.exit_code == 2
    assert "Missing argument 'POLICY'" in result.stderr


def test_list(runner: CliRunner) -> None:
    """list shows each bundled policy's name, title and version: the four policies and the
    overlays of three of them."""
    result = runner.invoke(cli, ["list"])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "bariatric-surgery             Bariatric surgery for co-morbid conditions related to "
        "morbid obesity  (2026.1)",
        "bariatric-surgery-commercial  Bariatric surgery (commercial, ASMBS/IFSO 2022 "
        "indications)  (2026.1-c1)  [overlay of bariatric-surgery]",
        "cpap-osa                      CPAP for obstructive sleep apnea  (2026.1)",
        "cpap-osa-commercial           CPAP for obstructive sleep apnea (commercial variant)  "
        "(2026.1-c1)  [overlay of cpap-osa]",
        "esi                           Epidural steroid injections for pain management  (2026.1)",
        "lumbar-mri                    MRI of the lumbar spine for low back pain  (2026.1)",
        "lumbar-mri-commercial         MRI of the lumbar spine for low back pain (payer "
        "variant)  (2026.1-c1)  [overlay of lumbar-mri]",
    ]


def test_schema(runner: CliRunner) -> None:
    """schema prints the JSON Schema."""
    result = runner.invoke(cli, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "facts" in schema["properties"]


def test_version(runner: CliRunner) -> None:
    """--version names the medpolicy and clingo versions."""
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"medpolicy {version('medpolicy')} (clingo {version('clingo')})\n"
