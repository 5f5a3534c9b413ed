"""What changed in a table's text: facts, criteria, rows, thresholds, citations, settings.

Criteria and rows are matched by id. An id that disappears while another
appears with the same definition (comparing criterion references through the
renames found so far, and for rows the same outcome) is a *rename*, not a
removal and an addition. A definition is compared as normalised expression
text: a reformatted condition is unchanged, one whose and/or operands (or
listed values) only come in another order is matched and shown as
"operands reordered", and any other rewrite is a change, even when it is
equivalent: whether a change alters any verdict is the semantic diff's question.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from medpolicy.logic.thresholds import int_comparisons
from medpolicy.solver.diff.valuesets import valueset_changes
from medpolicy.tables.expr import And, Count, Expr, Member, Name, Not, Or, to_text
from medpolicy.tables.model import Policy


@dataclass(frozen=True)
class Change:
    """One item changed: what it is, and each difference as ``field: old -> new``."""

    id: str
    details: tuple[str, ...]


@dataclass(frozen=True)
class Section:
    """Items of one kind added, removed, renamed (old, new) and changed."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    renamed: tuple[tuple[str, str], ...] = ()
    changed: tuple[Change, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.renamed or self.changed)

    def to_dict(self) -> dict[str, Any]:
        return {"added": list(self.added), "removed": list(self.removed),
                "renamed": [{"old": a, "new": b} for a, b in self.renamed],
                "changed": {c.id: list(c.details) for c in self.changed}}


@dataclass(frozen=True)
class StructuralDiff:
    """Every textual difference between two tables, by kind."""

    facts: Section
    criteria: Section
    rows: Section
    thresholds: Section
    citations: Section
    settings: tuple[str, ...]
    row_order: bool = field(default=False)

    def __bool__(self) -> bool:
        return bool(self.facts or self.criteria or self.rows or self.thresholds
                    or self.citations or self.settings or self.row_order)

    def to_dict(self) -> dict[str, Any]:
        return {"facts": self.facts.to_dict(), "criteria": self.criteria.to_dict(),
                "rows": self.rows.to_dict(), "thresholds": self.thresholds.to_dict(),
                "citations": self.citations.to_dict(), "settings": list(self.settings),
                "row_order_changed": self.row_order}


def _renamed(expr: Expr, names: Mapping[str, str]) -> Expr:
    if isinstance(expr, Name):
        return Name(names.get(expr.name, expr.name), expr.pos)
    if isinstance(expr, Not):
        return Not(_renamed(expr.operand, names), expr.pos)
    if isinstance(expr, And):
        return And(tuple(_renamed(e, names) for e in expr.operands), expr.pos)
    if isinstance(expr, Or):
        return Or(tuple(_renamed(e, names) for e in expr.operands), expr.pos)
    if isinstance(expr, Count):
        operands = tuple(_renamed(e, names) for e in expr.operands)
        return Count(expr.kind, expr.n, operands, expr.pos, expr.n_pos)
    return expr


def _canonical(expr: Expr) -> Expr:
    """The expression with the operands of and/or, and the values of in [...], sorted."""
    if isinstance(expr, Not):
        return Not(_canonical(expr.operand), 0)
    if isinstance(expr, And | Or):
        operands = sorted((_canonical(e) for e in expr.operands), key=to_text)
        return And(tuple(operands), 0) if isinstance(expr, And) else Or(tuple(operands), 0)
    if isinstance(expr, Count):
        operands = sorted((_canonical(e) for e in expr.operands), key=to_text)
        return Count(expr.kind, expr.n, tuple(operands), 0, 0)
    if isinstance(expr, Member):
        values = sorted(expr.values, key=lambda v: (str(type(v)), str(v)))
        return Member(expr.fact, tuple(values), expr.negated, 0, tuple(0 for _ in values))
    return expr


def _same_text(old: Expr, new: Expr, names: Mapping[str, str]) -> str | None:
    """None when equal as written (through renames); else what differs, in words."""
    renamed = _renamed(old, names)
    if to_text(renamed) == to_text(new):
        return None
    if to_text(_canonical(renamed)) == to_text(_canonical(new)):
        return f"when: operands reordered ({to_text(old)} -> {to_text(new)})"
    return f"when: {to_text(old)} -> {to_text(new)}"


def _key(expr: Expr, names: Mapping[str, str]) -> str:
    return to_text(_canonical(_renamed(expr, names)))


def _show(value: object) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(map(str, value)) + "]"
    if isinstance(value, bool):
        return str(value).lower()
    return "none" if value is None else str(value)


def _field_changes(old: object, new: object, fields: Sequence[str]) -> tuple[str, ...]:
    return tuple(f"{name}: {_show(getattr(old, name))} -> {_show(getattr(new, name))}"
                 for name in fields if getattr(old, name) != getattr(new, name))


Key = Callable[[Any, Mapping[str, str]], str]
Details = Callable[[Any, Any, Mapping[str, str]], tuple[str, ...]]


def _match(
    old: Mapping[str, Any], new: Mapping[str, Any], old_key: Key, new_key: Callable[[Any], str]
) -> tuple[dict[str, str], list[str], list[str]]:
    """Pair old and new items by id, then removed with added ones of the same definition.

    ``old_key`` reads an old item through the renames found so far (old id ->
    new id), so that a criterion that references a renamed criterion still matches.
    """
    pairs = {i: i for i in old if i in new}
    removed = [i for i in old if i not in new]
    added = [i for i in new if i not in old]
    progress = True
    while progress:
        progress = False
        for gone in list(removed):
            text = old_key(old[gone], pairs)
            twin = next((a for a in added if new_key(new[a]) == text), None)
            if twin is not None:
                pairs[gone] = twin
                removed.remove(gone)
                added.remove(twin)
                progress = True
    return pairs, removed, added


