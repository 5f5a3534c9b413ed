"""The zen-engine peer: a table translated to ZEN's JSON decision model (JDM).

The translation lives in the harness only. A table becomes three nodes:

- an expression node that computes each named criterion as ``c.<id>`` (in
  ZEN's expression language, criteria referring to earlier ones as ``$.c.<id>``),
  passing the case through;
- a decision table node with hit policy ``first``: one input column per fact
  and per criterion that rows test alone (unary cells such as ``> 1`` or
  ``"a", "b"``), and one column without a field for what does not split by
  column (a standard expression). Rows come in table order for ``first`` and
  ordered by outcome strength (deny, refer, pend, approve; stable) for
  ``priority`` and ``unique``, so the first match is the strongest outcome; a
  last row with every cell empty gives the ``otherwise`` outcome (pend for a
  gap);
- input and output nodes.

Enum values travel as strings (ZEN compares ``"62320"`` with ``"62320"``).
Date windows and date literals are not translated (no benchmarked table uses
them): ``Untranslatable`` says so.

Like ``baselines.py`` this reads the loaded table's expressions and shares no
code with the engine's compiler, so the two can disagree, and
``agreement`` checks, before anything is timed, that they do not.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from itertools import pairwise
from typing import Any

from medpolicy.tables.expr import And, Compare, Const, Count, Expr, Member, Name, Not, Or, Value
from medpolicy.tables.model import OUTCOME_RANK, Case, Policy


class Untranslatable(ValueError):
    """A table uses something the JDM translation does not cover."""


def _literal(value: Value, enum: bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if enum or isinstance(value, str):
        return json.dumps(str(value))
    if isinstance(value, date):
        raise Untranslatable("date literals are not translated to JDM")
    return str(value)


class _Translator:
    """Expressions of one table in ZEN's expression and unary languages."""

    def __init__(self, policy: Policy) -> None:
        self.enums = {f.name for f in policy.facts if f.type == "enum"}
        self.criteria = set(policy.criterion_map)

    def expression(self, expr: Expr) -> str:
        """A standard ZEN expression over the case (criteria as ``$.c.<id>``)."""
        if isinstance(expr, Name):
            return f"$.c.{expr.name}" if expr.name in self.criteria else f"({expr.name} == true)"
        if isinstance(expr, Compare):
            if expr.window:
                raise Untranslatable("date windows are not translated to JDM")
            return f"({expr.fact} {expr.op} {_literal(expr.value, expr.fact in self.enums)})"
        if isinstance(expr, Member):
            items = ", ".join(_literal(v, expr.fact in self.enums) for v in expr.values)
            return f"({expr.fact} {'not in' if expr.negated else 'in'} [{items}])"
        if isinstance(expr, Not):
            return f"(not {self.expression(expr.operand)})"
        if isinstance(expr, And | Or):
            joiner = " and " if isinstance(expr, And) else " or "
            return "(" + joiner.join(self.expression(e) for e in expr.operands) + ")"
        if isinstance(expr, Count):
            total = " + ".join(f"({self.expression(e)} ? 1 : 0)" for e in expr.operands)
            op = {"at_least": ">=", "at_most": "<=", "exactly": "=="}[expr.kind]
            return f"(({total}) {op} {expr.n})"
        assert isinstance(expr, Const)
        return "true" if expr.value else "false"

    def unary(self, expr: Expr) -> tuple[str, str] | None:
        """``(column field, unary cell)`` when the test reads one field alone, else None."""
        if isinstance(expr, Name):
            field = f"c.{expr.name}" if expr.name in self.criteria else expr.name
            return field, "true"
        if isinstance(expr, Not) and isinstance(expr.operand, Name):
            name = expr.operand.name
            return (f"c.{name}" if name in self.criteria else name), "false"
        if isinstance(expr, Compare) and not expr.window:
            return expr.fact, f"{expr.op} {_literal(expr.value, expr.fact in self.enums)}"
        if isinstance(expr, Member) and not expr.negated:
            return expr.fact, ", ".join(_literal(v, expr.fact in self.enums)
                                        for v in expr.values)
        return None

    def cells(self, when: Expr) -> tuple[dict[str, str], str]:
        """A row's unary cells by field, and the expression of what is left."""
        parts: Iterable[Expr] = when.operands if isinstance(when, And) else (when,)
        cells: dict[str, str] = {}
        rest: list[str] = []
        for part in parts:
            split = self.unary(part)
            if split is None or split[0] in cells:
                rest.append(self.expression(part))
            else:
                cells[split[0]] = split[1]
        return cells, " and ".join(rest)


