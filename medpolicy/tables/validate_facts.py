"""Fact declarations and fact values: the domain of every fact.

``read_facts`` turns the ``facts`` section of a table into ``Fact`` objects,
recording every problem; ``check_value`` decides whether a value (a default,
or a value written in a case) belongs to a fact's domain, and normalizes it
(an enum value written as a number becomes its text).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from medpolicy.errors import Location, did_you_mean
from medpolicy.tables.codes import CodeIssue, normalize_code, shape_of, show_code
from medpolicy.tables.collect import Collector, describe, is_int, join
from medpolicy.tables.decimals import MAX_PLACES, fits, parse_decimal, places_words, shown
from medpolicy.tables.expr import Name, ParseError, Value, parse_expression
from medpolicy.tables.model import FACT_TYPES, Fact, FactType

#: The largest documentation cost: costs are summed by the solver in 32 bits,
#: so a request of up to 2,000 facts at this cost still fits.
MAX_COST = 1_000_000
FACT_KEYS = ("type", "values", "min", "max", "unit", "default", "question", "cost",
             "document", "actionable", "places", "system")
_ONLY_FOR = {"values": ("enum",), "min": ("int", "decimal"), "max": ("int", "decimal"),
             "unit": ("int", "decimal"), "places": ("decimal",), "system": ("codes",)}
_ARTICLE = {"bool": "a", "int": "an", "enum": "an", "decimal": "a", "date": "a", "codes": "a"}
_TYPE_ALIASES = {
    "boolean": "bool",
    "integer": "int",
    "number": "int",
    "string": "enum",
    "str": "enum",
    "choice": "enum",
}


def is_name(text: str) -> bool:
    """A name the expression language can refer to (letters, digits, '_'; no keyword)."""
    try:
        parsed = parse_expression(text)
    except ParseError:
        return False
    return isinstance(parsed, Name) and parsed.name == text


@dataclass(frozen=True)
class DomainIssue:
    """Why a value does not belong to a fact's domain."""

    message: str
    expected: str
    found: str
    hint: str | None = None


def domain_text(fact: Fact) -> str:
    """The domain of a fact in words: ``true or false``, ``a whole number from 0 to 100``."""
    if fact.type == "bool":
        return "true or false"
    if fact.type == "enum":
        return "one of " + ", ".join(fact.values)
    if fact.type == "decimal":
        return _decimal_text(fact)
    if fact.type == "date":
        return "a date YYYY-MM-DD"
    if fact.type == "codes":
        return f"a list of {fact.system} codes, e.g. [{shape_of(fact.system).example}]"
    low, high = fact.minimum, fact.maximum
    if low is not None and high is not None:
        return f"a whole number from {low} to {high}"
    if low is not None:
        return f"a whole number of at least {low}"
    if high is not None:
        return f"a whole number of at most {high}"
    return "a whole number"


def _decimal_text(fact: Fact) -> str:
    places = fact.places or 0
    text = f"a number with at most {places_words(places)}"
    low, high = fact.minimum, fact.maximum
    if low is not None and high is not None:
        return f"{text} from {shown(low, places)} to {shown(high, places)}"
    if low is not None:
        return f"{text} of at least {shown(low, places)}"
    if high is not None:
        return f"{text} of at most {shown(high, places)}"
    return text


def _check_decimal(fact: Fact, value: object) -> Value | DomainIssue:
    expected, found = domain_text(fact), describe(value)
    number = parse_decimal(value)
    if number is None:
        return DomainIssue(f"wrong type for the decimal fact '{fact.name}'", expected, found,
                           "write a number such as 37.5 or a text such as \"37.50\"")
    places = fact.places or 0
    if not fits(number, places):
        return DomainIssue(f"{found} has more places than '{fact.name}' declares ({places}); "
                           "it is never rounded", expected, found)
    too_low = fact.minimum is not None and number < fact.minimum
    too_high = fact.maximum is not None and number > fact.maximum
    if too_low or too_high:
        return DomainIssue(f"value out of range for '{fact.name}'", expected, found)
    return number.quantize(Decimal(1).scaleb(-places))


_ISO_DATE = re.compile(r"^\d{4}-\d\d-\d\d$")


