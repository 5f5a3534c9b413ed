"""Calendar arithmetic of the window functions, exactly as DESIGN.md defines it.

``days_since(d)``, ``weeks_since(d)``, ``months_since(d)`` and
``years_since(d)`` count whole units completed from ``d`` to the case's
service date ``s``:

- ``days``: the day difference ``s - d``;
- ``weeks``: ``floor(days / 7)``;
- ``months``: the largest integer m with ``add_months(d, m) <= s``, where
  ``add_months`` clamps the day to the month's end (Jan 31 + 1 month = Feb 28);
- ``years``: likewise with years (Feb 29 + 1 year = Feb 28).

A date after the service date gives a negative number.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Literal

Unit = Literal["days", "weeks", "months", "years"]
UNITS: tuple[Unit, ...] = ("days", "weeks", "months", "years")
#: The function name of each unit in conditions.
FUNCTIONS: dict[str, Unit] = {f"{u}_since": u for u in UNITS}


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` months, the day clamped to the month's end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _whole_months(start: date, end: date, step: int) -> int:
    """The largest m with ``add_months(start, m * step) <= end`` (m counts ``step`` months)."""
    guess = ((end.year - start.year) * 12 + end.month - start.month) // step
    while add_months(start, guess * step) > end:
        guess -= 1
    while add_months(start, (guess + 1) * step) <= end:
        guess += 1
    return guess


def since(unit: Unit, day: date, service: date) -> int:
    """Whole ``unit`` s completed from ``day`` to ``service`` (negative for a later day)."""
    if unit == "days":
        return (service - day).days
    if unit == "weeks":
        return (service - day).days // 7
    return _whole_months(day, service, 1 if unit == "months" else 12)


def date_at(unit: Unit, window: int, service: date) -> date:
    """A date whose ``unit`` s since it, at ``service``, are exactly ``window``."""
    if unit == "days":
        return service - timedelta(days=window)
    if unit == "weeks":
        return service - timedelta(days=7 * window)
    return add_months(service, -window * (1 if unit == "months" else 12))


def edge_day(unit: Unit, window: int, service: date) -> date:
    """The last day whose ``unit`` s since it, at ``service``, are ``window`` or more.

    The day after it counts ``window - 1``: the two days on each side of the window's
    edge. With the month-end clamp the edge is not always ``date_at``'s day (at
    2026-02-28 one month is complete from 2026-01-31)."""
    day = date_at(unit, window, service)
    while since(unit, day + timedelta(days=1), service) >= window:
        day += timedelta(days=1)
    return day
