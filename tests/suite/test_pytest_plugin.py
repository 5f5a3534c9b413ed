"""The pytest plugin: a policy repository's case files collected as test items."""

from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEED_CASES

pytest_plugins = ["pytester"]

ESI = ROOT / "medpolicy" / "tables" / "library" / "esi.yaml"
TINY = """\
id: tiny
title: Tiny
version: "1"
facts:
  ok: {type: bool}
rows:
  - {id: not_ok, when: not ok, outcome: deny, reason: Not ok.}
otherwise: {outcome: approve}
"""


def _repository(pytester: pytest.Pytester, ini: str = "") -> Path:
    """A policy repository: policies/esi.yaml with the seed cases in policies/cases/."""
    policies = pytester.path / "policies"
    (policies / "cases").mkdir(parents=True)
    (policies / "esi.yaml").write_text(ESI.read_text(encoding="utf-8"), encoding="utf-8")
    for seed in SEED_CASES:
        (policies / "cases" / seed.name).write_text(seed.read_text(encoding="utf-8"),
                                                     encoding="utf-8")
    pytester.makeini(f"[pytest]\nmedpolicy_tables = policies/*.yaml\n{ini}")
    return policies


def test_the_plugin_is_registered_as_an_entry_point() -> None:
    """Installing medpolicy registers medpolicy.suite.pytest_plugin under pytest11."""
    plugins = {e.name: e.value for e in entry_points(group="pytest11")}
    assert plugins.get("medpolicy") == "medpolicy.suite.pytest_plugin"


def test_each_case_beside_a_table_is_one_item(pytester: pytest.Pytester) -> None:
    """The four seed cases beside esi.yaml are four passing items named by case id."""
    _repository(pytester)
    result = pytester.runpytest("-v")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(["policies/esi.yaml::seed-000-cervical-repeat PASSED*",
                                 "policies/esi.yaml::seed-004-lumbar-incomplete PASSED*"])


def test_a_failing_case_shows_the_same_diff_as_medpolicy_test(pytester: pytest.Pytester) -> None:
    """A wrong expectation fails its item with the expected-against-got line."""
    policies = _repository(pytester)
    wrong = policies / "cases" / "seed-002-cervical-c7-t1.yaml"
    wrong.write_text(wrong.read_text(encoding="utf-8").replace("verdict: approve",
                                                               "verdict: deny"), encoding="utf-8")
    result = pytester.runpytest()
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines([
        f"FAIL seed-002-cervical-c7-t1 ({wrong}): verdict: expected deny, got approve (otherwise)",
    ])


def test_a_bad_case_file_fails_alone_with_its_location(pytester: pytest.Pytester) -> None:
    """An unknown fact fails that case's item with file, line and hint; the rest still run."""
    policies = _repository(pytester)
    (policies / "cases" / "typo.yaml").write_text(
        "facts:\n  conservitive_care_weeks: 4\nexpect: {verdict: approve}\n", encoding="utf-8")
    result = pytester.runpytest()
    result.assert_outcomes(passed=4, failed=1)
    result.stdout.fnmatch_lines(["*typo.yaml:2:3 facts.conservitive_care_weeks: unknown fact*"])


def test_cases_of_another_table_and_without_expect_are_not_items(
    pytester: pytest.Pytester,
) -> None:
    """Two tables share cases/: each case goes to the table its 'policy' names."""
    policies = _repository(pytester)
    (policies / "tiny.yaml").write_text(TINY, encoding="utf-8")
    (policies / "cases" / "tiny-ok.yaml").write_text(
        "policy: tiny\nfacts: {ok: true}\nexpect: {verdict: approve}\n", encoding="utf-8")
    (policies / "cases" / "tiny-plain.yaml").write_text("policy: tiny\nfacts: {ok: false}\n",
                                                        encoding="utf-8")
    result = pytester.runpytest("-v")
    result.assert_outcomes(passed=5)
    result.stdout.fnmatch_lines(["policies/tiny.yaml::tiny-ok PASSED*"])


def test_the_case_patterns_are_configurable(pytester: pytest.Pytester) -> None:
    """medpolicy_cases points at another folder: only the cases there are collected."""
    policies = _repository(pytester, ini="medpolicy_cases = golden/*.yaml\n")
    (policies / "golden").mkdir()
    (policies / "golden" / "g.yaml").write_text(
        SEED_CASES[0].read_text(encoding="utf-8").replace("id: seed-000-cervical-repeat",
                                                          "id: golden-one"), encoding="utf-8")
    result = pytester.runpytest("-v")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["policies/esi.yaml::golden-one PASSED*"])


def test_a_bad_table_is_a_collection_error(pytester: pytest.Pytester) -> None:
    """A table that does not validate stops its collection with the loader's message."""
    policies = _repository(pytester)
    (policies / "esi.yaml").write_text(TINY.replace("not ok", "not okay"), encoding="utf-8")
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*medpolicy: bad table*", "*unknown*'okay'*"])


def test_without_configuration_nothing_is_collected(pytester: pytest.Pytester) -> None:
    """No medpolicy_tables: policy and case files are left alone (as in this project)."""
    _repository(pytester)
    pytester.makeini("[pytest]\n")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_this_project_examples_are_not_collected(pytester: pytest.Pytester) -> None:
    """pytest on this project's examples/ and tests/fixtures collects no medpolicy items."""
    result = pytester.runpytest(str(ROOT / "examples"), str(ROOT / "tests" / "fixtures"),
                                "--rootdir", str(ROOT), "-c", str(ROOT / "pyproject.toml"))
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
