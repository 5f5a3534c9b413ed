"""``decide_frame``: decide a pandas or Dask DataFrame of cases, get a frame of results.

The input frame has one column per fact plus, optionally, ``id``,
``policy`` and ``description``; a null cell (``None``, ``NaN``, ``pd.NA``)
means the fact is unknown. A row without an ``id`` takes its index label as
its id. Number facts may sit in a float column (pandas' way of storing whole
numbers with gaps): a whole float is its integer, any other float is an
error. The result has the input's index and the columns ``RESULT_COLUMNS``
(nested ``decide`` JSON as JSON text); a bad row is an error row in place,
with ``line`` its 1-based position (in its partition, for Dask).

``case_dtypes(policy)`` gives each column's nullable pandas type; cast a
frame with it before ``dd.from_pandas``, since Dask turns object columns
(Python booleans with gaps) into text, which is rejected for yes/no and
number facts.

A pandas frame is decided in this process on one grounded ``Decider``; a
Dask frame partition by partition wherever Dask runs it, one grounded
``Decider`` per worker process (``batch.cache``).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from medpolicy.batch.cache import BatchJob, decide_records
from medpolicy.batch.columns import RESULT_COLUMNS, case_json, check_columns, is_null, result_row
from medpolicy.batch.engine import BatchOptions
from medpolicy.batch.records import CASE_COLUMNS, JsonLinesParser, Record
from medpolicy.errors import Location, Problem, ValidationError
from medpolicy.solver.control import DEFAULT_TIME_LIMIT
from medpolicy.solver.decide.decider import DEFAULT_MAX_ALTERNATIVES
from medpolicy.tables.loader import load_policy
from medpolicy.tables.model import Policy

#: The source named in messages about a frame's rows.
FRAME_SOURCE = "<frame>"


def decide_frame(
    policy: Policy | str | Path,
    frame: Any,
    *,
    max_alternatives: int = DEFAULT_MAX_ALTERNATIVES,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> Any:
    """A frame of results, one row per case row of ``frame`` (pandas or Dask), same index.

    Raises ValidationError when a column names neither a fact nor a case key.
    """
    table = policy if isinstance(policy, Policy) else load_policy(policy)
    check_columns([str(c) for c in frame.columns], table, FRAME_SOURCE)
    _check_dtypes(frame, table)
    options = BatchOptions(max_alternatives=max_alternatives, time_limit=time_limit)
    job = BatchJob.of(table, JsonLinesParser(FRAME_SOURCE), options)
    if isinstance(frame, pd.DataFrame):
        return decide_partition(frame, job)
    return frame.map_partitions(decide_partition, job, meta=result_meta())


def case_dtypes(policy: Policy, columns: Iterable[object] | None = None) -> dict[str, str]:
    """The pandas dtype of each column of a case frame (of ``columns``), for ``frame.astype``.

    Nullable types (``boolean``, ``Int64``, ``string``) keep gaps as ``NA``
    without turning yes/no or number columns into text or floats, also when
    Dask converts object columns to strings.
    """
    kinds = {"bool": "boolean", "int": "Int64", "enum": "string", "decimal": "string",
             "date": "string"}  # decimals and dates as exact text: "37.50", "2025-11-30"
    types = {name: "string" for name in CASE_COLUMNS}
    types.update({fact.name: kinds[fact.type] for fact in policy.facts})
    if columns is None:
        return types
    return {str(c): types[str(c)] for c in columns if str(c) in types}


def _check_dtypes(frame: Any, policy: Policy) -> None:
    """Yes/no and number facts in text columns are rejected (as Dask makes of object columns)."""
    problems = []
    for number, (name, dtype) in enumerate(frame.dtypes.items(), start=1):
        fact = policy.fact_map.get(str(name))
        if fact is not None and fact.type in _KIND and isinstance(dtype, pd.StringDtype):
            problems.append(Problem(
                Location(FRAME_SOURCE, path=f"column {number}"),
                f"column '{name}' holds text, not the values of a {_KIND[fact.type]} fact",
                expected=case_dtypes(policy)[fact.name], found=str(dtype),
                hint="cast with frame.astype(case_dtypes(policy, frame.columns)) before "
                     "dd.from_pandas (Dask turns object columns into text)",
            ))
    if problems:
        raise ValidationError(problems)


_KIND = {"bool": "yes/no", "int": "number"}


def result_meta() -> pd.DataFrame:
    """An empty result frame: the columns and their types."""
    types = {name: "object" for name in RESULT_COLUMNS}
    types["line"] = "int64"
    return pd.DataFrame({name: pd.Series(dtype=kind) for name, kind in types.items()})


def decide_partition(frame: pd.DataFrame, job: BatchJob) -> pd.DataFrame:
    """The results of one pandas frame (a whole frame, or one Dask partition)."""
    policy = job.policy
    records: list[Record] = []
    ids: list[object] = []
    for line, (label, row) in enumerate(zip(frame.index, frame.to_dict("records"),
                                            strict=True), start=1):
        cells = {str(k): _whole(policy, str(k), v) for k, v in row.items()}
        if is_null(cells.get("id")):
            cells["id"] = str(label)
        ids.append(cells["id"])
        records.append(Record(line, case_json(cells, policy)))
    rows = [result_row(r) for r in decide_records(job, records)]
    for row, case_id in zip(rows, ids, strict=True):
        row["id"] = str(case_id)
    columns = {
        name: pd.Series([row[name] for row in rows], index=frame.index,
                        dtype="int64" if name == "line" else "object")
        for name in RESULT_COLUMNS
    }
    return pd.DataFrame(columns, index=frame.index)


def _whole(policy: Policy, column: str, value: object) -> object:
    """A whole float in a number fact's column as its integer (pandas stores gaps as floats)."""
    fact = policy.fact_map.get(column)
    if fact is not None and fact.type == "int" and isinstance(value, float) and value.is_integer():
        return int(value)
    return value
