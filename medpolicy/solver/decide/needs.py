"""A box of abstract values in the table's words: ``needs`` for people, ``allowed`` for programs.

One function per fact type for each face, chosen by ``needs_text`` and
``allowed``; a new fact type adds its two functions to the maps below.
(``describe`` keeps the older wording the diff report uses.)

- bool: ``true`` / ``{"in": [true]}``;
- enum: ``ct`` or ``in [fluoroscopy, ct]`` / ``{"in": ["fluoroscopy", "ct"]}``
  (a value written as a whole number is a JSON number, as in a case);
- int: ``>= 4``, ``<= 24``, ``between 35 and 39``, ``7`` / ``{"min": 4}``
  (inclusive bounds; an open bound is left out). An int box of several
  separate runs reads ``<= 3 or >= 8`` and is ``{"ranges": [{...}, {...}]}``.
- decimal: the same in table units, ``between 35.0 and 39.9`` /
  ``{"min": 35.0, "max": 39.9}`` (exact Decimals, JSON numbers on output).
- date: ISO dates, ``on or after 2025-09-01``, ``between 2025-03-01 and
  2025-08-31`` / ``{"from": "2025-09-01"}``. A look-back window (``months_since``)
  is turned into the dates it allows by the case's service date: the window
  is monotone in the date, so the first and last dates are found by binary
  search with the calendar functions themselves. Without a service date a
  window is said in its unit (``at least 6 months before the service date``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from medpolicy.logic.dates import describe_dates
from medpolicy.logic.domain import Domain, Interval, describe_scaled
from medpolicy.solver.decide.codeneeds import codes_allowed, codes_needs
from medpolicy.tables.calendar import since
from medpolicy.tables.decimals import scaled, shown, unscaled
from medpolicy.tables.windows import unit_of


def merged_intervals(domain: Domain, indices: Iterable[int]) -> list[Interval]:
    """Adjacent elementary intervals of an int fact merged into maximal runs."""
    runs: list[Interval] = []
    previous = -2
    for i in sorted(indices):
        item = domain.values[i]
        assert isinstance(item, Interval)
        if runs and i == previous + 1:
            runs[-1] = Interval(runs[-1].low, item.high)
        else:
            runs.append(item)
        previous = i
    return runs


def decimal_words(run: Interval, places: int) -> str:
    """A decimal run in table units: ``>= 35.0``, ``<= 39.9``, ``between 35.0 and 39.9``."""
    text = describe_scaled(run, places)
    if " to " in text:
        low, high = text.split(" to ")
        return f"between {low} and {high}"
    return text


def value_labels(domain: Domain, indices: Iterable[int]) -> tuple[str, ...]:
    """Each allowed value (or merged interval, ``4 to 5``) as a label, in domain order."""
    return _labels(domain, sorted(set(indices)))


def _labels(domain: Domain, chosen: list[int]) -> tuple[str, ...]:
    if domain.fact.type == "int":
        return tuple(run.describe() for run in merged_intervals(domain, chosen))
    if domain.fact.type == "decimal":
        return tuple(decimal_words(run, domain.places) for run in merged_intervals(domain, chosen))
    return tuple(map(domain.label, chosen))


# -- needs: for people -------------------------------------------------------


def _run_words(domain: Domain, run: Interval) -> str:
    fact = domain.fact
    places = domain.places if fact.type == "decimal" else None
    bounds = tuple(None if b is None else scaled(b, places or 0) for b in
                   (fact.minimum, fact.maximum))

    def text(n: int) -> str:
        return str(n) if places is None else shown(unscaled(n, places), places)

    low = None if run.low is None or run.low == bounds[0] else text(run.low)
    high = None if run.high is None or run.high == bounds[1] else text(run.high)
    if run.low is not None and run.low == run.high:
        return text(run.low)
    if low is None and high is None:
        return "any value"
    if low is None:
        return f"<= {high}"
    if high is None:
        return f">= {low}"
    return f"between {low} and {high}"


def _bool_needs(domain: Domain, indices: list[int]) -> str:
    return " or ".join(domain.label(i) for i in indices)


def _enum_needs(domain: Domain, indices: list[int]) -> str:
    labels = [domain.label(i) for i in indices]
    return labels[0] if len(labels) == 1 else f"in [{', '.join(labels)}]"


def _int_needs(domain: Domain, indices: list[int]) -> str:
    return " or ".join(_run_words(domain, run) for run in merged_intervals(domain, indices))


def date_range(domain: Domain, run: Interval,
               service: date | None) -> tuple[date | None, date | None] | None:
    """The first and last dates of a date fact's run (None: open), or None when a
    window cannot be turned into dates (no service date)."""
    if not domain.window:
        return (None if run.low is None else date.fromordinal(run.low),
                None if run.high is None else date.fromordinal(run.high))
    if service is None:
        return None
    unit = unit_of(domain.window)

    def window(ordinal: int) -> int:
        return since(unit, date.fromordinal(ordinal), service)

    def first_at_most(limit: int) -> int:
        """The first day whose window is at most ``limit`` (windows fall as dates rise)."""
        lo, hi = date.min.toordinal(), date.max.toordinal()
        while lo < hi:
            mid = (lo + hi) // 2
            if window(mid) <= limit:
                hi = mid
            else:
                lo = mid + 1
        return lo

    # Dates with low <= window <= high run from the first day with window <= high
    # to the day before the first day with window <= low - 1.
    start = None if run.high is None else date.fromordinal(first_at_most(run.high))
    end = None if run.low is None else date.fromordinal(first_at_most(run.low - 1) - 1)
    return start, end


def _date_words(domain: Domain, run: Interval, service: date | None) -> str:
    found = date_range(domain, run, service)
    if found is None:
        return describe_dates(run.low, run.high, domain.window)
    start, end = found
    if start is None and end is None:
        return "any date"
    if start is None:
        return f"on or before {end}"
    if end is None:
        return f"on or after {start}"
    return str(start) if start == end else f"between {start} and {end}"


def _date_needs(domain: Domain, indices: list[int], service: date | None) -> str:
    return " or ".join(_date_words(domain, run, service)
                       for run in merged_intervals(domain, indices))


_NEEDS: Mapping[str, Callable[[Domain, list[int]], str]] = {
    "bool": _bool_needs,
    "enum": _enum_needs,
    "int": _int_needs,
    "decimal": _int_needs,  # _run_words speaks table units for decimals
    "codes": codes_needs,
}


def needs_text(domain: Domain, indices: Iterable[int], service: date | None = None) -> str:
    """The allowed values as a request says them: ``true``, ``>= 4``, ``in [fluoroscopy, ct]``
    (a date window as dates from ``service``, the case's service date)."""
    return _needs(domain, sorted(set(indices)), service)


def _needs(domain: Domain, chosen: list[int], service: date | None,
           labels: tuple[str, ...] | None = None) -> str:
    """``needs_text`` of sorted distinct values (``labels``: their ``value_labels``, if made)."""
    if len(chosen) == len(domain.values):
        return "any value"
    kind = domain.fact.type
    if labels is not None and kind in ("bool", "enum"):  # the labels say it already
        if kind == "bool" or len(labels) != 1:
            return " or ".join(labels) if kind == "bool" else f"in [{', '.join(labels)}]"
        return labels[0]
    if kind == "date":
        return _date_needs(domain, chosen, service)
    return _NEEDS[kind](domain, chosen)


def need_parts(domain: Domain, values: Iterable[int], service: date | None = None
               ) -> tuple[str, tuple[str, ...], tuple[Any, ...], dict[str, Any]]:
    """A need's faces at once, from its values sorted once: ``needs_text``,
    ``value_labels``, the abstract values and ``allowed``."""
    chosen = sorted(set(values))
    labels = _labels(domain, chosen)
    return (_needs(domain, chosen, service, labels), labels,
            tuple(map(domain.values.__getitem__, chosen)), _allowed(domain, chosen, service))


def describe(domain: Domain, indices: Iterable[int]) -> str:
    """The allowed values as the diff report says them: ``4 to 5``, ``fluoroscopy or ct``."""
    chosen = set(indices)
    if chosen == set(domain.indices()):
        return "any value"
    if domain.space is not None:
        return codes_needs(domain, sorted(chosen))
    return " or ".join(value_labels(domain, chosen))


# -- allowed: for programs ---------------------------------------------------


def _enum_json(text: str) -> str | int:
    """An enum value as a case writes it: a whole number stays a number."""
    if text.isdigit() and (text == "0" or not text.startswith("0")):
        return int(text)
    return text


def _bool_allowed(domain: Domain, indices: list[int]) -> dict[str, Any]:
    return {"in": [domain.values[i] for i in indices]}


def _enum_allowed(domain: Domain, indices: list[int]) -> dict[str, Any]:
    return {"in": [_enum_json(str(domain.values[i])) for i in indices]}


def _run_json(run: Interval, places: int | None = None) -> dict[str, Any]:
    bounds: dict[str, Any] = {}
    for key, end in (("min", run.low), ("max", run.high)):
        if end is not None:
            bounds[key] = end if places is None else unscaled(end, places)
    return bounds


def _int_allowed(domain: Domain, indices: list[int]) -> dict[str, Any]:
    places = domain.places if domain.fact.type == "decimal" else None
    runs = [_run_json(run, places) for run in merged_intervals(domain, indices)]
    return runs[0] if len(runs) == 1 else {"ranges": runs}


def _date_json(domain: Domain, run: Interval, service: date | None) -> dict[str, Any]:
    found = date_range(domain, run, service)
    if found is None:  # a window without a service date: the window itself, in its unit
        return {"window": domain.window, **_run_json(run)}
    return {key: day.isoformat() for key, day in zip(("from", "to"), found, strict=True)
            if day is not None}


def _date_allowed(domain: Domain, indices: list[int], service: date | None) -> dict[str, Any]:
    runs = [_date_json(domain, run, service) for run in merged_intervals(domain, indices)]
    return runs[0] if len(runs) == 1 else {"ranges": runs}


_ALLOWED: Mapping[str, Callable[[Domain, list[int]], dict[str, Any]]] = {
    "bool": _bool_allowed,
    "enum": _enum_allowed,
    "int": _int_allowed,
    "decimal": _int_allowed,  # bounds in table units
    "codes": codes_allowed,
}


def allowed(domain: Domain, indices: Iterable[int], service: date | None = None) -> dict[str, Any]:
    """The allowed values for programs: ``{"in": [...]}``, ``{"min": a, "max": b}`` or, for a
    date, ``{"from": "YYYY-MM-DD", "to": "YYYY-MM-DD"}`` (windows by ``service``)."""
    return _allowed(domain, sorted(set(indices)), service)


def _allowed(domain: Domain, chosen: list[int], service: date | None) -> dict[str, Any]:
    if domain.fact.type == "date":
        return _date_allowed(domain, chosen, service)
    return _ALLOWED[domain.fact.type](domain, chosen)
