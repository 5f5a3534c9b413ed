"""Band-island findings in table units: a band's text, the values next to it, its bounds.

A decimal is shown in its units, a date compared with literals as its date, and a
window in whole units (``4..5 months``); a window's witness value is a date counted
back from the reference service date (witnesses carry it as their ``service_date``).
"""

from __future__ import annotations

from datetime import date

from medpolicy.logic.dates import REFERENCE_SERVICE_DATE
from medpolicy.logic.domain import Domain, Interval
from medpolicy.tables.calendar import date_at, since
from medpolicy.tables.decimals import unscaled
from medpolicy.tables.expr import Value
from medpolicy.tables.windows import unit_of


def _shown(domain: Domain, number: int) -> Value:
    """A number of a fact's domain as the table writes it: a decimal in its units, a
    window's whole units, a date compared with literals as its date."""
    if domain.fact.type == "decimal":
        return unscaled(number, domain.places)
    if domain.fact.type == "date" and not domain.window:
        return date.fromordinal(number)
    return number


def _text(domain: Domain, number: int) -> str:
    value = _shown(domain, number)
    return value.isoformat() if isinstance(value, date) else str(value)


def band_text(domain: Domain, k: int) -> str:
    """Interval ``k`` in table units: ``141..149`` (or ``141`` for one value); a window's
    band names its unit (``3..5 months``), a date's band its days."""
    item = domain.values[k]
    assert isinstance(item, Interval)
    unit = f" {domain.window}" if domain.window else ""
    if item.low is not None and item.low == item.high:
        return _text(domain, item.low) + unit
    low = "" if item.low is None else _text(domain, item.low)
    high = "" if item.high is None else _text(domain, item.high)
    return f"{low}..{high}{unit}"


def near(domain: Domain, k: int, side: str) -> Value:
    """A concrete value of interval ``k`` next to the band: its high end below, low end
    above (the representative when that end is open); a window's as a date."""
    item = domain.values[k]
    assert isinstance(item, Interval)
    number = item.high if side == "below" and item.high is not None else item.representative()
    if domain.window:
        return date_at(unit_of(domain.window), number, REFERENCE_SERVICE_DATE)
    return _shown(domain, number)


def near_text(domain: Domain, k: int, side: str) -> str:
    """``_near`` in words: a window's value in its units (its date depends on the service
    date), anything else as the table writes it."""
    value = near(domain, k, side)
    if domain.window and isinstance(value, date):
        return f"{since(unit_of(domain.window), value, REFERENCE_SERVICE_DATE)} {domain.window}"
    return value.isoformat() if isinstance(value, date) else str(value)


def bound_text(domain: Domain, j: int) -> str:
    """Bound ``j``: the low end of interval ``j``."""
    item = domain.values[j]
    assert isinstance(item, Interval) and item.low is not None
    return _text(domain, item.low)
