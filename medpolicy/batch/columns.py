"""Cases and results as table rows: what Parquet files and data frames hold.

A case is a row with one column per fact plus the case keys (``id``,
``policy``, ``description``); a null (``None``, or a pandas ``NaN``/``NA``)
means the fact is unknown. ``case_object`` turns such a row into the
case-file object that the JSON Lines parser checks, so every row format goes
through one record pipeline (``BatchWorker``) and is checked the same way:
nothing is coerced, a wrong value is an error record naming the row.

A result is a row of ``RESULT_COLUMNS``: the case id, the input line (row),
the verdict, and the nested parts of the ``decide`` JSON as JSON text
(``reasons``, ``missing``, ``pathways``, ``next_question``), or the error.
No heavy import here: pyarrow and pandas are imported by their own modules.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

from medpolicy.batch.engine import BatchResult
from medpolicy.batch.records import CASE_COLUMNS
from medpolicy.errors import Location, Problem, ValidationError, did_you_mean
from medpolicy.tables.codes import split_codes
from medpolicy.tables.model import Policy

#: The columns of a result row, in order.
RESULT_COLUMNS = (
    "id", "line", "verdict", "reasons", "missing", "pathways", "next_question", "error"
)
#: Result columns that hold nested ``decide`` JSON as JSON text (null when absent).
JSON_COLUMNS = ("reasons", "missing", "pathways", "next_question")


def is_null(value: object) -> bool:
    """A missing cell: ``None``, a float NaN, or pandas' ``NA``/``NaT``."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return type(value).__name__ in ("NAType", "NaTType")


def check_columns(columns: Iterable[str], policy: Policy, source: str) -> tuple[str, ...]:
    """The columns of a case table, which must name facts or case keys; raises ValidationError."""
    names = tuple(columns)
    known = [*policy.fact_map, *CASE_COLUMNS]
    problems: list[Problem] = []
    seen: set[str] = set()
    for number, name in enumerate(names, start=1):
        where = Location(source, path=f"column {number}")
        if name in seen:
            problems.append(Problem(where, f"column '{name}' appears twice"))
        elif name not in known:
            problems.append(
                Problem(
                    where,
                    f"unknown column '{name}' (not a fact of policy '{policy.id}')",
                    hint=did_you_mean(name, known),
                )
            )
        seen.add(name)
    if problems:
        raise ValidationError(problems)
    return names


def case_object(row: Mapping[str, object], policy: Policy) -> dict[str, object]:
    """The case-file object of a row: case keys on top, facts under ``facts``, no nulls."""
    data: dict[str, object] = {}
    facts: dict[str, object] = {}
    for name, value in row.items():
        if is_null(value):
            continue
        if name in policy.fact_map:
            plain = _plain(value)
            if policy.fact_map[name].type == "codes" and isinstance(plain, str):
                plain = split_codes(plain)  # a text cell: "E11.9;I10"
            facts[name] = plain
        else:
            data[name] = _plain(value)
    data["facts"] = facts
    return data


def _plain(value: object) -> object:
    """A cell as a plain JSON value: numpy scalars become Python ones (``.item()``)."""
    item = getattr(value, "item", None)
    if callable(item) and type(value).__module__ == "numpy":
        return item()
    return value


def case_json(row: Mapping[str, object], policy: Policy) -> bytes:
    """A row as one JSON Lines record (what ``JsonLinesParser`` reads)."""
    return json.dumps(case_object(row, policy), ensure_ascii=False, default=str).encode()


def result_row(result: BatchResult) -> dict[str, Any]:
    """A batch result as a row of ``RESULT_COLUMNS``."""
    data = json.loads(result.text)
    row: dict[str, Any] = {
        "id": result.case,
        "line": result.line,
        "verdict": result.verdict,
        "error": result.error,
    }
    for name in JSON_COLUMNS:
        value = data.get(name)
        row[name] = None if value is None else json.dumps(value, ensure_ascii=False)
    return {name: row[name] for name in RESULT_COLUMNS}
