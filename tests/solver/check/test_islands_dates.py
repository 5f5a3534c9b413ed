"""Band islands of date windows and decimals: the same bands as their int twins, witnesses in
table units (dates counted back from the service date, decimals in their places)."""

from __future__ import annotations

import re
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from medpolicy import policy_from_text
from medpolicy.solver.check import Finding, check_policy
from medpolicy.tables.model import Policy
from tests import reference
from tests.reference import SERVICE_DATE, window_since
from tests.solver.check.test_islands import INTS, _islands, band_tables


def _islands_of(policy: Policy, service: date | None = None) -> list[Finding]:
    return [f for f in check_policy(policy, service_date=service).findings
            if f.kind == "band-island"]


def _int_twin(text: str) -> str:
    """The int table without defaults (a date fact has none)."""
    return re.sub(r"\n    default: \d+", "", text)


def _date_twin(text: str, unit: str) -> str:
    """x and y as dates read through ``unit``: the same comparisons of whole units."""
    text = _int_twin(text)
    for fact in INTS:
        text = text.replace(f"  {fact}:\n    type: int\n    min: 0\n    max: 9",
                            f"  {fact}:\n    type: date")
        text = re.sub(rf"\b{fact} (<=|>=|==|!=|<|>) ", rf"{unit}_since({fact}) \1 ", text)
    return text


@given(text=band_tables(), unit=st.sampled_from(["days", "weeks", "months", "years"]))
def test_window_islands_are_the_int_twins_and_witnesses_reproduce(text: str, unit: str) -> None:
    """A table whose int facts become windows has the islands brute force finds for the int
    table (interior bands do not depend on the range); each witness, dated at the leap day
    2024-02-29, has its window in the band's place and decides as reported."""
    policy = policy_from_text(_date_twin(text, unit))
    expected = _islands(policy_from_text(_int_twin(text)))
    findings = _islands_of(policy, SERVICE_DATE)
    got = {(f.facts[0], f.message.split(" in ", 1)[1].split(" gets ", 1)[0]) for f in findings}
    assert got == {(fact, f"{band} {unit}") for fact, band in expected}
    for finding in findings:
        fact = finding.facts[0]
        band = finding.message.split(" in ", 1)[1].split(" ", 1)[0].split("..")
        windows = []
        for witness in finding.witnesses:
            assert witness.service_date == SERVICE_DATE
            case = dict(witness.facts)
            day = case[fact]
            assert isinstance(day, date)
            windows.append(window_since(unit, day, SERVICE_DATE))
            assert reference.outcome(policy, case) == witness.verdict
        assert windows[0] < int(band[0]) <= windows[1] <= int(band[-1]) < windows[2]


def test_decimal_island_reads_in_table_units() -> None:
    """AHI <= 14.0 and >= 15.0 leave 14.1..14.9: the band, the neighbours and the witnesses
    read 14.1..14.9, 14.0 and 15.0, never the scaled 141..149."""
    policy = policy_from_text(
        "id: isl\ntitle: I\nversion: '1'\nfacts:\n  ahi: {type: decimal, places: 1}\n"
        "rows:\n  - {id: mild, when: ahi <= 14.0, outcome: deny, reason: R.}\n"
        "  - {id: severe, when: ahi >= 15.0, outcome: deny, reason: R.}\n"
        "otherwise: {outcome: approve, reason: R.}\n")
    [finding] = _islands_of(policy)
    assert finding.message.startswith(
        "fact 'ahi' in 14.1..14.9 gets approve (no row matches), but the same case gets deny "
        "just below (14.0) and just above (15.0)")
    assert "'< 15.0'" in (finding.hint or "")
    assert [str(dict(w.facts)["ahi"]) for w in finding.witnesses] == ["14.0", "14.1", "15.0"]
    assert [w.verdict for w in finding.witnesses] == ["deny", "approve", "deny"]


def test_month_window_island_golden() -> None:
    """months_since(start) <= 3 and >= 6 leave 4..5 months; at 2024-02-29 the witnesses are
    2023-11-29 (3 months), 2023-10-29 (4) and 2023-08-29 (6)."""
    policy = policy_from_text(
        "id: isl\ntitle: I\nversion: '1'\nfacts:\n  start: {type: date}\n"
        "rows:\n  - {id: mild, when: months_since(start) <= 3, outcome: deny, reason: R.}\n"
        "  - {id: severe, when: months_since(start) >= 6, outcome: deny, reason: R.}\n"
        "otherwise: {outcome: approve, reason: R.}\n")
    [finding] = _islands_of(policy, SERVICE_DATE)
    assert finding.message.startswith(
        "fact 'start' in 4..5 months gets approve (no row matches), but the same case gets "
        "deny just below (3 months) and just above (6 months)")
    assert [dict(w.facts)["start"] for w in finding.witnesses] == [
        date(2023, 11, 29), date(2023, 10, 29), date(2023, 8, 29)]
    assert [w.to_case("isl")["service_date"] for w in finding.witnesses] == ["2024-02-29"] * 3
