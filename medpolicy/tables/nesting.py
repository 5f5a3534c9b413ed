"""How deeply conditions nest, and the limit a table must stay within.

Depth comes from user input: ``not not not ... x`` or a chain of criteria
each naming the one before. Every later stage (compilation, DNF, the
explanation graph) walks conditions, so the loader bounds their depth once,
here, and reports a table past it as a located error instead of letting a
later stage run out of stack. The depth of a condition counts its nested
``and``/``or``/``not`` levels; the depth of a criterion adds the depth of the
deepest criterion it names. Both walks are iterative.

The limit is ``DEFAULT_MAX_NESTING`` levels; set the environment variable
``MEDPOLICY_MAX_NESTING`` to raise (or lower) it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from medpolicy.tables.expr import And, Expr, Name, Not, Or

#: Levels of nesting a condition or a chain of criteria may reach.
DEFAULT_MAX_NESTING = 200
#: The environment variable that overrides the limit.
NESTING_VARIABLE = "MEDPOLICY_MAX_NESTING"


def max_nesting() -> int:
    """The limit in force: ``MEDPOLICY_MAX_NESTING`` when set to a positive integer."""
    raw = os.environ.get(NESTING_VARIABLE, "")
    if raw.strip().isdigit() and int(raw) > 0:
        return int(raw)
    return DEFAULT_MAX_NESTING


def expression_depth(expr: Expr) -> int:
    """Levels of ``and``/``or``/``not`` above the deepest leaf (a leaf alone is 0)."""
    deepest = 0
    stack: list[tuple[Expr, int]] = [(expr, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(node, Not):
            stack.append((node.operand, depth + 1))
        elif isinstance(node, And | Or):
            stack.extend((operand, depth + 1) for operand in node.operands)
    return deepest


def _named(expr: Expr, criteria: Mapping[str, Expr]) -> list[tuple[str, int]]:
    """The criteria an expression names, each with the depth at which it is named."""
    found: list[tuple[str, int]] = []
    stack: list[tuple[Expr, int]] = [(expr, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, Name) and node.name in criteria:
            found.append((node.name, depth))
        elif isinstance(node, Not):
            stack.append((node.operand, depth + 1))
        elif isinstance(node, And | Or):
            stack.extend((operand, depth + 1) for operand in node.operands)
    return found


def criterion_depths(criteria: Mapping[str, Expr]) -> dict[str, int]:
    """The nesting depth of each criterion, through the criteria it names.

    Criteria in a cycle (reported elsewhere) are given the depth of their own
    condition only.
    """
    depths: dict[str, int] = {}
    visiting: set[str] = set()
    for root in criteria:
        stack: list[tuple[str, bool]] = [(root, False)]
        while stack:
            name, expanded = stack.pop()
            if name in depths:
                continue
            named = _named(criteria[name], criteria)
            if not expanded:
                visiting.add(name)
                stack.append((name, True))
                stack.extend((n, False) for n, _ in named if n not in depths
                             and n not in visiting)
                continue
            visiting.discard(name)
            own = expression_depth(criteria[name])
            through = [depth + 1 + depths.get(n, 0) for n, depth in named]
            depths[name] = max([own, *through])
    return depths
