"""The window functions against Python's own date arithmetic, for every day of 2023-2025."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from medpolicy.tables.calendar import UNITS, Unit, add_months, date_at, since
from tests import reference

DAYS = [date(2023, 1, 1) + timedelta(days=i) for i in range((date(2026, 1, 1)
                                                             - date(2023, 1, 1)).days)]
SERVICE_DATES = [date(2024, 2, 29), date(2025, 3, 31), date(2024, 12, 31), date(2023, 6, 15)]


# The brute force lives in tests/reference.py, shared with the date property tests.
_add_months_by_hand = reference.months_by_hand
_reference = reference.window_since


@pytest.mark.parametrize("unit", UNITS)
@pytest.mark.parametrize("service", SERVICE_DATES, ids=str)
def test_since_matches_python_date_arithmetic_every_day(unit: Unit, service: date) -> None:
    """For every day of 2023-2025, the window equals the brute-force count (past and future)."""
    for day in DAYS:
        assert since(unit, day, service) == _reference(unit, day, service), (unit, day, service)


@pytest.mark.parametrize("unit", UNITS)
def test_every_day_as_service_date(unit: Unit) -> None:
    """Every day of 2023-2025 as the service date, against a few dates around month ends."""
    for service in DAYS:
        for day in (date(2023, 1, 31), date(2024, 2, 29), date(2024, 8, 31), date(2025, 12, 1)):
            assert since(unit, day, service) == _reference(unit, day, service), (day, service)


def test_add_months_clamps_to_the_month_end() -> None:
    """Jan 31 + 1 month is Feb 28 (Feb 29 in a leap year); Feb 29 + 12 months is Feb 28."""
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2024, 3, 31), -1) == date(2024, 2, 29)
    for day in DAYS:
        for months in (-25, -12, -1, 1, 3, 6, 12, 48):
            assert add_months(day, months) == _add_months_by_hand(day, months)


def test_feb_29_years() -> None:
    """Born Feb 29 2024: one year old on Feb 28 2025, not on Feb 27."""
    assert since("years", date(2024, 2, 29), date(2025, 2, 28)) == 1
    assert since("years", date(2024, 2, 29), date(2025, 2, 27)) == 0


def test_future_dates_are_negative() -> None:
    """A date after the service date gives a negative window in every unit."""
    assert since("days", date(2025, 1, 2), date(2025, 1, 1)) == -1
    assert since("weeks", date(2025, 1, 2), date(2025, 1, 1)) == -1
    assert since("months", date(2025, 1, 2), date(2025, 1, 1)) == -1
    assert since("years", date(2025, 1, 2), date(2025, 1, 1)) == -1


@pytest.mark.parametrize("unit", UNITS)
def test_date_at_inverts_since(unit: Unit) -> None:
    """The date a witness shows for a window has exactly that window."""
    for service in DAYS[::7]:
        for window in (-14, -1, 0, 1, 2, 3, 5, 6, 12, 13, 18):
            assert since(unit, date_at(unit, window, service), service) == window