def parse_date(value: object) -> date | None:
    """A date from a ``date`` or an ISO ``YYYY-MM-DD`` text that exists, else None."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _check_date(fact: Fact, value: object) -> Value | DomainIssue:
    parsed = parse_date(value)
    if parsed is not None:
        return parsed
    found = describe(value)
    if isinstance(value, str) and _ISO_DATE.match(value):
        return DomainIssue(f"impossible date {found} for '{fact.name}'",
                           "a date that exists, YYYY-MM-DD", found)
    return DomainIssue(f"wrong date format for '{fact.name}'", "a date YYYY-MM-DD", found,
                       "write dates as YYYY-MM-DD, e.g. 2025-09-01")


def _check_codes(fact: Fact, value: object) -> Value | DomainIssue:
    """A list of codes, each normalized (``g4733`` -> ``G47.33``); duplicates kept once."""
    if not isinstance(value, list | tuple):
        hint = "quote it, in a list: [\"...\"]" if isinstance(value, int | float) else None
        return DomainIssue(f"wrong type for the codes fact '{fact.name}'", domain_text(fact),
                           describe(value), hint or "write a list, e.g. [E11.9, I10]")
    codes: list[str] = []
    for item in value:
        key = normalize_code(fact.system, item)
        if isinstance(key, CodeIssue):
            return DomainIssue(f"{key.message} in '{fact.name}'", key.expected, describe(item),
                               key.hint)
        shown_code = show_code(fact.system, key)
        if shown_code not in codes:
            codes.append(shown_code)
    return tuple(codes)


def check_value(fact: Fact, value: object) -> Value | DomainIssue:
    """The value, normalized, when it is in the fact's domain; otherwise why not."""
    if fact.type == "decimal":
        return _check_decimal(fact, value)
    if fact.type == "date":
        return _check_date(fact, value)
    if fact.type == "codes":
        return _check_codes(fact, value)
    expected, found = domain_text(fact), describe(value)
    if fact.type == "bool":
        if isinstance(value, bool):
            return value
        return DomainIssue(f"wrong type for the yes/no fact '{fact.name}'", expected, found)
    if fact.type == "int":
        if not is_int(value):
            return DomainIssue(f"wrong type for the number fact '{fact.name}'", expected, found)
        assert isinstance(value, int)
        too_low = fact.minimum is not None and value < fact.minimum
        too_high = fact.maximum is not None and value > fact.maximum
        if too_low or too_high:
            return DomainIssue(f"value out of range for '{fact.name}'", expected, found)
        return value
    if isinstance(value, str) or is_int(value):
        text = str(value)
        if text in fact.values:
            return text
        return DomainIssue(
            f"{found} is not a value of the enum fact '{fact.name}'",
            expected,
            found,
            did_you_mean(text, fact.values),
        )
    return DomainIssue(f"wrong type for the enum fact '{fact.name}'", expected, found)


def read_facts(c: Collector, root: Mapping[object, object]) -> dict[str, Fact]:
    """Every well-formed fact declaration of the table's ``facts`` section."""
    section = c.mapping(root, "facts", "")
    facts: dict[str, Fact] = {}
    if section is None:
        return facts
    for name, spec in section.items():
        path = join("facts", str(name))
        if not isinstance(name, str) or not is_name(name):
            c.add(
                c.key(section, name, path),
                f"invalid fact name {describe(name)}",
                expected="a name of letters, digits and '_' that is not a keyword",
            )
            continue
        if not isinstance(spec, Mapping):
            c.wrong_type(c.value(section, name, path), "a mapping with 'type' and more", spec)
            continue
        fact = _read_fact(c, name, spec, path, c.key(section, name, path))
        if fact is not None:
            facts[name] = fact
    return facts


def _read_type(c: Collector, spec: Mapping[object, object], path: str) -> FactType | None:
    kind = c.text(spec, "type", path)
    if kind is None:
        return None
    for allowed in FACT_TYPES:
        if kind == allowed:
            return allowed
    c.add(
        c.value(spec, "type", join(path, "type")),
        f"unknown fact type {describe(kind)}",
        expected="bool, int, enum, decimal, date or codes",
        found=describe(kind),
        hint=(
            f"did you mean '{_TYPE_ALIASES[kind]}'?"
            if kind in _TYPE_ALIASES
            else did_you_mean(kind, FACT_TYPES)
        ),
    )
    return None


