"""Type checking and normalizing the expressions of criteria and rows.

Every name must be a fact or a criterion; a bare name must be a bool fact or
a criterion; a comparison needs a fact on its left and a value of that fact's
type on its right:

- int facts: ``< <= > >= == !=``, ``in``, ``not in`` with whole numbers inside
  ``min``/``max``;
- bool facts: ``==``, ``!=``, ``in``, ``not in`` with ``true``/``false``;
- enum facts: ``==``, ``!=``, ``in``, ``not in`` with listed values (a number
  whose text is listed is fine, and is normalized to that text).

``at_least(N, [...])``, ``at_most`` and ``exactly`` count conditions; N must be
between 0 and the number of conditions listed.

Problems point at the column of the offending name or value.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from datetime import date
from decimal import Decimal

from medpolicy.errors import Location, did_you_mean
from medpolicy.tables.collect import Collector, describe, is_int
from medpolicy.tables.decimals import fits, parse_decimal, places_words
from medpolicy.tables.expr import (
    And,
    Compare,
    Const,
    Count,
    Expr,
    Has,
    Member,
    Name,
    Not,
    Or,
    ParseError,
    Value,
    parse_expression,
)
from medpolicy.tables.model import Fact
from medpolicy.tables.nesting import NESTING_VARIABLE, expression_depth, max_nesting
from medpolicy.tables.validate_facts import domain_text
from medpolicy.tables.validate_has import check_has
from medpolicy.tables.valuesets import ValueSet

Locate = Callable[[int], Location]

_EQUALITY = ("==", "!=")
_KIND = {"bool": "yes/no", "int": "number", "enum": "enum", "decimal": "decimal",
         "date": "date", "codes": "codes"}
_EXAMPLE = {"int": "{name} >= 1", "enum": "{name} == {value}", "decimal": "{name} >= 1.5",
            "date": "months_since({name}) <= 12", "codes": "has({name}, some_value_set)"}
_ORDERED = ("int", "decimal", "date")


class ExpressionChecker:
    """Checks expressions against a table's facts and criteria."""

    def __init__(
        self,
        c: Collector,
        facts: Mapping[str, Fact],
        criteria: Collection[str],
        ignore: Collection[str] = (),
        valuesets: Mapping[str, ValueSet] | None = None,
    ) -> None:
        """``ignore``: names declared with problems of their own (not reported again)."""
        self.c = c
        self.facts = facts
        self.criteria = criteria
        #: How each date fact is read so far (a window or date literals) and where.
        self.date_uses: dict[str, tuple[str, Location]] = {}
        self.ignore = ignore
        self.valuesets: Mapping[str, ValueSet] = valuesets or {}

    def parse(self, text: str, locate: Locate) -> Expr | None:
        """The parsed expression, or None (and a problem) when it does not parse."""
        try:
            parsed = parse_expression(text)
        except ParseError as error:
            self.c.add(
                locate(error.pos),
                f"cannot read the condition: {error.message}",
                expected=error.expected,
                found=error.found,
            )
            return None
        except RecursionError:
            self.c.add(locate(0), "the condition nests too deeply to read; simplify it")
            return None
        depth, limit = expression_depth(parsed), max_nesting()
        if depth > limit:
            self.c.add(
                locate(0),
                "the condition nests too deeply",
                expected=f"at most {limit} levels of and/or/not",
                found=f"{depth} levels",
                hint=f"simplify it, or raise the limit with {NESTING_VARIABLE}",
            )
            return None
        return parsed

    def check(self, expr: Expr, locate: Locate) -> Expr | None:
        """The normalized expression, or None when it has problems (all recorded)."""
        before = len(self.c.problems)
        normalized = self._walk(expr, locate)
        return normalized if len(self.c.problems) == before else None

    def _walk(self, expr: Expr, locate: Locate) -> Expr:
        if isinstance(expr, Name):
            self._bare_name(expr, locate)
            return expr
        if isinstance(expr, Compare):
            return self._compare(expr, locate)
        if isinstance(expr, Member):
            return self._member(expr, locate)
        if isinstance(expr, Not):
            return Not(self._walk(expr.operand, locate), expr.pos)
        if isinstance(expr, And):
            return And(tuple(self._walk(e, locate) for e in expr.operands), expr.pos)
        if isinstance(expr, Or):
            return Or(tuple(self._walk(e, locate) for e in expr.operands), expr.pos)
        if isinstance(expr, Count):
            return self._count(expr, locate)
        if isinstance(expr, Has):
            return check_has(self.c, expr, locate, self.facts, self.valuesets, self.ignore)
        assert isinstance(expr, Const)
        return expr

    def _count(self, expr: Count, locate: Locate) -> Expr:
        operands = tuple(self._walk(e, locate) for e in expr.operands)
        size = len(operands)
        if not 0 <= expr.n <= size:
            self.c.add(
                locate(expr.n_pos),
                f"{expr.kind} counts {size} condition{'s' if size != 1 else ''}, "
                f"so its number must be between 0 and {size}",
                expected=f"a whole number from 0 to {size}",
                found=str(expr.n),
            )
        return Count(expr.kind, expr.n, operands, expr.pos, expr.n_pos)

    def _unknown(self, name: str, where: Location) -> None:
        if name in self.ignore:
            return
        self.c.add(
            where,
            f"unknown fact or criterion '{name}'",
            hint=did_you_mean(name, [*self.facts, *self.criteria]),
        )

    def _bare_name(self, expr: Name, locate: Locate) -> None:
        fact = self.facts.get(expr.name)
        if fact is None:
            if expr.name not in self.criteria:
                self._unknown(expr.name, locate(expr.pos))
            return
        if fact.type != "bool":
            example = _EXAMPLE[fact.type].format(name=fact.name, value=(fact.values or ("x",))[0])
            self.c.add(
                locate(expr.pos),
                f"'{fact.name}' is a {_KIND[fact.type]} fact, not a condition",
                hint=f"compare it, e.g. '{example}'",
            )

    def _fact_on_left(self, name: str, pos: int, locate: Locate) -> Fact | None:
        fact = self.facts.get(name)
        if fact is not None:
            return fact
        if name in self.criteria:
            self.c.add(
                locate(pos),
                f"the criterion '{name}' cannot be compared with a value",
                hint=f"use it as a condition on its own: '{name}' or 'not {name}'",
            )
        else:
            self._unknown(name, locate(pos))
        return None

    def _use(self, fact: Fact, window: str, where: Location) -> None:
        """A date fact is read one way in a table: one window unit, or date literals."""
        how = f"{window}_since" if window else "date literals"
        first = self.date_uses.setdefault(fact.name, (how, where))
        if first[0] != how:
            self.c.add(where, f"the date fact '{fact.name}' is used with {how} here and with "
                       f"{first[0]} at line {first[1].line}, column {first[1].column}",
                       expected=f"one way to read '{fact.name}' in one table ({first[0]})",
                       found=how, hint="use one unit per date fact; that keeps it exact")

    def _window(self, expr: Compare, locate: Locate) -> Expr:
        fact = self._fact_on_left(expr.fact, expr.pos, locate)
        if fact is None:
            return expr
        if fact.type != "date":
            self.c.add(locate(expr.pos), f"{expr.window}_since needs a date fact, and "
                       f"'{fact.name}' is {_KIND[fact.type]}", expected="a date fact",
                       found=f"{fact.type} fact '{fact.name}'")
            return expr
        self._use(fact, expr.window, locate(expr.pos))
        if not is_int(expr.value):
            self.c.add(locate(expr.value_pos), f"{expr.window}_since({fact.name}) is compared "
                       "with a value that is not a whole number", expected="a whole number",
                       found=describe(expr.value))
        return expr

    def _compare(self, expr: Compare, locate: Locate) -> Expr:
        if expr.window:
            return self._window(expr, locate)
        fact = self._fact_on_left(expr.fact, expr.pos, locate)
        if fact is None:
            return expr
        if fact.type == "date":
            self._use(fact, "", locate(expr.pos))
        if fact.type == "codes":
            return self._codes_compared(fact, expr.pos, locate)
        if fact.type not in _ORDERED and expr.op not in _EQUALITY:
            self.c.add(
                locate(expr.pos),
                f"'{expr.op}' does not apply to the {_KIND[fact.type]} fact '{fact.name}'",
                expected="== or !=, or 'in [...]'",
                found=repr(expr.op),
            )
            return expr
        value = self._value(fact, expr.value, locate(expr.value_pos))
        return Compare(expr.fact, expr.op, value, expr.pos, expr.value_pos)

    def _member(self, expr: Member, locate: Locate) -> Expr:
        fact = self._fact_on_left(expr.fact, expr.pos, locate)
        if fact is None:
            return expr
        if fact.type == "date":
            self._use(fact, "", locate(expr.pos))
        if fact.type == "codes":
            return self._codes_compared(fact, expr.pos, locate)
        values = tuple(
            self._value(fact, value, locate(pos))
            for value, pos in zip(expr.values, expr.value_pos, strict=True)
        )
        return Member(expr.fact, values, expr.negated, expr.pos, expr.value_pos)

    def _codes_compared(self, fact: Fact, pos: int, locate: Locate) -> Expr:
        self.c.add(locate(pos), f"the codes fact '{fact.name}' is read with has(...), not "
                   "compared", expected=f"has({fact.name}, <value set>) or "
                   f"has({fact.name}, [\"code\", \"prefix*\"])")
        return Const(False, pos)

    def _decimal(self, fact: Fact, value: Value, where: Location) -> Value:
        """A decimal fact's literal: a number with at most ``places`` places, in range."""
        number = None if isinstance(value, str) else parse_decimal(value)
        places = fact.places or 0
        expected = f"a number with at most {places_words(places)}"
        if number is None:
            self.c.add(where, f"the decimal fact '{fact.name}' is compared with a value that "
                       "is not a number", expected=expected, found=describe(value))
            return value
        if not fits(number, places):
            self.c.add(where, f"the threshold {describe(value)} has more places than "
                       f"'{fact.name}' declares ({places}); it is never rounded",
                       expected=expected, found=describe(value))
            return value
        if not _in_range(fact, number):
            self.c.add(where, f"the threshold {describe(value)} is outside the range of "
                       f"'{fact.name}'", expected=domain_text(fact), found=describe(value))
        return number

    def _value(self, fact: Fact, value: Value, where: Location) -> Value:
        """The value normalized to the fact's type; records a problem when it does not fit."""
        if fact.type == "decimal":
            return self._decimal(fact, value, where)
        if fact.type == "date":
            if not isinstance(value, date):
                self.c.add(where, f"the date fact '{fact.name}' is compared with "
                           f"{describe(value)}, not a date", expected="a date YYYY-MM-DD",
                           found=describe(value),
                           hint=f"or count time: months_since({fact.name}) <= 12")
            return value
        if fact.type == "int":
            if not is_int(value):
                self.c.add(
                    where,
                    f"the number fact '{fact.name}' is compared with a value that is not a number",
                    expected="a whole number",
                    found=describe(value),
                )
            elif not _in_range(fact, value):
                self.c.add(
                    where,
                    f"the threshold {value} is outside the range of '{fact.name}'",
                    expected=domain_text(fact),
                    found=str(value),
                )
            return value
        if fact.type == "bool":
            if not isinstance(value, bool):
                self.c.add(
                    where,
                    f"the yes/no fact '{fact.name}' is compared with {describe(value)}",
                    expected="true or false",
                    found=describe(value),
                )
            return value
        text = str(value) if isinstance(value, str) or is_int(value) else None
        if text is None or text not in fact.values:
            self.c.add(
                where,
                f"{describe(value)} is not a value of the enum fact '{fact.name}'",
                expected=domain_text(fact),
                found=describe(value),
                hint=did_you_mean(text, fact.values) if text is not None else None,
            )
            return value
        return text


def _in_range(fact: Fact, value: Value) -> bool:
    assert isinstance(value, int | Decimal)
    if fact.minimum is not None and value < fact.minimum:
        return False
    return fact.maximum is None or value <= fact.maximum
