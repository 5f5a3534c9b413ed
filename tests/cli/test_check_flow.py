"""``medpolicy check`` in the analyst's workflow: what matters first, accepted findings,
SARIF for code scanning, several tables at once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from medpolicy.cli import cli
from medpolicy.solver.check.findings import KINDS
from medpolicy.tables.validate_accept import ACCEPTABLE_KINDS
from tests.conftest import ROOT

BROKEN = ROOT / "examples" / "broken"
BAD = ROOT / "tests" / "fixtures" / "bad"
TABLES = ROOT / "tests" / "solver" / "check" / "tables"
SLIP = TABLES / "cpap_band_slip.yaml"
SARIF_SCHEMA = ROOT / "tests" / "fixtures" / "sarif" / "sarif-schema-2.1.0.json"
STRUCTURAL = ("cycle", "unknown_reference", "type_error", "syntax_error", "invalid")

ACCEPT_ALL = """check:
  accept:
    - kind: band-island
      fact: ahi_rdi_x10
      reason: "reviewed: 14.1-14.9 is rounded up by the lab"
    - kind: conflict
      rows: [mild_without_symptoms, osa_confirmed]
      reason: priority resolves it as declared
    - kind: conflict
      rows: [short_recording, osa_confirmed]
      reason: priority resolves it as declared
