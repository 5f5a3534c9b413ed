"""medpolicy test: expectations compared with decisions, the one-line diff, and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from medpolicy import Decider, Expectation, Policy, load_case
from medpolicy.cli import cli
from medpolicy.errors import LoadError
from medpolicy.suite.runner import compare, find_case_files, run_case, run_suite
from tests.conftest import ROOT, SEED_CASES

SEED_DIR = ROOT / "examples" / "cases"
SEED_002 = SEED_DIR / "seed-002-cervical-c7-t1.yaml"
SEED_004 = SEED_DIR / "seed-004-lumbar-incomplete.yaml"


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def _edited(tmp_path: Path, source: Path, name: str, old: str, new: str) -> Path:
    """A copy of a seed case with one piece of text replaced (which must occur)."""
    text = source.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_the_seed_suite_passes(esi: Policy) -> None:
    """All four seed cases meet their expectations."""
    suite = run_suite(esi, [load_case(p, esi) for p in SEED_CASES])
    assert (suite.passed, suite.failed) == (4, 0)
    assert suite.summary() == "4 passed, 0 failed"
    assert suite.failures == ()


def test_a_wrong_verdict_is_reported_with_the_deciding_rows(
    esi: Policy, esi_decider: Decider, tmp_path: Path
) -> None:
    """Expected deny, got approve: the line names both and the row that decided."""
    path = _edited(tmp_path, SEED_002, "wrong.yaml", "verdict: approve", "verdict: deny")
    result = run_case(esi_decider, load_case(path, esi))
    assert not result.passed
    assert result.diff_line == (
        f"FAIL seed-002-cervical-c7-t1 ({path}): verdict: expected deny, got approve (otherwise)"
    )


def test_missing_sets_compare_as_sets_of_fact_sets(esi: Policy, esi_decider: Decider) -> None:
    """Order of alternatives and of facts inside them does not matter."""
    case = load_case(SEED_004, esi)
    assert case.expect is not None and case.expect.missing is not None
    shuffled = tuple(frozenset(sorted(a, reverse=True)) for a in reversed(case.expect.missing))
    decision = esi_decider.decide(case)
    assert compare(Expectation("pend", shuffled), decision) == ()


def test_a_wrong_missing_set_shows_what_was_not_found_and_not_expected(
    esi: Policy, esi_decider: Decider
) -> None:
    """One expected alternative replaced: the diff names both sides of the difference."""
    case = load_case(SEED_004, esi)
    expected = (frozenset({"active_rehab", "image_guidance"}),)
    (mismatch,) = compare(Expectation("pend", expected), esi_decider.decide(case))
    assert mismatch.field == "missing"
    assert mismatch.expected == "[{active_rehab, image_guidance}]"
    assert mismatch.got.startswith("[{active_rehab, conservative_care_intolerant, ")
    assert "(not found [{active_rehab, image_guidance}]; not expected [{active_rehab, " in (
        mismatch.got)


def test_expected_rows_must_be_among_the_reasons(esi: Policy, esi_decider: Decider) -> None:
    """rows: [imaging] on a pend whose reasons do not include imaging fails on rows only."""
    decision = esi_decider.decide(load_case(SEED_004, esi))
    assert compare(Expectation("pend", None, ("sedation", "image_guidance")), decision) == ()
    (mismatch,) = compare(Expectation("pend", None, ("imaging", "sedation")), decision)
    assert str(mismatch) == (
        "rows: expected imaging among the reasons, got image_guidance, "
        "radiculopathy_documented, conservative_care, functional_impairment, active_rehab, "
        "sedation"
    )


def test_a_verdict_mismatch_to_approve_does_not_also_diff_missing_sets(
    esi: Policy, esi_decider: Decider
) -> None:
    """Expected a pend with missing facts, got approve: one mismatch, on the verdict."""
    decision = esi_decider.decide(load_case(SEED_002, esi))
    found = compare(Expectation("pend", (frozenset({"active_rehab"}),)), decision)
    assert [m.field for m in found] == ["verdict"]


def test_folders_are_searched_recursively_for_case_files(tmp_path: Path) -> None:
    """yaml, yml and json files in name order; other files are ignored."""
    (tmp_path / "sub").mkdir()
    for name in ("b.yaml", "sub/a.json", "c.yml", "notes.txt"):
        (tmp_path / name).write_text("{}", encoding="utf-8")
    found = find_case_files([tmp_path])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["b.yaml", "c.yml", "sub/a.json"]


def test_an_empty_folder_is_bad_input(tmp_path: Path) -> None:
    """A folder without case files would make an empty suite pass: it is an error."""
    with pytest.raises(LoadError, match="no case files in this folder"):
        find_case_files([tmp_path])


# -- the command ---------------------------------------------------------------


def test_cli_seed_folder_passes() -> None:
    """medpolicy test esi examples/cases: exit 0 and the closing line only."""
    code, out, err = _run("test", "esi", str(SEED_DIR))
    assert (code, out, err) == (0, "4 passed, 0 failed\n", "")


def test_cli_wrong_expectation_fails_with_a_diff_and_exit_1(tmp_path: Path) -> None:
    """One failing case: its diff line, then '4 passed, 1 failed', exit 1."""
    wrong = _edited(tmp_path, SEED_002, "wrong.yaml", "id: seed-002-cervical-c7-t1",
                    "id: wrong-verdict")
    wrong.write_text(wrong.read_text(encoding="utf-8").replace("verdict: approve",
                                                               "verdict: deny"), encoding="utf-8")
    code, out, _ = _run("test", "esi", str(SEED_DIR), str(wrong))
    assert code == 1
    assert out.splitlines() == [
        f"FAIL wrong-verdict ({wrong}): verdict: expected deny, got approve (otherwise)",
        "4 passed, 1 failed",
    ]


def test_cli_bad_case_is_exit_2_with_the_location(tmp_path: Path) -> None:
    """A case with an unknown fact stops the run: exit 2, file and line, no output."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("facts:\n  conservitive_care_weeks: 4\nexpect: {verdict: approve}\n",
                   encoding="utf-8")
    code, out, err = _run("test", "esi", str(bad))
    assert (code, out) == (2, "")
    assert f"error: {bad}:2:3 facts.conservitive_care_weeks: unknown fact" in err
    assert "did you mean 'conservative_care_weeks'?" in err


