"""A brute-force reference for ``codes`` facts, independent of the region abstraction.

``has`` is evaluated by matching raw codes against the patterns as written
(exact, ``prefix*``, ``lo-hi`` with the codes under ``hi``). The code space
of the property tests is the ``TEST`` system (any other system name: letters
and digits); their patterns are written with the characters ``1 2 A B``, so
every code behaves like one of the strings of 1 to 3 characters over
``0 1 2 3 A B C`` (``0`` and ``3`` stand for the characters below and between
the pattern digits, ``C`` for those above). Every code of that universe is
matched against every set the tables read a fact with; one code per distinct
match pattern stands for all the codes that match like it, and a fact's
values are every list of those codes (the empty list included).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from medpolicy.tables.expr import And, Count, Expr, Has, Not, Or, Value
from medpolicy.tables.model import Fact, Policy

ALPHABET = "0123ABC"
UNIVERSE = tuple("".join(chars) for size in (1, 2, 3)
                 for chars in itertools.product(ALPHABET, repeat=size))


def pattern_matches(text: str, code: str) -> bool:
    """Whether ``code`` matches the pattern ``text`` (TEST system: compared as written)."""
    text = text.strip()
    if text.endswith("*"):
        return code.startswith(text[:-1])
    if "-" in text:
        low, high = text.split("-")
        return low <= code <= high or code.startswith(high)
    return code == text


def set_texts(node: Has, policy: Policy) -> tuple[str, ...]:
    """The patterns of the set ``has`` reads, as written in the table."""
    if not node.valueset:
        return node.codes
    found = next(v for v in policy.valuesets if v.id == node.valueset)
    return tuple(p.text for p in found.patterns)


def has_holds(node: Has, codes: Value, policy: Policy) -> bool:
    """``has(f, S)``: some code of the list matches some pattern of S."""
    assert isinstance(codes, tuple)
    texts = set_texts(node, policy)
    return any(pattern_matches(t, c) for t in texts for c in codes)


def _has_nodes(expr: Expr) -> Iterator[Has]:
    if isinstance(expr, Has):
        yield expr
    elif isinstance(expr, Not):
        yield from _has_nodes(expr.operand)
    elif isinstance(expr, And | Or | Count):
        for operand in expr.operands:
            yield from _has_nodes(operand)


def code_lists(fact: Fact, *policies: Policy) -> list[Value]:
    """Lists of codes that stand for every list, for the sets the tables read ``fact`` with."""
    sets: list[tuple[str, ...]] = []
    for policy in policies:
        for expr in [c.when for c in policy.criteria] + [r.when for r in policy.rows]:
            sets.extend(set_texts(n, policy) for n in _has_nodes(expr) if n.fact == fact.name)
    standing: dict[tuple[bool, ...], str] = {}
    for code in UNIVERSE:
        match = tuple(any(pattern_matches(t, code) for t in texts) for texts in sets)
        standing.setdefault(match, code)
    codes = sorted(standing.values())
    return [tuple(combo) for size in range(len(codes) + 1)
            for combo in itertools.combinations(codes, size)]