"""


@pytest.fixture
def runner() -> CliRunner:
    """A click runner that keeps stdout and stderr apart."""
    return CliRunner()


def _accepted_table(tmp_path: Path, source: Path = SLIP, accept: str = ACCEPT_ALL) -> Path:
    path = tmp_path / source.name
    path.write_text(source.read_text(encoding="utf-8") + accept, encoding="utf-8")
    return path


def test_info_is_one_line_by_default(runner: CliRunner) -> None:
    """Text shows errors and warnings; info findings are one line with counts by kind and
    how to show them."""
    result = runner.invoke(cli, ["check", str(SLIP)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "Warnings (1)" in lines and "Info (2)" not in lines
    assert "Not shown (info: 2 conflict): show them with --severity info" in lines
    assert "info[conflict]" not in result.stdout
    assert lines[-1] == "0 errors, 1 warning, 2 info"
    shown = runner.invoke(cli, ["check", str(SLIP), "--severity", "info"])
    assert "Info (2)" in shown.stdout.splitlines() and "Not shown" not in shown.stdout


def test_findings_about_one_row_are_grouped(runner: CliRunner, tmp_path: Path) -> None:
    """Findings of one kind about the same row come under one heading with their count."""
    path = tmp_path / "grouped.yaml"
    path.write_text(
        "id: grouped\ntitle: Grouped\nversion: '1'\nhit_policy: unique\nfacts:\n"
        "  weeks: {type: int, min: 0}\nrows:\n"
        "  - {id: any, when: weeks >= 0, outcome: pend, reason: Any.}\n"
        "  - {id: long, when: weeks >= 6, outcome: approve, reason: Long.}\n"
        "  - {id: short, when: weeks < 2, outcome: deny, reason: Short.}\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["check", str(path)])
    assert result.exit_code == 1
    assert "error[conflict] x2 about row 'any':" in result.stdout.splitlines()
    assert result.stdout.count("error[conflict]  ") == 2


def test_json_keeps_everything(runner: CliRunner) -> None:
    """JSON lists every finding by default; those text hides are marked hidden_by_default."""
    report = json.loads(runner.invoke(cli, ["check", str(SLIP), "--format", "json"]).stdout)
    kinds = [(f["kind"], f.get("hidden_by_default", False)) for f in report["findings"]]
    assert kinds == [("band-island", False), ("conflict", True), ("conflict", True)]
    assert report["summary"] == {"errors": 0, "warnings": 1, "info": 2}


def test_accepted_findings_do_not_count(runner: CliRunner, tmp_path: Path) -> None:
    """Accepted findings are shown as accepted with their reason and do not count toward
    the summary or the exit status, even with --strict."""
    path = _accepted_table(tmp_path)
    result = runner.invoke(cli, ["check", str(path), "--strict"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "Accepted (3)" in lines
    assert (f"accepted[band-island]  {path}:28:3  reviewed: 14.1-14.9 is rounded up by the lab"
            in lines)
    assert lines[-1] == "0 errors, 0 warnings, 0 info, 3 accepted"
    report = json.loads(runner.invoke(cli, ["check", str(path), "--format", "json"]).stdout)
    assert report["summary"] == {"errors": 0, "warnings": 0, "info": 0, "accepted": 3}
    assert report["findings"][0]["accepted"] == {
        "reason": "reviewed: 14.1-14.9 is rounded up by the lab"}


def test_stale_acceptance_is_a_warning(runner: CliRunner, tmp_path: Path) -> None:
    """An acceptance that matches no finding (the corrected table has no island) warns."""
    path = _accepted_table(tmp_path, TABLES / "cpap_band_fixed.yaml", ACCEPT_ALL)
    result = runner.invoke(cli, ["check", str(path), "--format", "json"])
    report = json.loads(result.stdout)
    stale = [f for f in report["findings"] if f["kind"] == "stale_acceptance"]
    assert [(f["severity"], f["facts"]) for f in stale] == [("warning", ["ahi_rdi_x10"])]
    assert stale[0]["locations"][0]["line"] == 52  # the entry, after the 49 lines of the table
    assert runner.invoke(cli, ["check", str(path), "--strict"]).exit_code == 1


@pytest.mark.parametrize(
    ("name", "where", "words"),
    [
        ("accept-unknown-kind.yaml", "22:13 check.accept[0].kind",
         "unknown kind 'conflicts'"),
        ("accept-unknown-row.yaml", "23:22 check.accept[0].rows[1]", "unknown row 'longg'"),
        ("accept-unknown-criterion.yaml", "23:18 check.accept[0].criteria[0]",
         "unknown criterion 'long_courses'"),
        ("accept-without-reason.yaml", "22:7 check.accept[0].reason",
         "missing required key 'reason'"),
    ],
    ids=["unknown-kind", "unknown-row", "unknown-criterion", "without-reason"],
)
def test_bad_acceptance_is_bad_input(runner: CliRunner, name: str, where: str,
                                     words: str) -> None:
    """A bad check.accept entry is one located error line on stderr, exit 2."""
    result = runner.invoke(cli, ["check", str(BAD / name)])
    assert result.exit_code == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: {BAD / name}:{where}: {words}")


def test_acceptable_kinds_are_the_semantic_kinds() -> None:
    """A table can accept every kind of finding a valid table yields, and no other."""
    semantic = set(KINDS) - set(STRUCTURAL) - {"stale_acceptance"}
    assert set(ACCEPTABLE_KINDS) == semantic


def _sarif_validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())


SARIF_TABLES = [SLIP, BROKEN / "conflict.yaml", BROKEN / "gap.yaml", BROKEN / "cycle.yaml",
                BROKEN / "unused_fact.yaml", TABLES / "cpap_band_fixed.yaml"]


def test_sarif_validates_and_lines_equal_json(runner: CliRunner, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """SARIF of several tables (one run) validates against the official 2.1.0 schema, and
    each result's location and related locations equal the JSON finding's."""
    monkeypatch.chdir(ROOT)
    paths = [str(p.relative_to(ROOT)) for p in SARIF_TABLES]
    sarif = json.loads(runner.invoke(cli, ["check", *paths, "--format", "sarif"]).stdout)
    _sarif_validator().validate(sarif)
    (run,) = sarif["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "medpolicy" and driver["version"]
    assert driver["informationUri"].startswith("https://")
    assert [rule["id"] for rule in driver["rules"]] == list(KINDS)
    expected: list[tuple[Any, ...]] = []
    for path in paths:
        report = json.loads(runner.invoke(cli, ["check", path, "--format", "json"]).stdout)
        for finding in report["findings"]:
            level = {"error": "error", "warning": "warning", "info": "note"}[finding["severity"]]
            spots = [(path, loc["line"], loc["column"]) for loc in finding["locations"]]
            expected.append((finding["kind"], level, spots))
    found = []
    for result in run["results"]:
        places = [result["locations"][0], *result.get("relatedLocations", [])]
        spots = [(p["physicalLocation"]["artifactLocation"]["uri"],
                  p["physicalLocation"].get("region", {}).get("startLine"),
                  p["physicalLocation"].get("region", {}).get("startColumn")) for p in places]
        found.append((result["ruleId"], result["level"], spots))
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
    assert found == expected


def test_sarif_witnesses_and_suppressions(runner: CliRunner, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Witness cases are under a result's properties; an accepted finding carries a
    suppression with the table's reason; the URI is relative to the current directory."""
    path = _accepted_table(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["check", path.name, "--format", "sarif"])
    assert result.exit_code == 0
    sarif = json.loads(result.stdout)
    _sarif_validator().validate(sarif)
    island = sarif["runs"][0]["results"][0]
    assert island["ruleId"] == "band-island" and island["level"] == "warning"
    location = island["locations"][0]["physicalLocation"]
    assert location == {"artifactLocation": {"uri": "cpap_band_slip.yaml"},
                        "region": {"startLine": 28, "startColumn": 3}}
    witnesses = island["properties"]["witnesses"]
    assert [w["facts"]["ahi_rdi_x10"] for w in witnesses] == [140, 141, 150]
    assert island["suppressions"] == [{"kind": "inSource", "status": "accepted",
                                       "justification": "reviewed: 14.1-14.9 is rounded up "
                                                        "by the lab"}]


