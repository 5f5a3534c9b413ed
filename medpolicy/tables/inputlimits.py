"""Limits on what an input may hold, shared by the YAML loader, case files and batch.

Each limit keeps a careless or hostile input from reaching code that would
fail with a traceback or run without end:

- numbers with more than ``MAX_DIGITS`` digits (Python refuses to convert
  integers over 4,300 digits, and no fact needs more than a few);
- text holding a lone surrogate (it cannot be written as UTF-8) or a control
  character other than tab, newline and carriage return (it could forge lines
  or escape sequences in an output);
- files larger than ``max_file_bytes()`` (``MEDPOLICY_MAX_FILE_BYTES``).

Nesting is bounded by the YAML/JSON readers (``RecursionError`` becomes a
located error) and, for conditions, by ``medpolicy.tables.nesting``.
"""

from __future__ import annotations

import os
import re

#: Digits a number may have (sign, point and exponent not counted).
MAX_DIGITS = 50
#: Bytes a table or case file may have, unless ``MEDPOLICY_MAX_FILE_BYTES`` says otherwise.
DEFAULT_MAX_FILE_BYTES = 16 * 1024 * 1024
FILE_BYTES_VARIABLE = "MEDPOLICY_MAX_FILE_BYTES"

_BAD_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def max_file_bytes() -> int:
    """The file size limit in force."""
    raw = os.environ.get(FILE_BYTES_VARIABLE, "")
    return int(raw) if raw.strip().isdigit() and int(raw) > 0 else DEFAULT_MAX_FILE_BYTES


def digit_count(text: str) -> int:
    """The digits of a number as written (its mantissa, for a float)."""
    mantissa = re.split("[eE]", text, maxsplit=1)[0]
    return sum(ch.isdigit() for ch in mantissa)


def too_many_digits(text: str) -> str | None:
    """A message when the number written as ``text`` has more than ``MAX_DIGITS`` digits."""
    digits = digit_count(text)
    if digits > MAX_DIGITS:
        return f"a number has {digits} digits, more than the {MAX_DIGITS} allowed"
    return None


def bad_character(text: str) -> str | None:
    """A message naming the first lone surrogate or control character in ``text``, or None."""
    found = _BAD_CHARACTER.search(text)
    if found is None:
        return None
    code = ord(found.group())
    kind = "a lone surrogate" if 0xD800 <= code <= 0xDFFF else "a control character"
    return f"a text holds {kind} (U+{code:04X}) at character {found.start() + 1}"
