"""Collecting problems while reading a parsed table or case.

A ``Collector`` walks mappings and lists produced by ``yamlio``, reads typed
fields, and records every problem (with its file, line, column and YAML path)
instead of stopping at the first; the caller raises one ``ValidationError``
with all of them. Plain dicts (JSON Lines, CSV rows) work too: their problems
carry the line the caller gives.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from decimal import Decimal
from typing import TypeVar

from medpolicy.errors import Location, Problem, did_you_mean
from medpolicy.tables.yamlio import Document, Span, YamlList, YamlMap

Key = str | int
_T = TypeVar("_T", bound=str)


def join(path: str, key: Key) -> str:
    """A YAML path one step further: ``rows[3]`` or ``facts.levels``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def describe(value: object) -> str:
    """A value as a message shows it: ``'two'``, ``4``, ``true``, ``a list``."""
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return type(value).__name__


def is_int(value: object) -> bool:
    """A whole number, and not a boolean (``True`` is an int in Python)."""
    return isinstance(value, int) and not isinstance(value, bool)


def sorted_problems(problems: Sequence[Problem]) -> list[Problem]:
    """Problems in the order of the file (line, then column); unplaced ones first."""
    return sorted(problems, key=lambda p: (p.location.line or 0, p.location.column or 0))


class Collector:
    """Reads typed fields and records every problem with its location."""

    def __init__(self, document: Document, line: int | None = None) -> None:
        self.document = document
        self.line = line
        self.problems: list[Problem] = []

    @property
    def file(self) -> str:
        return self.document.file

    # -- locations ---------------------------------------------------------

    def _at(self, span: Span | None, path: str) -> Location:
        if span is None:
            return Location(self.file, self.line, None, path)
        return Location(span.file or self.file, span.line, span.column, path)

    def node(self, value: object, path: str) -> Location:
        """Where a mapping or list itself starts."""
        return self._at(value.span if isinstance(value, YamlMap | YamlList) else None, path)

    def key(self, mapping: Mapping[object, object], key: object, path: str) -> Location:
        """Where a key of a mapping is written."""
        span = mapping.key_spans.get(key) if isinstance(mapping, YamlMap) else None
        return self._at(span or self._span_of(mapping), path)

    def value(self, mapping: Mapping[object, object], key: object, path: str) -> Location:
        """Where the value of a key is written."""
        span = mapping.value_spans.get(key) if isinstance(mapping, YamlMap) else None
        return self._at(span or self._span_of(mapping), path)

    def item(self, items: Sequence[object], index: int, path: str) -> Location:
        """Where an item of a list is written."""
        span = None
        if isinstance(items, YamlList) and index < len(items.item_spans):
            span = items.item_spans[index]
        return self._at(span or self._span_of(items), path)

    def text_locator(
        self, mapping: Mapping[object, object], key: object, path: str
    ) -> Callable[[int], Location]:
        """A function from a character offset in a text value to its location."""
        value = mapping.get(key)
        span = mapping.value_spans.get(key) if isinstance(mapping, YamlMap) else None

        def locate(offset: int) -> Location:
            if span is None or not isinstance(value, str):
                return self.value(mapping, key, path)
            line, column = self.document.position(span, value, offset)
            return Location(span.file or self.file, line, column, path)

        return locate

    @staticmethod
    def _span_of(value: object) -> Span | None:
        return value.span if isinstance(value, YamlMap | YamlList) else None

    # -- recording ---------------------------------------------------------

    def add(
        self,
        location: Location,
        message: str,
        *,
        expected: str | None = None,
        found: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.problems.append(Problem(location, message, expected, found, hint))

    def check_keys(
        self,
        mapping: Mapping[object, object],
        path: str,
        allowed: Sequence[str],
        required: Collection[str] = (),
        what: str = "key",
    ) -> None:
        """Unknown keys (with a did-you-mean hint) and missing required keys."""
        for key in mapping:
            if key not in allowed:
                self.add(
                    self.key(mapping, key, join(path, str(key))),
                    f"unknown {what} {describe(key)}",
                    expected="one of " + ", ".join(allowed),
                    hint=did_you_mean(str(key), allowed),
                )
        for key in required:
            if key not in mapping:
                self.add(
                    self.node(mapping, join(path, key)),
                    f"missing required key '{key}'",
                )

    def wrong_type(self, location: Location, expected: str, value: object) -> None:
        self.add(location, "wrong type", expected=expected, found=describe(value))

    # -- typed fields ------------------------------------------------------

    def mapping(
        self, parent: Mapping[object, object], key: str, path: str
    ) -> Mapping[object, object] | None:
        """A mapping field, or None when absent or of the wrong type."""
        value = parent.get(key)
        if key not in parent:
            return None
        if not isinstance(value, Mapping):
            self.wrong_type(self.value(parent, key, join(path, key)), "a mapping", value)
            return None
        return value

    def sequence(self, parent: Mapping[object, object], key: str, path: str) -> list[object] | None:
        """A list field, or None when absent or of the wrong type."""
        value = parent.get(key)
        if key not in parent:
            return None
        if not isinstance(value, list):
            self.wrong_type(self.value(parent, key, join(path, key)), "a list", value)
            return None
        return value

    def text(
        self, parent: Mapping[object, object], key: str, path: str, *, allow_int: bool = False
    ) -> str | None:
        """A text field (optionally a whole number, kept as its text)."""
        if key not in parent:
            return None
        value = parent[key]
        if isinstance(value, str) and value.strip():
            return value
        if allow_int and is_int(value):
            return str(value)
        number = isinstance(value, int | float | Decimal) and not isinstance(value, bool)
        self.add(
            self.value(parent, key, join(path, key)),
            "empty text" if isinstance(value, str) else "wrong type",
            expected="a text",
            found=describe(value),
            hint="quote it, so that it stays exactly as written" if number else None,
        )
        return None

    def integer(self, parent: Mapping[object, object], key: str, path: str) -> int | None:
        """A whole-number field."""
        if key not in parent:
            return None
        value = parent[key]
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        self.wrong_type(self.value(parent, key, join(path, key)), "a whole number", value)
        return None

    def text_list(
        self,
        parent: Mapping[object, object],
        key: str,
        path: str,
        *,
        allow_int: bool = False,
        expected: str = "a text",
    ) -> list[tuple[str, Location]] | None:
        """A list of texts, each with its location."""
        items = self.sequence(parent, key, path)
        if items is None:
            return None
        result: list[tuple[str, Location]] = []
        for index, item in enumerate(items):
            where = self.item(items, index, join(join(path, key), index))
            if isinstance(item, str) and item.strip():
                result.append((item, where))
            elif allow_int and is_int(item):
                result.append((str(item), where))
            else:
                self.wrong_type(where, expected, item)
        return result

    def choice(
        self, mapping: Mapping[object, object], key: str, path: str, allowed: tuple[_T, ...]
    ) -> _T | None:
        """A text field that must be one of ``allowed`` (with a did-you-mean hint)."""
        text = self.text(mapping, key, path)
        if text is None:
            return None
        for choice in allowed:
            if text == choice:
                return choice
        self.add(
            self.value(mapping, key, join(path, key)),
            f"unknown {key.replace('_', ' ')} {describe(text)}",
            expected=", ".join(allowed[:-1]) + " or " + allowed[-1],
            found=describe(text),
            hint=did_you_mean(text, allowed),
        )
        return None