def test_several_tables_exit_with_the_worst(runner: CliRunner) -> None:
    """Several tables are checked in one call; any error among them exits 1."""
    result = runner.invoke(cli, ["check", "esi", str(BROKEN / "dead_row.yaml")])
    assert result.exit_code == 1
    assert result.stdout.count("\ncheck ") + result.stdout.startswith("check ") == 2
    as_json = runner.invoke(cli, ["check", "esi", str(BROKEN / "dead_row.yaml"), "--format",
                                  "json"])
    assert as_json.exit_code == 1
    reports = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert [r["policy"]["id"] for r in reports] == ["esi", "broken-dead-row"]
    assert [r["summary"]["errors"] for r in reports] == [0, 1]


def test_incomplete_lint_is_said_in_every_format() -> None:
    """A lint that ran out of time says what it left unchecked: a text line, a JSON key, and
    a SARIF tool notification (the log still validates)."""
    import dataclasses

    from medpolicy import load_policy
    from medpolicy.logic.compiler import CompiledTable
    from medpolicy.solver.check import check_table, render_text
    from medpolicy.solver.check.islands import IslandFinder
    from medpolicy.solver.check.rowindex import RowIndex
    from medpolicy.solver.check.sarif import to_sarif

    finder = IslandFinder(RowIndex(CompiledTable(load_policy(SLIP))), 30.0)
    assert finder.incomplete() == ""
    finder.unsettled = [(0, 2)]
    note = finder.incomplete()
    assert note == ("band-island: 1 of 1 candidate bands were not settled within the time "
                    "limit of 30 s and are not reported (ahi_rdi_x10 141..149); raise "
                    "--time-limit to settle them")
    report = dataclasses.replace(check_table(SLIP), incomplete=(note,))
    assert f"Incomplete: {note}" in render_text(report).splitlines()
    assert report.to_dict()["incomplete"] == [note]
    sarif = to_sarif([report])
    _sarif_validator().validate(sarif)
    (invocation,) = sarif["runs"][0]["invocations"]
    assert invocation["toolExecutionNotifications"][0]["message"]["text"] == note
