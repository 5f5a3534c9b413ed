"""``medpolicy check``: exit codes, text grouped by severity, JSON, witnesses, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from medpolicy.cli import cli
from medpolicy.errors import SolverError
from tests.conftest import ROOT

BROKEN = ROOT / "examples" / "broken"


@pytest.fixture
def runner() -> CliRunner:
    """A click runner that keeps stdout and stderr apart."""
    return CliRunner()


def test_esi_passes(runner: CliRunner) -> None:
    """The bundled policy has no findings: exit 0, even with --strict."""
    result = runner.invoke(cli, ["check", "esi", "--strict"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].startswith("check esi 2026.1 (")
    assert result.stdout.rstrip().endswith("no findings")
    assert result.stderr == ""


def test_verdict_is_printed_once(runner: CliRunner) -> None:
    """`check esi` prints one line; a report with findings states its summary only at the end."""
    clean = runner.invoke(cli, ["check", "esi"])
    assert clean.stdout.count("no findings") == 1
    assert len(clean.stdout.splitlines()) == 1
    broken = runner.invoke(cli, ["check", str(BROKEN / "dead_row.yaml")])
    assert broken.stdout.count("1 error, 0 warnings, 0 info") == 1


def test_errors_exit_1_with_file_and_line(runner: CliRunner) -> None:
    """An error finding exits 1; the text names the kind, file:line:column and the row."""
    result = runner.invoke(cli, ["check", str(BROKEN / "dead_row.yaml")])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert "Errors (1)" in lines
    assert f"error[dead_row]  {BROKEN / 'dead_row.yaml'}:23:5" in lines
    assert "row 'care_window' (deny, line 23) can never match" in " ".join(result.stdout.split())
    assert lines[-1] == "1 error, 0 warnings, 0 info"


def test_warnings_exit_0_unless_strict(runner: CliRunner) -> None:
    """Warnings alone exit 0; with --strict they exit 1."""
    path = str(BROKEN / "redundant_row.yaml")
    relaxed = runner.invoke(cli, ["check", path])
    strict = runner.invoke(cli, ["check", path, "--strict"])
    assert relaxed.exit_code == 0
    assert strict.exit_code == 1
    assert relaxed.stdout == strict.stdout
    assert "Warnings (1)" in relaxed.stdout and "Errors" not in relaxed.stdout


def test_text_groups_by_severity_errors_first(runner: CliRunner, tmp_path: Path) -> None:
    """Errors come before warnings, warnings before info."""
    table = yaml.safe_load((BROKEN / "redundant_row.yaml").read_text())
    table["rows"].append({"id": "never", "when": "symptom_weeks < 0", "outcome": "pend",
                          "reason": "Never."})
    table["rows"].append({"id": "sometimes", "when": "radicular_pain", "outcome": "approve",
                          "reason": "Radicular pain."})
    table["hit_policy"] = "first"
    path = tmp_path / "mixed.yaml"
    path.write_text(yaml.safe_dump(table, sort_keys=False))
    result = runner.invoke(cli, ["check", str(path), "--severity", "info"])
    assert result.exit_code == 1
    text = result.stdout
    assert text.index("Errors (") < text.index("Warnings (") < text.index("Info (")
    assert "error[dead_row]" in text and "info[conflict]" in text


def test_severity_hides_lesser_findings_but_not_from_the_summary(
    runner: CliRunner, tmp_path: Path
) -> None:
    """--severity warning hides info findings; the summary and exit code still count them."""
    table = yaml.safe_load((BROKEN / "shadowed_row.yaml").read_text())
    table["rows"].append({"id": "relief", "when": "radicular_pain", "outcome": "approve",
                          "reason": "Radicular pain."})
    path = tmp_path / "with-conflicts.yaml"
    path.write_text(yaml.safe_dump(table, sort_keys=False))
    everything = runner.invoke(cli, ["check", str(path), "--severity", "info"])
    shown = runner.invoke(cli, ["check", str(path), "--severity", "warning"])
    as_json = runner.invoke(cli, ["check", str(path), "--severity", "warning", "--format", "json"])
    assert everything.exit_code == shown.exit_code == as_json.exit_code == 0
    assert "Info (" in everything.stdout and "Info (" not in shown.stdout
    assert "Warnings (2)" in shown.stdout
    assert shown.stdout.splitlines()[-1] == everything.stdout.splitlines()[-1]
    report = json.loads(as_json.stdout)
    assert report["summary"]["info"] >= 1
    assert {f["severity"] for f in report["findings"]} == {"warning"}


def test_witnesses_are_printed_as_yaml_case_files(runner: CliRunner, tmp_path: Path) -> None:
    """Each witness is a YAML case file under the finding; decide accepts it as it is."""
    result = runner.invoke(cli, ["check", str(BROKEN / "conflict.yaml")])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    start = lines.index("    witness:") + 1
    block = []
    for line in lines[start:]:
        if not line.startswith("      "):
            break
        block.append(line[6:])
    case = yaml.safe_load("\n".join(block))
    assert case["id"] == "conflict-routine_course-review_course-1"
    assert case["facts"] == {"visits_requested": 10, "post_surgical": False}
    path = tmp_path / "witness.yaml"
    path.write_text("\n".join(block) + "\n")
    decided = runner.invoke(cli, ["decide", str(BROKEN / "conflict.yaml"), str(path),
                                  "--format", "json"])
    assert decided.exit_code == 0, decided.output
    decision = json.loads(decided.stdout)
    assert decision["verdict"] == case["expect"]["verdict"] == "pend"
    assert [r["row"] for r in decision["reasons"]] == case["expect"]["rows"]


def test_json_report(runner: CliRunner) -> None:
    """--format json: one object with the policy, a summary and every finding."""
    result = runner.invoke(cli, ["check", str(BROKEN / "shadowed_row.yaml"), "--format",
                                 "json", "--witnesses", "2"])
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["policy"]["id"] == "broken-shadowed-row"
    assert report["summary"] == {"errors": 0, "warnings": 1, "info": 0}
    (finding,) = report["findings"]
    assert finding["kind"] == "shadowed_row" and finding["severity"] == "warning"
    assert finding["rows"] == ["very_old_imaging"]
    assert finding["locations"][0]["line"] == 22
    assert len(finding["witnesses"]) == 2
    facts = [w["facts"] for w in finding["witnesses"]]
    assert facts[0] != facts[1]
    assert all(f["imaging_age_months"] > 36 for f in facts)
    assert set(report["engine"]) == {"medpolicy", "clingo"}


def test_structural_problems_are_findings(runner: CliRunner) -> None:
    """A table that fails validation is reported as error findings (exit 1), not bad input."""
    result = runner.invoke(cli, ["check", str(BROKEN / "cycle.yaml")])
    assert result.exit_code == 1
    assert "error[cycle]" in result.stdout
    words = " ".join(result.stdout.split())
    assert "the criteria form a cycle: imaging_supports -> imaging_discordant" in words


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        (["no-such-table"], "no such file or bundled policy 'no-such-table'"),
        (["esi", "--witnesses", "0"], "Invalid value for '--witnesses'"),
        (["esi", "--format", "xml"], "Invalid value for '--format'"),
    ],
    ids=["missing-table", "zero-witnesses", "bad-format"],
)
def test_bad_input_exits_2(runner: CliRunner, arguments: list[str], words: str) -> None:
    """Bad input or usage exits 2 with a message and no traceback."""
    result = runner.invoke(cli, ["check", *arguments])
    assert result.exit_code == 2
    assert words in result.stderr
    assert "Traceback" not in result.output


def test_unreadable_yaml_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    """A file that is not YAML is bad input (exit 2), with its file and line."""
    path = tmp_path / "broken.yaml"
    path.write_text("id: x\nrows: [\n")
    result = runner.invoke(cli, ["check", str(path)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {path}:")


def test_solver_time_limit_is_reported(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    """A solve that runs out of time stops the check with its message (exit 2)."""

    def too_slow(*_args: object, **_kwargs: object) -> None:
        raise SolverError("checking the table took longer than its time limit of 1 s")

    monkeypatch.setattr("medpolicy.cli.check.check_table", too_slow)
    result = runner.invoke(cli, ["check", "esi", "--time-limit", "1"])
    assert result.exit_code == 2
    assert result.stderr == "error: checking the table took longer than its time limit of 1 s\n"
