"""Golden tests of date facts: windows to the day, the 3 -> 6 month diff, located errors."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from medpolicy import (
    Decider,
    ValidationError,
    case_from_mapping,
    diff_policies,
    load_case,
    load_policy,
    policy_from_text,
)
from medpolicy.cli import cli
from tests.conftest import ROOT

EXAMPLES = ROOT / "examples" / "language"
TABLE = EXAMPLES / "cpap-adherence.yaml"
FACTS = {"birth_date": "1970-02-28", "adherent": True, "face_to_face": "2026-02-02"}


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def _verdict(service: str, start: str) -> str:
    policy = load_policy(TABLE)
    case = case_from_mapping({"id": "c", "service_date": service,
                              "facts": {**FACTS, "cpap_start": start}}, policy)
    return Decider(policy).decide(case).verdict


def test_the_example_case_asks_for_adherence() -> None:
    """Nov 30 to Feb 28 is three whole months (the day clamps to Feb's end)."""
    policy = load_policy(TABLE)
    decision = Decider(policy).decide(load_case(EXAMPLES / "cpap-adherence-case.yaml", policy))
    assert decision.verdict == "pend"
    assert [sorted(m.facts) for m in decision.missing] == [["adherent"]]
    assert json.loads(decision.to_json())["service_date"] == "2026-02-28"


@pytest.mark.parametrize(("service", "start", "verdict"), [
    ("2026-02-28", "2025-11-30", "approve"),
    ("2026-02-27", "2025-11-30", "pend"),
    ("2026-02-28", "2025-11-28", "approve"),
    ("2026-02-28", "2025-11-29", "approve"),
    ("2026-02-28", "2026-03-01", "pend"),
], ids=["month-end-clamp", "one-day-short", "exact", "clamped-29", "future"])
def test_months_since_to_the_day(service: str, start: str, verdict: str) -> None:
    """months_since counts whole months with the end-of-month clamp; a future date is negative."""
    assert _verdict(service, start) == verdict


def test_age_on_feb_28_for_a_leap_day_birth() -> None:
    """Born 2008-02-29: 18 on 2026-02-28 (Feb 29 clamps to Feb 28), not on 2026-02-27."""
    policy = load_policy(TABLE)
    decider = Decider(policy)

    def adult(service: str) -> str:
        facts = {**FACTS, "birth_date": "2008-02-29", "cpap_start": "2025-01-01",
                 "face_to_face": service}
        case = case_from_mapping({"id": "c", "service_date": service, "facts": facts}, policy)
        return next(c.status for c in decider.decide(case).criteria if c.id == "adult")

    assert adult("2026-02-28") == "met"
    assert adult("2026-02-27") == "not_met"


def test_service_date_option_replaces_the_files(tmp_path: Path) -> None:
    """--service-date dates every case: a day earlier, the trial is not over."""
    case = EXAMPLES / "cpap-adherence-case.yaml"
    code, out, _ = _run("decide", str(TABLE), str(case), "--format", "json",
                        "--service-date", "2026-02-27")
    assert code == 0
    data = json.loads(out)
    assert data["service_date"] == "2026-02-27" and data["verdict"] == "pend"
    assert [r["row"] for r in data["reasons"]] == ["too_early"]


def test_diff_of_a_window_from_3_to_6_months(tmp_path: Path) -> None:
    """A trial period of 6 months instead of 3 is a semantic change, with dated witnesses."""
    new = tmp_path / "six.yaml"
    new.write_text(TABLE.read_text(encoding="utf-8").replace(">= 3", ">= 6"), encoding="utf-8")
    diff = diff_policies(load_policy(TABLE), load_policy(new))
    assert diff.changed
    change = next(c for c in diff.changes if c.label == "approve -> pend" and c.on_complete)
    for witness in change.witnesses:
        start = witness.facts["cpap_start"]
        assert isinstance(start, date)
        assert date(2025, 7, 1) < start <= date(2025, 10, 1)  # 3 to 5 months before 2026-01-01
    code, out, _ = _run("diff", str(TABLE), str(new), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["changed"] is True
    assert any(w.get("service_date") == "2026-01-01" for c in data["changes"]
               for w in c["witnesses"])
    code, text, _ = _run("diff", str(TABLE), str(new))
    assert code == 0
    assert "No semantic change" not in text and "approve -> pend" in text


def _table(facts: str, when: str) -> str:
    return (f'id: t\ntitle: t\nversion: "1"\nfacts:\n{facts}rows:\n'
            f'  - id: r\n    when: "{when}"\n    outcome: approve\n    reason: r\n')


@pytest.mark.parametrize(("facts", "when", "words", "line", "column"), [
    ("  n: {type: int}\n", "months_since(n) > 3", "months_since needs a date fact", 8, 25),
    ("  d: {type: date}\n", "months_since(d) > 3 or weeks_since(d) < 2",
     "used with weeks_since here and with months_since at line 8, column 25", 8, 47),
    ("  d: {type: date}\n", "months_since(d) > 3 or d > 2024-01-01",
     "used with date literals here and with months_since", 8, 35),
    ("  d: {type: date}\n", "d >= 2026-02-30", "impossible date 2026-02-30", 8, 17),
    ("  d: {type: date}\n", "d >= 5", "not a date", 8, 17),
    ("  d: {type: date, default: '2024-01-01'}\n", "d >= 2024-01-01", "has no default", 5, 19),
], ids=["since-on-int", "two-units", "window-and-literal", "impossible-literal",
        "number-literal", "default"])
def test_bad_tables_are_located(tmp_path: Path, facts: str, when: str, words: str, line: int,
                                column: int) -> None:
    """Each bad use of a date is one located problem; the CLI exits 2 with one line."""
    text = _table(facts, when)
    with pytest.raises(ValidationError) as caught:
        policy_from_text(text, "t.yaml")
    (problem,) = caught.value.problems
    assert words in str(problem)
    assert (problem.location.line, problem.location.column) == (line, column)
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    code, _, err = _run("validate", str(path))
    assert code == 2 and len(err.splitlines()) == 1


@pytest.mark.parametrize(("case", "words", "line", "column"), [
    ("id: c\nservice_date: 2026-03-01\nfacts:\n  cpap_start: 2026-02-30\n",
     "impossible date '2026-02-30'", 4, 15),
    ("id: c\nservice_date: 2026-03-01\nfacts:\n  cpap_start: 03/01/2025\n",
     "wrong date format", 4, 15),
    ("id: c\nfacts:\n  cpap_start: 2025-03-01\n", "needs a 'service_date'", 1, 1),
    ("id: c\nservice_date: 2026-13-01\nfacts:\n  cpap_start: 2025-03-01\n",
     "malformed service date", 2, 15),
], ids=["impossible", "format", "no-service-date", "bad-service-date"])
def test_bad_cases_are_located(tmp_path: Path, case: str, words: str, line: int,
                               column: int) -> None:
    """Bad dates in cases are one located error each; decide exits 2 and prints nothing."""
    path = tmp_path / "c.yaml"
    path.write_text(case, encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_case(path, load_policy(TABLE))
    (problem,) = caught.value.problems
    assert words in str(problem)
    assert (problem.location.line, problem.location.column) == (line, column)
    code, out, err = _run("decide", str(TABLE), str(path))
    assert code == 2 and out == "" and len(err.splitlines()) == 1
