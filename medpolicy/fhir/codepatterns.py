"""Code patterns as FHIR ValueSet ``compose.include`` entries.

- exact codes: one include with ``concept`` (the code as FHIR writes it:
  ICD-10-CM with its dot);
- ``prefix*`` in ICD-10-CM where the prefix is itself a code (a category such
  as ``E11`` or ``M54.1``): a filter ``concept is-a <prefix>``, the hierarchy
  filter the ICD-10-CM code system defines (a code is-a itself, as ``E11*``
  matches ``E11``);
- every other prefix, and every ``lo-hi`` range: a filter ``code regex`` whose
  regular expression matches exactly the codes the pattern matches (``regex``
  is a standard FHIR filter operator; the expression uses only groups, ``|``,
  ``?``, ``.*`` and character classes, and is meant to match the whole code,
  as XML Schema patterns do, so it carries no ``^``/``$``).

Each filter is its own include: filters within one include must all hold,
includes add up (FHIR ValueSet.compose).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from medpolicy.tables.codes import Pattern, Shape, shape_of, show_code

#: Systems whose FHIR code system defines ``is-a`` over code categories.
_HIERARCHY = ("ICD-10-CM",)
_TAIL = ".*"


def includes(system: str, uri: str, patterns: Sequence[Pattern]) -> list[dict[str, Any]]:
    """The ``compose.include`` entries of a set of patterns of one system."""
    exact = [p.text for p in patterns if p.kind == "exact"]
    found: list[dict[str, Any]] = []
    if exact:
        unique = list(dict.fromkeys(exact))
        found.append({"system": uri, "concept": [{"code": code} for code in unique]})
    seen: set[tuple[str, str, str]] = set()
    for pattern in patterns:
        if pattern.kind == "exact":
            continue
        rule = _filter(system, pattern)
        key = (rule["property"], rule["op"], rule["value"])
        if key not in seen:
            seen.add(key)
            found.append({"system": uri, "filter": [rule]})
    return found


def _filter(system: str, pattern: Pattern) -> dict[str, str]:
    shape = shape_of(system)
    if pattern.kind == "prefix" and system in _HIERARCHY and shape.accepts(pattern.low):
        return {"property": "concept", "op": "is-a", "value": show_code(system, pattern.low)}
    return {"property": "code", "op": "regex", "value": pattern_regex(system, pattern)}


def pattern_regex(system: str, pattern: Pattern) -> str:
    """A regular expression matching (as a whole) exactly the codes ``pattern`` matches,
    written as FHIR writes codes (ICD-10-CM with the dot after the third character)."""
    writer = _Writer(shape_of(system))
    if pattern.kind == "exact":
        return "".join(writer.char(ch, i) for i, ch in enumerate(pattern.low))
    return writer.between(pattern.low, pattern.high, 0)


class _Writer:
    """Builds the expression for the keys from ``lo`` up to ``hi`` in text order, plus
    every key that starts with ``hi`` (the range of ``codes.Pattern``)."""

    def __init__(self, shape: Shape) -> None:
        self.shape = shape

    def char(self, ch: str, index: int) -> str:
        return self._dot(index) + _escape(ch)

    def chars(self, allowed: Sequence[str], index: int) -> str:
        return self._dot(index) + _char_class(allowed)

    def _dot(self, index: int) -> str:
        return r"\." if self.shape.dotted and index == 3 else ""

    def between(self, low: str, high: str, index: int) -> str:
        """Keys ``k`` (from position ``index`` on) with ``low <= k`` and ``k <= high`` or
        ``k`` starting with ``high``."""
        if not low:
            return self.below(high, index)
        if low[0] == high[0]:
            return self.char(low[0], index) + self.between(low[1:], high[1:], index + 1)
        middle = [ch for ch in self.shape.chars(index) if low[0] < ch < high[0]]
        options = [self.char(low[0], index) + self.at_least(low[1:], index + 1)]
        if middle:
            options.append(self.chars(middle, index) + _TAIL)
        options.append(self.char(high[0], index) + self.below(high[1:], index + 1))
        return _group(options)

    def at_least(self, low: str, index: int) -> str:
        """Keys ``k`` with ``low <= k``."""
        if not low:
            return _TAIL
        options = [self.char(low[0], index) + self.at_least(low[1:], index + 1)]
        above = [ch for ch in self.shape.chars(index) if ch > low[0]]
        if above:
            options.append(self.chars(above, index) + _TAIL)
        return _group(options)

    def below(self, high: str, index: int) -> str:
        """Keys ``k`` with ``k <= high`` or ``k`` starting with ``high`` (the empty key too)."""
        if not high:
            return _TAIL
        options = [self.char(high[0], index) + self.below(high[1:], index + 1)]
        under = [ch for ch in self.shape.chars(index) if ch < high[0]]
        if under:
            options.append(self.chars(under, index) + _TAIL)
        return "(" + "|".join(options) + ")?"


def _group(options: list[str]) -> str:
    """Alternatives as one unit (a single one needs no parentheses: every "|" the
    builders write is inside a group)."""
    return options[0] if len(options) == 1 else "(" + "|".join(options) + ")"


def _escape(ch: str) -> str:
    return "\\" + ch if ch in r".\[](){}|*+?^$-" else ch


def _char_class(allowed: Sequence[str]) -> str:
    """``[...]`` of the characters, consecutive ones written as ranges."""
    ordered = sorted(set(allowed))
    runs: list[list[str]] = []
    for ch in ordered:
        if runs and ord(ch) == ord(runs[-1][-1]) + 1:
            runs[-1].append(ch)
        else:
            runs.append([ch])
    parts = [_escape(r[0]) if len(r) == 1 else
             f"{_escape(r[0])}{_escape(r[1])}" if len(r) == 2 else
             f"{_escape(r[0])}-{_escape(r[-1])}" for r in runs]
    return "[" + "".join(parts) + "]"
