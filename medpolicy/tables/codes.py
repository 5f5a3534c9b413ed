"""Code systems: what a code looks like, how it is normalized, and code patterns.

A ``codes`` fact names its ``system``. Each named system has a shape (the
characters allowed at each position and the lengths a code may have); any
other system name accepts letters, digits, ``.`` and ``_`` (no ``-``, which
writes ranges). Codes are stored and compared by their *key*: ICD-10-CM and
ICD-10-PCS upper case, ICD-10-CM without its dot (``g47.33``, ``G4733`` and
``G47.33`` are one code, shown ``G47.33``); CPT and HCPCS upper case.

A pattern is an exact code (``I10``), a prefix (``E11*``: every code that
starts with it) or a range (``M51.16-M51.17``: every code from ``lo`` up to
``hi`` in text order, plus every code that starts with ``hi``). Every pattern
is a half-open interval of keys, which is what the region abstraction cuts.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Literal

#: Sorts after every character a code may hold (codes are printable ASCII).
HIGH = "\x7f"
#: Sorts before every character a code may hold.
LOW = "\x00"

_DIGITS = string.digits
_UPPER = string.ascii_uppercase
_ALNUM = _DIGITS + _UPPER
_PCS = "".join(ch for ch in _ALNUM if ch not in "IO")
_OTHER = "".join(sorted(_DIGITS + _UPPER + string.ascii_lowercase + "._"))


@dataclass(frozen=True)
class Shape:
    """The codes of a system: the characters allowed at each position, and lengths."""

    name: str
    positions: tuple[str, ...]
    tail: str
    min_len: int
    max_len: int
    example: str
    upper: bool = True
    dotted: bool = False

    def chars(self, index: int) -> str:
        """The characters allowed at position ``index`` (in sorted order)."""
        return self.positions[index] if index < len(self.positions) else self.tail

    def accepts(self, key: str) -> bool:
        """Whether ``key`` is a whole code of this system."""
        return self.min_len <= len(key) <= self.max_len and self.starts(key)

    def starts(self, key: str) -> bool:
        """Whether some code of this system starts with ``key``."""
        return len(key) <= self.max_len and all(
            ch in self.chars(i) for i, ch in enumerate(key))


SYSTEMS: dict[str, Shape] = {
    "ICD-10-CM": Shape("ICD-10-CM", (_UPPER, _DIGITS, _ALNUM), _ALNUM, 3, 7, "G47.33",
                       dotted=True),
    "ICD-10-PCS": Shape("ICD-10-PCS", (), _PCS, 7, 7, "0SG00A0"),
    "CPT": Shape("CPT", (_DIGITS,) * 4 + (_DIGITS + "FTU",), "", 5, 5, "72148"),
    "HCPCS": Shape("HCPCS", (_UPPER,) + (_DIGITS,) * 4, "", 5, 5, "E0601"),
    "SNOMED": Shape("SNOMED", (_DIGITS[1:],), _DIGITS, 6, 18, "73430006", upper=False),
}
_ANY = Shape("", ("".join(sorted(_ALNUM + string.ascii_lowercase)),), _OTHER, 1, 40, "A1",
             upper=False)


def shape_of(system: str) -> Shape:
    """The shape of a named system, or the permissive shape of any other name."""
    return SYSTEMS.get(system, _ANY)


def key_of(system: str, text: str) -> str:
    """A code as written, in its comparison form (no check that it is well formed)."""
    shape = shape_of(system)
    text = text.strip()
    if shape.upper:
        text = text.upper()
    if shape.dotted:
        text = text.replace(".", "")
    return text


def show_code(system: str, key: str) -> str:
    """A code's key as people read it: ICD-10-CM with its dot (``G47.33``)."""
    if shape_of(system).dotted and len(key) > 3:
        return f"{key[:3]}.{key[3:]}"
    return key


def show_list(codes: tuple[str, ...]) -> str:
    """A case's list of codes as people read it: ``[E11.9, I10]``, ``[]`` for none."""
    return "[" + ", ".join(codes) + "]"


def split_codes(text: str) -> list[str]:
    """Codes written in one text cell (CSV, Parquet): ``E11.9;I10`` or ``E11.9|I10``;
    ``[]`` is the empty list."""
    if text.strip() == "[]":
        return []
    return [code.strip() for code in text.replace("|", ";").split(";")]


