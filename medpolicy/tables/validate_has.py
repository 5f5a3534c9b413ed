"""Checking ``has(fact, VS)`` and ``has(fact, [patterns])`` conditions.

The fact must be a ``codes`` fact, the value set must exist and share the
fact's system, and every inline pattern must be well formed for that system.
The checked node carries the patterns, so nothing downstream looks them up.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping

from medpolicy.errors import Location, did_you_mean
from medpolicy.tables.codes import CodeIssue, Pattern, parse_pattern
from medpolicy.tables.collect import Collector
from medpolicy.tables.expr import Has
from medpolicy.tables.model import Fact
from medpolicy.tables.valuesets import ValueSet

Locate = Callable[[int], Location]


def check_has(c: Collector, expr: Has, locate: Locate, facts: Mapping[str, Fact],
              valuesets: Mapping[str, ValueSet], ignore: Collection[str]) -> Has:
    """The ``has`` node with its patterns filled in; records every problem."""
    fact = facts.get(expr.fact)
    if fact is None:
        if expr.fact not in ignore:
            c.add(locate(expr.pos), f"unknown codes fact '{expr.fact}' in has(...)",
                  hint=did_you_mean(expr.fact, [f.name for f in facts.values()
                                                if f.type == "codes"]))
        return expr
    if fact.type != "codes":
        c.add(locate(expr.pos), f"has(...) needs a codes fact, and '{fact.name}' is a "
              f"{fact.type} fact", expected="a fact of type codes", found=f"{fact.type} fact")
        return expr
    if expr.valueset:
        return _named(c, expr, locate, fact, valuesets)
    patterns: list[Pattern] = []
    for code, pos in zip(expr.codes, expr.code_pos, strict=True):
        parsed = parse_pattern(fact.system, code)
        if isinstance(parsed, CodeIssue):
            c.add(locate(pos), parsed.message, expected=parsed.expected, found=repr(code),
                  hint=parsed.hint)
        else:
            patterns.append(parsed)
    return Has(expr.fact, "", expr.codes, expr.pos, expr.arg_pos, expr.code_pos,
               tuple(patterns))


def _named(c: Collector, expr: Has, locate: Locate, fact: Fact,
           valuesets: Mapping[str, ValueSet]) -> Has:
    found = valuesets.get(expr.valueset)
    if found is None:
        c.add(locate(expr.arg_pos), f"unknown value set '{expr.valueset}'",
              expected="an id of the 'valuesets' section",
              hint=did_you_mean(expr.valueset, valuesets)
              or f"declare '{expr.valueset}' under 'valuesets'")
        return expr
    if found.system != fact.system:
        c.add(locate(expr.arg_pos), f"the value set '{found.id}' holds {found.system} codes "
              f"and '{fact.name}' holds {fact.system} codes",
              expected=f"a value set of system {fact.system}", found=found.system)
        return expr
    return Has(expr.fact, expr.valueset, (), expr.pos, expr.arg_pos, (), found.patterns)
