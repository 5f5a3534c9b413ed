"""Date facts in the interval abstraction.

A date fact is used in one of two ways in a table (never both):

- through one window function (``months_since(imaging_date) <= 12``): its
  abstract values are intervals of the *window value* (whole months since the
  date, at the case's service date), cut by the thresholds of the window;
- compared with date literals (``surgery_date >= 2024-01-01``): its abstract
  values are intervals of *day ordinals*, cut at the literals.

Either way the domain is an int domain over those numbers; this module turns a
case's date into its number, and a number back into a date for witnesses and
generated cases. Witnesses of a windowed table are dated relative to
``REFERENCE_SERVICE_DATE`` and carry it as their ``service_date``.
"""

from __future__ import annotations

from datetime import date

from medpolicy.tables.calendar import date_at, since
from medpolicy.tables.expr import Value
from medpolicy.tables.windows import unit_of

#: The service date of witnesses and generated cases of tables with windows.
REFERENCE_SERVICE_DATE = date(2026, 1, 1)


def date_number(value: Value, window: str, service: date | None) -> int:
    """The number a date stands for: its window at ``service``, or its day ordinal."""
    assert isinstance(value, date)
    if not window:
        return value.toordinal()
    if service is None:
        raise ValueError("a windowed date needs the case's service date")
    return since(unit_of(window), value, service)


def literal_number(value: Value) -> Value:
    """A comparison's right side as a number: a date literal becomes its ordinal."""
    return value.toordinal() if isinstance(value, date) else value


def number_date(number: int | None, other: int | None, window: str,
                service: date | None = None) -> date:
    """A date for a number of a date domain (an interval end; ``other`` the other end),
    a window counted back from ``service`` (default ``REFERENCE_SERVICE_DATE``)."""
    if not window:
        if number is None:
            return REFERENCE_SERVICE_DATE if other is None else date.fromordinal(other)
        return date.fromordinal(number)
    return date_at(unit_of(window), number if number is not None else (other or 0),
                   service or REFERENCE_SERVICE_DATE)


def describe_dates(low: int | None, high: int | None, window: str) -> str:
    """An interval of a date domain in words: ISO dates, or the window in its unit."""
    if not window:
        first = None if low is None else date.fromordinal(low).isoformat()
        last = None if high is None else date.fromordinal(high).isoformat()
        if first is None and last is None:
            return "any date"
        if first is None:
            return f"on or before {last}"
        if last is None:
            return f"on or after {first}"
        return first if first == last else f"between {first} and {last}"
    ago = "before the service date"
    if low is None and high is None:
        return "any date"
    if low is None:
        return f"at most {high} {window} {ago}"
    if high is None:
        return f"at least {low} {window} {ago}"
    if low == high:
        return f"{low} {window} {ago}"
    return f"{low} to {high} {window} {ago}"
