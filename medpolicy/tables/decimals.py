"""Exact decimals: case values and literals of ``decimal`` facts.

A decimal fact declares ``places`` (0 to 6). A value is exact: written as a
YAML number, a string (``"37.50"``) or a ``Decimal``, it may carry at most
``places`` significant places after the point (trailing zeros are not
significant), or it is an error, never rounded. Inside, the abstraction
works on scaled integers (``value * 10**places``); outside, every value is
shown in the table's units with exactly ``places`` places (``35.0``).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

MAX_PLACES = 6
_TEXT = re.compile(r"^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?$")


def parse_decimal(value: object) -> Decimal | None:
    """A finite Decimal from a number or a numeric text, else None (floats via their repr)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)) if value == value and abs(value) != float("inf") else None
    if isinstance(value, str) and _TEXT.match(value.strip()):
        try:
            return Decimal(value.strip())
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid text
            return None
    return None


def places_words(places: int) -> str:
    """``1 place``, ``2 places``."""
    return f"{places} place{'' if places == 1 else 's'}"


def places_of(value: Decimal) -> int:
    """Significant places after the point: ``37.50`` has 1, ``3.5e1`` has 0."""
    exponent = value.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def fits(value: Decimal, places: int) -> bool:
    """The value needs no more than ``places`` places (so it is never rounded)."""
    return places_of(value) <= places


def scaled(value: Decimal | int, places: int) -> int:
    """The exact scaled integer of a value that fits ``places``."""
    result = Decimal(value).scaleb(places)
    assert result == result.to_integral_value(), "the value has more places than declared"
    return int(result)


def unscaled(number: int, places: int) -> Decimal:
    """The table-unit value of a scaled integer, with exactly ``places`` places."""
    return Decimal(number).scaleb(-places).quantize(Decimal(1).scaleb(-places))


def shown(value: Decimal | int, places: int) -> str:
    """A value in table units with exactly ``places`` places: ``35.0``, ``7``."""
    return format(Decimal(value).quantize(Decimal(1).scaleb(-places)), "f")


def json_default(value: object) -> object:
    """``json.dumps`` hook: a Decimal as a JSON number in table units (``37.5``, ``35.0``),
    a date as its ISO text."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        return float(value) if isinstance(exponent, int) and exponent < 0 else int(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def represent_decimal(dumper: Any, value: Decimal) -> Any:
    """A YAML representer: a Decimal as a plain number, exactly as written (``35.0``)."""
    return dumper.represent_scalar("tag:yaml.org,2002:float", format(value, "f"))
