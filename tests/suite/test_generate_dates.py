"""Generated suites and coverage of date tables: window edges to the day, at a service date."""

from __future__ import annotations

import json
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import event, given

from medpolicy import Policy, load_case, load_policy, policy_from_text
from medpolicy.cli import cli
from medpolicy.logic.thresholds import thresholds
from medpolicy.suite.casefile import write_suite
from medpolicy.suite.coverage import measure, render_coverage
from medpolicy.suite.generate import generate_suite
from medpolicy.suite.runner import run_suite
from medpolicy.tables.calendar import UNITS, edge_day
from tests import reference
from tests.conftest import ROOT
from tests.reference import SERVICE_DATE, window_since
from tests.strategies_text import DATE_KINDS, count_tables

TABLE = ROOT / "examples" / "language" / "cpap-adherence.yaml"
DAY = timedelta(days=1)


def _invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=k) for k in range((last - first).days + 1)]


@pytest.mark.parametrize("unit", UNITS)
def test_edge_day_is_the_last_day_the_window_is_complete(unit: str) -> None:
    """For every service date of 2023-2025, the edge day has the window complete and the
    day after it does not (brute force counts units one at a time)."""
    for service in _days(date(2023, 1, 1), date(2025, 12, 31)):
        for window in (-1, 0, 1, 3):
            edge = edge_day(unit, window, service)  # type: ignore[arg-type]
            assert window_since(unit, edge, service) >= window > window_since(
                unit, edge + DAY, service), (unit, window, service)


def _generated(policy: Policy, service: date) -> dict[str, dict[str, object]]:
    suite = generate_suite(policy, service_date=service)
    with tempfile.TemporaryDirectory() as folder:
        paths = write_suite(suite, Path(folder))
        return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in paths}


def test_cpap_suite_at_a_leap_day_tests_each_window_edge() -> None:
    """At 2024-02-29, 18 years are complete from 2006-02-28 (not 2006-03-01) and three
    months from 2023-11-30 (Nov 30 + 3 months clamps to Feb 29), not from 2023-12-01."""
    files = _generated(load_policy(TABLE), date(2024, 2, 29))
    assert {f["service_date"] for f in files.values()} == {"2024-02-29"}
    starts = {f["facts"]["cpap_start"] for f in files.values()}
    births = {f["facts"]["birth_date"] for f in files.values()}
    assert starts == {date(2023, 11, 30), date(2023, 12, 1)}
    assert births == {date(2006, 2, 28), date(2006, 3, 1)}


def test_cli_generate_with_service_date_writes_a_suite_with_full_boundary_coverage(
        tmp_path: Path) -> None:
    """test --generate --service-date dates every case; the suite passes, 8/8 boundaries."""
    code, out, _ = _invoke("test", str(TABLE), "--generate", str(tmp_path / "s"),
                           "--service-date", "2026-03-31")
    assert code == 0 and out.endswith("6 cases written to " + str(tmp_path / "s") + "\n")
    texts = [p.read_text(encoding="utf-8") for p in sorted((tmp_path / "s").iterdir())]
    assert all("service_date: '2026-03-31'" in t for t in texts)
    code, out, _ = _invoke("test", str(TABLE), str(tmp_path / "s"), "--coverage")
    assert code == 0
    assert "  boundaries        8/8\n" in out and out.endswith("6 passed, 0 failed\n")


def test_coverage_names_untested_window_edges_in_their_function() -> None:
    """One case 3 months after cpap_start tests that edge at it; the others are listed."""
    policy = load_policy(TABLE)
    case = load_case(ROOT / "examples" / "language" / "cpap-adherence-case.yaml", policy)
    coverage = measure(policy, [run_suite(policy, [case]).decisions[0]])
    text = render_coverage(coverage)
    assert "months_since(cpap_start) = 2 (below months_since(cpap_start) >= 3)" in text
    by_window = {(t.threshold.subject, t.threshold.value): t for t in coverage.thresholds}
    assert set(by_window) == {("years_since(birth_date)", 18), ("months_since(cpap_start)", 3),
                              ("days_since(face_to_face)", 0), ("days_since(face_to_face)", 91)}
    data = coverage.to_dict()["thresholds"]
    months = next(t for t in data if t["fact"] == "cpap_start")
    assert months["window"] == "months_since" and (months["below"], months["at"]) == (2, 3)
    json.dumps(data)


def test_date_literal_thresholds_are_days() -> None:
    """surgery >= 2024-01-01 is tested below on 2023-12-31 and at on 2024-01-01."""
    policy = policy_from_text(
        "id: t\ntitle: T\nversion: '1'\nfacts:\n  surgery: {type: date}\n"
        "rows:\n  - {id: a, when: surgery >= 2024-01-01, outcome: approve, reason: R.}\n"
        "otherwise: {outcome: deny, reason: R.}\n")
    [threshold] = thresholds(policy)
    assert (threshold.below, threshold.value) == (date(2023, 12, 31), date(2024, 1, 1))
    files = _generated(policy, SERVICE_DATE)
    assert {f["facts"]["surgery"] for f in files.values()} == {date(2023, 12, 31),
                                                               date(2024, 1, 1)}
    assert measure(policy, [case.decision for case in generate_suite(policy).cases]
                   ).untested_sides == []


@given(count_tables(DATE_KINDS))
def test_generated_date_suites_decide_as_claimed_and_test_every_edge(policy: Policy) -> None:
    """On random date tables the generated cases, read back, decide as brute force says and
    as they claim; every window edge has a case on its edge day and on the day after."""
    suite = generate_suite(policy, service_date=SERVICE_DATE)
    event(f"cases: {len(suite.cases)}")
    with tempfile.TemporaryDirectory() as folder:
        paths = write_suite(suite, Path(folder))
        loaded = [load_case(p, policy) for p in paths]
    for case, generated in zip(loaded, suite.cases, strict=True):
        if any(isinstance(v, date) for v in case.facts.values()):
            assert case.service_date == SERVICE_DATE
        assert generated.decision.verdict == reference.verdict(policy, case.facts)
    result = run_suite(policy, loaded)
    assert result.failed == 0
    assert measure(policy, result.decisions).untested_sides == []
    for threshold in thresholds(policy):
        if not threshold.window:
            continue
        assert isinstance(threshold.value, int)
        days = [d for c in loaded if isinstance(d := c.facts[threshold.fact], date)]
        sides = [_window_side(threshold.window, threshold.value, d) for d in days]
        assert "edge" in sides and "after" in sides, threshold


def _window_side(unit: str, window: int, day: date) -> str:
    """Whether ``day`` is the edge day of ``window`` (complete, not the next day) or the day
    after it, by brute force."""
    if window_since(unit, day, SERVICE_DATE) >= window > window_since(unit, day + DAY,
                                                                       SERVICE_DATE):
        return "edge"
    if window_since(unit, day - DAY, SERVICE_DATE) >= window > window_since(unit, day,
                                                                             SERVICE_DATE):
        return "after"
    return ""
