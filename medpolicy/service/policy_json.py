"""A loaded table as JSON, in the shape of its YAML (``GET /v1/policies/{id}``).

Keys are those of the table language (``min``/``max`` for int bounds,
``when`` as written); empty optional parts are left out. Fact attributes are
read from the ``Fact`` dataclass field by field, so attributes the language
gains (``document``, ``places``, ``system`` ...) appear without a change
here; dates and decimals are written as they would be in YAML text.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
from typing import Any

from medpolicy.tables.model import Fact, Policy

#: Dataclass field names whose table-language key differs.
_KEYS = {"minimum": "min", "maximum": "max"}
#: Fields that are bookkeeping, not part of the table.
_SKIP = {"name", "location"}


def policy_json(policy: Policy) -> dict[str, Any]:
    """The table as a JSON-ready dict: the YAML's structure, after loading."""
    data: dict[str, Any] = {
        "id": policy.id,
        "title": policy.title,
        "version": policy.version,
        "sha256": policy.sha256,
    }
    if policy.effective:
        data["effective"] = policy.effective
    if policy.codes:
        data["codes"] = list(policy.codes)
    if policy.description:
        data["description"] = policy.description
    data["sources"] = dict(policy.sources)
    data["facts"] = {fact.name: fact_json(fact) for fact in policy.facts}
    if policy.valuesets:
        data["valuesets"] = {
            v.id: _drop_empty({"description": v.description, "system": v.system,
                               "codes": [p.text for p in v.patterns], "file": v.file,
                               "source": v.source})
            for v in policy.valuesets}
    data["criteria"] = {
        c.id: _drop_empty({"when": c.text, "description": c.description}) for c in policy.criteria
    }
    data["rows"] = [
        {"id": r.id, "when": r.text, "outcome": r.outcome, "reason": r.reason,
         "sources": list(r.sources)}
        for r in policy.rows
    ]
    data["hit_policy"] = policy.hit_policy
    if policy.otherwise is not None:
        data["otherwise"] = {"outcome": policy.otherwise.outcome,
                             "reason": policy.otherwise.reason,
                             "sources": list(policy.otherwise.sources)}
    return data


def fact_json(fact: Fact) -> dict[str, Any]:
    """One fact declaration: ``type`` first, then every attribute that is set."""
    data: dict[str, Any] = {"type": fact.type}
    for field in dataclasses.fields(fact):
        if field.name in _SKIP or field.name == "type":
            continue
        value = getattr(fact, field.name)
        if value is None or (value == () and field.name != "default") or value == "":
            continue
        data[_KEYS.get(field.name, field.name)] = _jsonable(value)
    return data


def _jsonable(value: object) -> Any:
    if isinstance(value, bool | int | str | float) or value is None:
        return value
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, tuple | list | frozenset | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


def _drop_empty(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v not in ("", None)}