def _read_fact(
    c: Collector, name: str, spec: Mapping[object, object], path: str, where: Location
) -> Fact | None:
    before = len(c.problems)
    c.check_keys(spec, path, FACT_KEYS, ("type",), what="fact key")
    kind = _read_type(c, spec, path)
    for key, only in _ONLY_FOR.items():
        if kind is not None and key in spec and kind not in only:
            c.add(
                c.key(spec, key, join(path, key)),
                f"'{key}' applies only to {' and '.join(only)} facts, "
                f"and '{name}' is {_ARTICLE[kind]} {kind} fact",
            )
    values = _read_values(c, spec, path) if kind == "enum" else ()
    places = _read_places(c, name, spec, path) if kind == "decimal" else None
    low: int | Decimal | None
    high: int | Decimal | None
    if kind == "decimal":
        low, high = (_read_bound(c, name, spec, key, path, places) for key in ("min", "max"))
    else:
        low, high = c.integer(spec, "min", path), c.integer(spec, "max", path)
    if low is not None and high is not None and low > high:
        c.add(
            c.value(spec, "max", join(path, "max")),
            f"max is below min for '{name}'",
            expected=f"a number of at least {low}",
            found=str(high),
        )
    unit = c.text(spec, "unit", path)
    question = c.text(spec, "question", path) or ""
    cost = c.integer(spec, "cost", path)
    if cost is not None and not 1 <= cost <= MAX_COST:
        c.add(
            c.value(spec, "cost", join(path, "cost")),
            "the documentation cost must be positive" if cost < 1
            else "the documentation cost is too large",
            expected=f"a whole number from 1 to {MAX_COST:,}",
            found=str(cost),
        )
    document = c.text(spec, "document", path) or ""
    actionable = _read_flag(c, spec, "actionable", path)
    system = c.text(spec, "system", path) or ""
    if kind == "codes" and "system" not in spec:
        c.add(c.node(spec, join(path, "system")), f"the codes fact '{name}' needs 'system'",
              hint="ICD-10-CM, ICD-10-PCS, CPT, HCPCS, SNOMED or the name of another system")
    if kind is None or len(c.problems) > before:
        return None
    fact = Fact(name, kind, values, low, high, unit, None, question, cost or 1, where,
                document=document, actionable=actionable, places=places, system=system)
    if "default" not in spec:
        return fact
    if kind == "date":
        c.add(c.key(spec, "default", join(path, "default")),
              f"a date fact has no default: leave '{name}' unknown when the chart has no date")
        return None
    checked = check_value(fact, spec["default"])
    if isinstance(checked, DomainIssue):
        c.add(
            c.value(spec, "default", join(path, "default")),
            f"the default is not in the domain of '{name}'",
            expected=checked.expected,
            found=checked.found,
            hint=checked.hint,
        )
        return None
    return replace(fact, default=checked)


def _read_flag(c: Collector, spec: Mapping[object, object], key: str, path: str) -> bool:
    """A true/false field, false when absent."""
    value = spec.get(key, False)
    if isinstance(value, bool):
        return value
    c.wrong_type(c.value(spec, key, join(path, key)), "true or false", value)
    return False


def _read_places(c: Collector, name: str, spec: Mapping[object, object], path: str) -> int:
    """A decimal fact's ``places``: required, a whole number from 0 to 6."""
    if "places" not in spec:
        c.add(c.node(spec, join(path, "places")),
              f"the decimal fact '{name}' needs 'places' (0 to {MAX_PLACES})",
              hint="how many places after the point its values may have, e.g. 'places: 1'")
        return 0
    places = c.integer(spec, "places", path)
    if places is not None and not 0 <= places <= MAX_PLACES:
        c.add(c.value(spec, "places", join(path, "places")), "places out of range",
              expected=f"a whole number from 0 to {MAX_PLACES}", found=str(places))
    return places or 0


def _read_bound(c: Collector, name: str, spec: Mapping[object, object], key: str, path: str,
                places: int | None) -> Decimal | None:
    """A decimal fact's ``min`` or ``max``: a number with at most ``places`` places."""
    if key not in spec:
        return None
    number = parse_decimal(spec[key])
    expected = f"a number with at most {places_words(places or 0)}"
    if number is None or isinstance(spec[key], str):
        c.wrong_type(c.value(spec, key, join(path, key)), expected, spec[key])
        return None
    if not fits(number, places or 0):
        c.add(c.value(spec, key, join(path, key)),
              f"{key} has more places than '{name}' declares ({places}); it is never rounded",
              expected=expected, found=describe(spec[key]))
        return None
    return number


def _read_values(c: Collector, spec: Mapping[object, object], path: str) -> tuple[str, ...]:
    if "values" not in spec:
        c.add(c.node(spec, join(path, "values")), "an enum fact needs a list of 'values'")
        return ()
    items = c.text_list(spec, "values", path, allow_int=True, expected="a name or a whole number")
    if items is None:
        return ()
    if not items and not spec["values"]:
        c.add(
            c.value(spec, "values", join(path, "values")),
            "an enum fact needs at least one value",
            expected="a non-empty list",
            found="an empty list",
        )
    seen: dict[str, Location] = {}
    for value, where in items:
        if value in seen:
            c.add(where, f"the value '{value}' is listed twice (first on line {seen[value].line})")
        seen.setdefault(value, where)
    return tuple(seen)