@dataclass(frozen=True)
class CodeIssue:
    """Why a code or pattern is not well formed for its system."""

    message: str
    expected: str
    hint: str | None = None


def code_expected(system: str) -> str:
    """What a code of ``system`` looks like, in words."""
    shape = shape_of(system)
    if shape is _ANY:
        return "a code of letters, digits, '.' and '_'"
    return f"a {system} code such as {shape.example}"


def normalize_code(system: str, value: object) -> str | CodeIssue:
    """The key of one code of a case or a default, or why it is not one."""
    if isinstance(value, bool) or not isinstance(value, str):
        if isinstance(value, int | float):
            return CodeIssue("a code written as a number", "a quoted code",
                             f"quote it: \"{value}\" (a number loses leading zeros)")
        return CodeIssue("a code must be a text", code_expected(system))
    key = key_of(system, value)
    if not shape_of(system).accepts(key):
        return CodeIssue(f"malformed {system} code {value!r}", code_expected(system))
    return key


Kind = Literal["exact", "prefix", "range"]


@dataclass(frozen=True)
class Pattern:
    """An exact code, a prefix (``E11*``) or a range (``lo-hi``), as keys."""

    kind: Kind
    low: str
    high: str
    text: str

    def bounds(self) -> tuple[str, str]:
        """The half-open interval of keys ``[start, end)`` the pattern matches."""
        if self.kind == "exact":
            return self.low, self.low + LOW
        return self.low, self.high + HIGH

    def matches(self, key: str) -> bool:
        """Whether the code ``key`` matches the pattern."""
        if self.kind == "exact":
            return key == self.low
        if self.kind == "prefix":
            return key.startswith(self.low)
        return self.low <= key <= self.high or key.startswith(self.high)


def parse_pattern(system: str, value: object) -> Pattern | CodeIssue:
    """A value-set entry (``I10``, ``E11*``, ``I25.10-I25.119``), or why it is not one."""
    if isinstance(value, bool) or not isinstance(value, str):
        if isinstance(value, int | float):
            return CodeIssue("a code written as a number", "a quoted code",
                             f"quote it: \"{value}\" (a number loses leading zeros)")
        return CodeIssue("a code pattern must be a text", code_expected(system))
    text = value.strip()
    shape = shape_of(system)
    if text.endswith("*"):
        key = key_of(system, text[:-1])
        if not key or not shape.starts(key):
            return CodeIssue(f"{text!r} is not the start of a {system or 'valid'} code",
                             f"a prefix of {code_expected(system)}, then '*'")
        return Pattern("prefix", key, key, text)
    if "-" in text:
        low_text, _, high_text = text.partition("-")
        low, high = key_of(system, low_text), key_of(system, high_text)
        for part, key in ((low_text, low), (high_text, high)):
            if not key or not shape.starts(key):
                return CodeIssue(f"the range end {part.strip()!r} is not a {system} code",
                                 code_expected(system))
        if low > high:
            return CodeIssue(f"the range {text!r} has its ends out of order",
                             "a range written low-high",
                             f"write it {high_text.strip()}-{low_text.strip()}")
        return Pattern("range", low, high, text)
    key = key_of(system, text)
    if not shape.accepts(key):
        return CodeIssue(f"malformed {system} code {text!r}", code_expected(system),
                         "a prefix ends with '*', a range is written lo-hi")
    return Pattern("exact", key, key, show_code(system, key))


def least_code(system: str, lower: str) -> str | None:
    """The smallest key of a whole code of ``system`` that is ``>= lower`` (None: none)."""
    shape = shape_of(system)

    def fill(prefix: str) -> str | None:
        while len(prefix) < shape.min_len:
            chars = shape.chars(len(prefix))
            if not chars:
                return None
            prefix += chars[0]
        return prefix

    def search(prefix: str) -> str | None:
        i = len(prefix)
        if i == len(lower):
            return fill(prefix)
        if i >= shape.max_len:
            return None
        chars = shape.chars(i)
        if lower[i] in chars:
            found = search(prefix + lower[i])
            if found is not None:
                return found
        bigger = [ch for ch in chars if ch > lower[i]]
        return fill(prefix + bigger[0]) if bigger else None

    return search("")
