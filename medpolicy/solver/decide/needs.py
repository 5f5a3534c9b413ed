"""Sets of abstract values in words an analyst reads (``>= 4``, ``fluoroscopy or ct``)."""

from __future__ import annotations

from collections.abc import Iterable

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
    """Each allowed value (or merged interval) as a label, in domain order."""
    chosen = sorted(set(indices))
    if domain.fact.type == "int":
        return tuple(run.describe() for run in merged_intervals(domain, chosen))
    if domain.fact.type == "decimal":
        return tuple(decimal_words(run, domain.places) for run in merged_intervals(domain, chosen))
    return tuple(domain.label(i) for i in chosen)


def describe(domain: Domain, indices: Iterable[int]) -> str:
    """The allowed values in words: ``true``, ``>= 4``, ``fluoroscopy or ct``."""
    chosen = set(indices)
    if chosen == set(domain.indices()):
        return "any value"
    return " or ".join(value_labels(domain, chosen))