def _node(node_id: str, kind: str, **content: Any) -> dict[str, Any]:
    node: dict[str, Any] = {"id": node_id, "type": kind, "name": node_id,
                            "position": {"x": 0, "y": 0}}
    if content:
        node["content"] = content
    return node


def jdm(policy: Policy) -> dict[str, Any]:
    """The table as a JSON decision model: criteria, then a first-hit decision table."""
    translate = _Translator(policy)
    order = list(range(len(policy.rows)))
    if policy.hit_policy != "first":
        order.sort(key=lambda r: -OUTCOME_RANK[policy.rows[r].outcome])
    rules: list[tuple[dict[str, str], str, str]] = []
    for r in order:
        cells, rest = translate.cells(policy.rows[r].when)
        rules.append((cells, rest, policy.rows[r].outcome))
    fallback = policy.otherwise.outcome if policy.otherwise else "pend"
    rules.append(({}, "", fallback))
    fields = sorted({field for cells, _, _ in rules for field in cells})
    columns = {field: f"i{n}" for n, field in enumerate(fields)}
    inputs = [{"id": columns[f], "name": f, "field": f} for f in fields]
    inputs.append({"id": "expr", "name": "condition"})
    table_rules = []
    for n, (cells, rest, outcome) in enumerate(rules):
        rule = {"_id": f"r{n}", "expr": rest, "verdict": json.dumps(outcome)}
        rule.update({columns[f]: cells.get(f, "") for f in fields})
        table_rules.append(rule)
    table = _node("rows", "decisionTableNode", hitPolicy="first", inputs=inputs,
                  outputs=[{"id": "verdict", "name": "verdict", "field": "verdict"}],
                  rules=table_rules, passThrough=False)
    nodes = [_node("case", "inputNode")]
    chain = ["case"]
    if policy.criteria:
        expressions = [{"id": f"e{n}", "key": f"c.{c.id}", "value": translate.expression(c.when)}
                       for n, c in enumerate(policy.criteria)]
        nodes.append(_node("criteria", "expressionNode", expressions=expressions,
                           passThrough=True))
        chain.append("criteria")
    nodes += [table, _node("out", "outputNode")]
    chain += ["rows", "out"]
    edges = [{"id": f"edge{n}", "sourceId": a, "targetId": b, "type": "edge"}
             for n, (a, b) in enumerate(pairwise(chain))]
    return {"nodes": nodes, "edges": edges}


class ZenPeer:
    """A table loaded into zen-engine, deciding complete cases."""

    def __init__(self, policy: Policy) -> None:
        import zen  # the bench extra

        self.policy = policy
        self._enums = {f.name for f in policy.facts if f.type == "enum"}
        self._defaults = {f.name: f.default for f in policy.facts if f.default is not None}
        self._decision = zen.ZenEngine().create_decision(json.dumps(jdm(policy)))

    def context(self, case: Case) -> dict[str, Any]:
        """The case as ZEN's input: defaults filled in, enum values as strings."""
        values: dict[str, Any] = {**self._defaults, **case.facts}
        for name, value in values.items():
            if name in self._enums:
                values[name] = str(value)
            elif isinstance(value, Decimal):
                values[name] = float(value)
        return values

    def verdict(self, context: Mapping[str, Any]) -> str:
        """ZEN's verdict on a prepared context."""
        result = self._decision.evaluate(dict(context))["result"]
        return str(result["verdict"])


def agreement(peer: ZenPeer, verdicts: Mapping[str, str], cases: Iterable[Case]) -> list[str]:
    """The ids of the cases where ZEN's verdict differs from medpolicy's (``verdicts``)."""
    return [case.id for case in cases
            if peer.verdict(peer.context(case)) != verdicts[case.id]]