def test_cli_cases_without_expect_are_noted_not_counted(tmp_path: Path) -> None:
    """A case without expect is not a test: a note on stderr; none at all is bad input."""
    plain = tmp_path / "plain.yaml"
    plain.write_text("facts:\n  cpt: 62321\n", encoding="utf-8")
    code, out, err = _run("test", "esi", str(SEED_002), str(plain))
    assert (code, out, err) == (0, "1 passed, 0 failed\n", "note: not tested (no expect): plain\n")
    code, out, err = _run("test", "esi", str(plain))
    assert (code, out) == (2, "")
    assert "no case carries an expectation" in err


def test_cli_json_has_every_case_and_the_counts(tmp_path: Path) -> None:
    """--format json: one object with the counts and each case's expected and got."""
    wrong = _edited(tmp_path, SEED_002, "wrong.yaml", "verdict: approve", "verdict: pend")
    code, out, _ = _run("test", "esi", str(wrong), str(SEED_004), "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert (data["passed"], data["failed"]) == (1, 1)
    first = data["cases"][0]
    assert first["expected"] == {"verdict": "pend"}
    assert first["got"]["verdict"] == "approve"
    assert first["mismatches"] == [
        {"field": "verdict", "expected": "pend", "got": "approve (otherwise)"}]
    assert data["cases"][1]["passed"] is True


def test_cli_needs_cases_unless_generating() -> None:
    """No CASES and no --generate is a usage error (exit 2)."""
    code, _, err = _run("test", "esi")
    assert code == 2
    assert "give the CASES to test, or --generate DIR" in err
