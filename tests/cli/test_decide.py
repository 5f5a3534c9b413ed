"""medpolicy decide through the CLI: formats, exit codes, and nothing half-written."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from medpolicy.cli import cli
from tests.conftest import SEED_CASES


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_json_prints_one_line_per_seed_case_matching_expect() -> None:
    """decide esi examples/cases/*.yaml --format json: four lines, each as expected."""
    code, out, _ = _run("decide", "esi", *map(str, SEED_CASES), "--format", "json")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 4
    verdicts = {json.loads(line)["case"]: json.loads(line)["verdict"] for line in lines}
    assert verdicts == {
        "seed-000-cervical-repeat": "approve",
        "seed-001-cervical-request-only": "pend",
        "seed-002-cervical-c7-t1": "approve",
        "seed-004-lumbar-incomplete": "pend",
    }
    seed_004 = json.loads(lines[3])
    assert sorted(sorted(i["fact"] for i in alt) for alt in seed_004["missing"]) == [
        ["active_rehab", "conservative_care_intolerant", "functional_impairment_documented",
         "image_guidance", "neuro_exam_documented", "sedation_justified"],
        ["active_rehab", "conservative_care_weeks", "functional_impairment_documented",
         "image_guidance", "neuro_exam_documented", "sedation_justified"],
    ]


def test_text_is_a_determination_with_a_documentation_request() -> None:
    """The default text output names the verdict, criteria, reasons and alternatives."""
    code, out, _ = _run("decide", "esi", str(SEED_CASES[3]))
    assert code == 0
    assert "Verdict: PEND" in out
    assert "unknown         conservative_care_tried" in out
    assert "- sedation (deny): Sedation beyond local anesthesia requires" in out
    assert "Alternative 2 (cost 6):" in out
    assert "- conservative_care_weeks: >= 4" in out


def test_markdown_lists_cited_sources_with_their_full_text() -> None:
    """Markdown ends with the reference text of every cited source."""
    code, out, _ = _run("decide", "esi", str(SEED_CASES[3]), "--format", "markdown")
    assert code == 0
    assert out.startswith("## Determination: seed-004-lumbar-incomplete")
    assert "### Documentation request" in out
    assert "- [ASA-2010] American Society of Anesthesiologists" in out


def test_max_alternatives_option() -> None:
    """--max-alternatives 1 keeps only the first cheapest alternative."""
    code, out, _ = _run("decide", "esi", str(SEED_CASES[3]), "--format", "json",
                        "--max-alternatives", "1")
    assert code == 0
    assert len(json.loads(out)["missing"]) == 1


def test_bad_case_exits_2_and_prints_no_result(tmp_path: Path) -> None:
    """One bad case among good ones: exit 2, the problem on stderr, nothing on stdout."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("facts:\n  cpt: 62321\n  levles: 1\n", encoding="utf-8")
    code, out, err = _run("decide", "esi", str(SEED_CASES[0]), str(bad), "--format", "json")
    assert code == 2
    assert out == ""
    assert "bad.yaml:3:3" in err
    assert "levles" in err and "did you mean 'levels'?" in err
    assert "Traceback" not in err


def test_unknown_policy_exits_2() -> None:
    """A policy that is neither a file nor a bundled name is bad input."""
    code, out, err = _run("decide", "no-such-policy", str(SEED_CASES[0]))
    assert code == 2
    assert out == ""
    assert "no-such-policy" in err