def _section(old: Mapping[str, Any], new: Mapping[str, Any], old_key: Key,
             new_key: Callable[[Any], str], details: Details) -> tuple[Section, dict[str, str]]:
    pairs, removed, added = _match(old, new, old_key, new_key)
    changed = [Change(b, d) for a, b in pairs.items() if (d := details(old[a], new[b], pairs))]
    section = Section(tuple(added), tuple(removed),
                      tuple((a, b) for a, b in pairs.items() if a != b), tuple(changed))
    return section, pairs


def _criteria(old: Policy, new: Policy) -> tuple[Section, dict[str, str]]:
    def old_key(criterion: Any, renames: Mapping[str, str]) -> str:
        return _key(criterion.when, renames)

    def details(a: Any, b: Any, renames: Mapping[str, str]) -> tuple[str, ...]:
        found = _same_text(a.when, b.when, renames)
        return (found,) if found else ()

    return _section(old.criterion_map, new.criterion_map, old_key,
                    lambda c: _key(c.when, {}), details)


def _rows(old: Policy, new: Policy, names: Mapping[str, str]) -> tuple[Section, dict[str, str]]:
    def old_key(row: Any, _renames: Mapping[str, str]) -> str:
        return f"{row.outcome}: {_key(row.when, names)}"

    def details(a: Any, b: Any, _pairs: Mapping[str, str]) -> tuple[str, ...]:
        found = _same_text(a.when, b.when, names)
        return (*((found,) if found else ()),
                *_field_changes(a, b, ("outcome", "reason", "sources")))

    return _section(old.row_map, new.row_map, old_key,
                    lambda r: f"{r.outcome}: {_key(r.when, {})}", details)


def _fact_section(old: Policy, new: Policy) -> Section:
    fields = ("type", "values", "minimum", "maximum", "unit", "default", "cost", "question",
              "places")
    changed = tuple(Change(f.name, d) for f in old.facts if f.name in new.fact_map
                    if (d := _field_changes(f, new.fact_map[f.name], fields)))
    return Section(tuple(f.name for f in new.facts if f.name not in old.fact_map),
                   tuple(f.name for f in old.facts if f.name not in new.fact_map), (), changed)


def _comparisons(policy: Policy) -> dict[str, list[str]]:
    """Every comparison of an int fact, as text, by fact."""
    found: dict[str, list[str]] = {}
    for fact, item in int_comparisons(policy):
        texts = found.setdefault(fact.name, [])
        if to_text(item) not in texts:
            texts.append(to_text(item))
    return found


def _threshold_section(old: Policy, new: Policy) -> Section:
    before, after = _comparisons(old), _comparisons(new)
    added, removed, changed = [], [], []
    for fact in dict.fromkeys([*before, *after]):
        gone = [t for t in before.get(fact, []) if t not in after.get(fact, [])]
        came = [t for t in after.get(fact, []) if t not in before.get(fact, [])]
        if gone and came:
            changed.append(Change(fact, (f"{', '.join(gone)} -> {', '.join(came)}",)))
        else:
            removed += gone
            added += came
    return Section(tuple(added), tuple(removed), (), tuple(changed))


def _citation_section(old: Policy, new: Policy, rows: Mapping[str, str]) -> Section:
    """Sources of the table added, removed or reworded, and rows that cite differently."""
    before, after = old.source_map, new.source_map
    changed = [Change(k, ("text changed",)) for k in before if k in after
               and before[k] != after[k]]
    for old_id, new_id in rows.items():
        cited, cites = old.row_map[old_id].sources, new.row_map[new_id].sources
        details = [f"row cites {k}" for k in cites if k not in cited]
        details += [f"row no longer cites {k}" for k in cited if k not in cites]
        if details:
            changed.append(Change(f"row {new_id}", tuple(details)))
    return Section(tuple(k for k in after if k not in before),
                   tuple(k for k in before if k not in after), (), tuple(changed))


def _settings(old: Policy, new: Policy) -> tuple[str, ...]:
    found = list(_field_changes(old, new, ("id", "title", "version", "effective",
                                           "hit_policy", "codes")))
    if old.otherwise != new.otherwise:
        found += [f"otherwise {d}" for d in _field_changes(
            old.otherwise, new.otherwise, ("outcome", "reason", "sources"))
            ] if old.otherwise and new.otherwise else [
            f"otherwise: {_show(old.otherwise and old.otherwise.outcome)} -> "
            f"{_show(new.otherwise and new.otherwise.outcome)}"]
    return (*found, *valueset_changes(old, new))


def structural_diff(old: Policy, new: Policy) -> StructuralDiff:
    """Facts, criteria, rows, thresholds, citations and settings that differ."""
    criteria, names = _criteria(old, new)
    rows, pairs = _rows(old, new, names)
    kept = [pairs[r.id] for r in old.rows if r.id in pairs]
    order = [r.id for r in new.rows if r.id in kept]
    return StructuralDiff(
        facts=_fact_section(old, new),
        criteria=criteria,
        rows=rows,
        thresholds=_threshold_section(old, new),
        citations=_citation_section(old, new, pairs),
        settings=_settings(old, new),
        row_order=kept != order,
    )
