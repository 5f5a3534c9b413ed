"""Criteria: named conditions, their names, and cycles among them.

``read_criteria`` parses and checks every criterion of a table's ``criteria``
section; criteria that refer to each other in a cycle are reported with the
cycle spelled out (``a -> b -> a``), at the first criterion's reference to
the next.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from medpolicy.errors import Location
from medpolicy.tables.collect import Collector, describe, join
from medpolicy.tables.expr import Expr, names_in
from medpolicy.tables.graphs import find_cycle, strongly_connected
from medpolicy.tables.model import Criterion
from medpolicy.tables.nesting import NESTING_VARIABLE, criterion_depths, max_nesting
from medpolicy.tables.validate_expr import ExpressionChecker, Locate
from medpolicy.tables.validate_facts import is_name

CRITERION_KEYS = ("when", "description")


@dataclass(frozen=True)
class Condition:
    """A ``when`` as written: its text, where it is, and its parse (if any)."""

    text: str
    locate: Locate
    parsed: Expr | None


def read_condition(
    c: Collector, spec: Mapping[object, object], path: str, checker: ExpressionChecker
) -> Condition | None:
    """The ``when`` of a criterion or row, parsed (problems recorded)."""
    if "when" not in spec:
        return None
    value = spec["when"]
    text = ("true" if value else "false") if isinstance(value, bool) else value
    where = join(path, "when")
    if not isinstance(text, str) or not text.strip():
        c.wrong_type(c.value(spec, "when", where), "a condition (a text)", value)
        return None
    locate = c.text_locator(spec, "when", where)
    return Condition(text, locate, checker.parse(text, locate))


def _conditions(
    c: Collector,
    section: Mapping[object, object],
    checker: ExpressionChecker,
    fact_names: list[str],
) -> dict[str, tuple[Condition, str, Location]]:
    conditions: dict[str, tuple[Condition, str, Location]] = {}
    for name, spec in section.items():
        path = join("criteria", str(name))
        where = c.key(section, name, path)
        if not isinstance(name, str) or not is_name(name):
            c.add(
                where,
                f"invalid criterion name {describe(name)}",
                expected="a name of letters, digits and '_' that is not a keyword",
            )
            continue
        if name in fact_names:
            c.add(where, f"the criterion '{name}' has the same name as a fact; rename one")
        if not isinstance(spec, Mapping):
            c.wrong_type(c.value(section, name, path), "a mapping with 'when'", spec)
            continue
        c.check_keys(spec, path, CRITERION_KEYS, ("when",), what="criterion key")
        description = c.text(spec, "description", path) or ""
        condition = read_condition(c, spec, path, checker)
        if condition is not None:
            conditions[name] = (condition, description, where)
    return conditions


def _report_cycles(c: Collector, conditions: Mapping[str, tuple[Condition, str, Location]]) -> None:
    """One problem per cycle of criteria that refer to each other."""
    order = {name: i for i, name in enumerate(conditions)}
    graph: dict[str, list[str]] = {name: [] for name in conditions}
    for name, (cond, _, _) in conditions.items():
        for used, _pos in names_in(cond.parsed) if cond.parsed else ():
            if used in conditions and used not in graph[name]:
                graph[name].append(used)
    for component in strongly_connected(graph):
        start = min(component, key=order.__getitem__)
        if len(component) == 1 and start not in graph[start]:
            continue
        cycle = find_cycle(graph, component, start)
        first = min(cycle, key=order.__getitem__)
        cycle = cycle[cycle.index(first) :] + cycle[: cycle.index(first)]
        cond = conditions[first][0]
        assert cond.parsed is not None
        successor = cycle[1 % len(cycle)]
        pos = next(p for n, p in names_in(cond.parsed) if n == successor)
        c.add(
            cond.locate(pos),
            "the criteria form a cycle: " + " -> ".join([*cycle, first]),
            hint="a criterion cannot depend on itself, directly or through others",
        )


def _report_depth(c: Collector, conditions: Mapping[str, tuple[Condition, str, Location]]) -> None:
    """One problem for the first criterion whose chain of criteria nests past the limit."""
    parsed = {name: cond.parsed for name, (cond, _, _) in conditions.items() if cond.parsed}
    limit = max_nesting()
    for name, depth in criterion_depths(parsed).items():
        if depth > limit:
            c.add(
                conditions[name][2],
                f"the criterion '{name}' nests too deeply through the criteria it names",
                expected=f"at most {limit} levels of criteria and and/or/not",
                found=f"{depth} levels",
                hint=f"flatten the chain, or raise the limit with {NESTING_VARIABLE}",
            )
            return


def read_criteria(
    c: Collector,
    section: Mapping[object, object],
    checker: ExpressionChecker,
    fact_names: list[str],
) -> tuple[Criterion, ...]:
    """The well-formed criteria of a ``criteria`` section (problems recorded)."""
    conditions = _conditions(c, section, checker, fact_names)
    _report_cycles(c, conditions)
    _report_depth(c, conditions)
    criteria: list[Criterion] = []
    for name, (cond, description, where) in conditions.items():
        expr = checker.check(cond.parsed, cond.locate) if cond.parsed else None
        if expr is not None:
            criteria.append(Criterion(name, expr, cond.text, description, where))
    return tuple(criteria)
