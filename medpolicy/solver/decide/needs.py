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
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from medpolicy.logic.domain import Domain, Interval, describe_scaled


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
    chosen = sorted(set(indices))
    if domain.fact.type == "int":
        return tuple(run.describe() for run in merged_intervals(domain, chosen))
    if domain.fact.type == "decimal":
        return tuple(decimal_words(run, domain.places) for run in merged_intervals(domain, chosen))
    return tuple(domain.label(i) for i in chosen)


# -- needs: for people -------------------------------------------------------


def _run_words(domain: Domain, run: Interval) -> str:
    fact = domain.fact
    low = None if run.low is None or run.low == fact.minimum else run.low
    high = None if run.high is None or run.high == fact.maximum else run.high
    if run.low is not None and run.low == run.high:
        return str(run.low)
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


_NEEDS: Mapping[str, Callable[[Domain, list[int]], str]] = {
    "bool": _bool_needs,
    "enum": _enum_needs,
    "int": _int_needs,
}


def needs_text(domain: Domain, indices: Iterable[int]) -> str:
    """The allowed values as a request says them: ``true``, ``>= 4``, ``in [fluoroscopy, ct]``."""
    chosen = sorted(set(indices))
    if chosen == list(domain.indices()):
        return "any value"
    return _NEEDS[domain.fact.type](domain, chosen)


def describe(domain: Domain, indices: Iterable[int]) -> str:
    """The allowed values as the diff report says them: ``4 to 5``, ``fluoroscopy or ct``."""
    chosen = set(indices)
    if chosen == set(domain.indices()):
        return "any value"
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


def _run_json(run: Interval) -> dict[str, Any]:
    bounds: dict[str, Any] = {}
    if run.low is not None:
        bounds["min"] = run.low
    if run.high is not None:
        bounds["max"] = run.high
    return bounds


def _int_allowed(domain: Domain, indices: list[int]) -> dict[str, Any]:
    runs = [_run_json(run) for run in merged_intervals(domain, indices)]
    return runs[0] if len(runs) == 1 else {"ranges": runs}


_ALLOWED: Mapping[str, Callable[[Domain, list[int]], dict[str, Any]]] = {
    "bool": _bool_allowed,
    "enum": _enum_allowed,
    "int": _int_allowed,
}


def allowed(domain: Domain, indices: Iterable[int]) -> dict[str, Any]:
    """The allowed values for programs: ``{"in": [...]}`` or ``{"min": a, "max": b}``."""
    return _ALLOWED[domain.fact.type](domain, sorted(set(indices)))
