"""Parquet in and out: typed columns, null = unknown, rows checked like JSON Lines records."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from medpolicy import Policy, ValidationError, policy_from_text
from medpolicy.batch.columns import RESULT_COLUMNS
from medpolicy.batch.engine import BatchResult, run_batch
from medpolicy.batch.parquet import (
    RESULT_SCHEMA,
    ParquetResults,
    cases_schema,
    cases_table,
    read_parquet,
)
from medpolicy.batch.records import open_records
from medpolicy.suite.casegen import CaseGenerator, case_record
from medpolicy.tables.model import Case
from tests.batch.yaml_tables import tables
from tests.strategies import partial_cases

EVERY_TYPE = policy_from_text("""
id: types
title: one fact of each type
version: "1"
facts:
  flag: {type: bool}
  count: {type: int, min: 0, max: 9}
  kind: {type: enum, values: [a, b, c]}
  code: {type: enum, values: [100, 200]}
  closed: {type: bool, default: false}
rows:
  - {id: r, when: flag and count >= 3, outcome: deny, reason: no}
otherwise: {outcome: approve, reason: yes}
""", "types.yaml")


def _parquet(table: pa.Table) -> io.BytesIO:
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    buffer.seek(0)
    return buffer


def _read_cases(policy: Policy, buffer: io.BytesIO) -> list[Case]:
    parser, records = read_parquet(buffer, policy, "in.parquet")
    return [parser.case(record, policy) for record in records]


@given(st.data())
def test_parquet_round_trip_keeps_every_fact_and_every_unknown(data: st.DataObject) -> None:
    """Cases written with cases_table read back with the same facts; null cells stay unknown."""
    policy = data.draw(tables())
    cases = [data.draw(partial_cases(policy)) for _ in range(data.draw(st.integers(1, 6)))]
    cases = [Case(f"c{i}", c.facts) for i, c in enumerate(cases)]
    table = cases_table(cases, policy)
    assert table.schema == cases_schema(policy)
    back = _read_cases(policy, _parquet(table))
    assert [(c.id, dict(c.facts)) for c in back] == [(c.id, dict(c.facts)) for c in cases]


def test_column_types_follow_the_fact_types() -> None:
    """bool facts are bool columns, number facts int64, enums text; case keys are text but the
    service date, a date32."""
    schema = cases_schema(EVERY_TYPE)
    assert {f.name: str(f.type) for f in schema} == {
        "id": "string", "policy": "string", "description": "string",
        "service_date": "date32[day]",
        "flag": "bool", "count": "int64", "kind": "string", "code": "string", "closed": "bool",
    }


def test_nulls_of_every_type_are_unknown_and_values_of_every_type_are_read() -> None:
    """A row of nulls is a case with nothing documented; a full row has every fact, typed."""
    table = pa.table({
        "id": ["full", "empty"],
        "flag": pa.array([True, None], pa.bool_()),
        "count": pa.array([4, None], pa.int32()),
        "kind": pa.array(["b", None], pa.string()),
        "code": pa.array([200, None], pa.int64()),
        "closed": pa.array([None, None], pa.bool_()),
    })
    full, empty = _read_cases(EVERY_TYPE, _parquet(table))
    assert dict(full.facts) == {"flag": True, "count": 4, "kind": "b", "code": "200"}
    assert dict(empty.facts) == {}


@pytest.mark.parametrize(
    ("column", "words"),
    [
        (pa.array([1.0], pa.float64()), "nullable Int64"),
        (pa.array(["4"], pa.string()), "wrong type for the number fact 'count'"),
    ],
    ids=["float-for-int", "text-for-int"],
)
def test_a_column_of_the_wrong_type_stops_before_any_case(column: pa.Array, words: str) -> None:
    """A number fact in a float or text column is reported once, for the column."""
    table = pa.table({"count": column})
    with pytest.raises(ValidationError) as error:
        read_parquet(_parquet(table), EVERY_TYPE, "in.parquet")
    assert words in str(error.value)
    assert "in.parquet" in str(error.value)


def test_an_unknown_column_stops_before_any_case() -> None:
    """A column that names no fact is reported with a suggestion."""
    with pytest.raises(ValidationError, match=r"unknown column 'flagg'.*did you mean 'flag'"):
        read_parquet(_parquet(pa.table({"flagg": [True]})), EVERY_TYPE, "in.parquet")


def test_a_file_that_is_not_parquet_is_an_input_error() -> None:
    """JSON bytes named .parquet are a located error, not a traceback."""
    with pytest.raises(ValidationError, match=r"in\.parquet: not a Parquet file"):
        read_parquet(io.BytesIO(b'{"id": "a"}\n'), EVERY_TYPE, "in.parquet")


def test_bad_values_are_error_records_at_their_row(esi: Policy) -> None:
    """An out-of-domain value is an error record for its row only; the other rows decide."""
    table = pa.table({"id": ["a", "b", "c"], "levels": pa.array([1, 0, None], pa.int64())})
    parser, records = read_parquet(_parquet(table), esi, "in.parquet")
    results = list(run_batch(esi, parser, records))
    assert [r.ok for r in results] == [True, False, True]
    assert results[1].line == 2
    assert "in.parquet:2" in (results[1].error or "")


def _batch(policy: Policy, fmt: str, data: io.BytesIO) -> list[BatchResult]:
    if fmt == "parquet":
        parser, records = read_parquet(data, policy, "in")
    else:
        parser, records = open_records(data, "jsonl", policy, "in")
    return list(run_batch(policy, parser, records))


def test_parquet_input_decides_as_json_lines_does(esi: Policy) -> None:
    """The same generated cases as Parquet and as JSON Lines give the same results."""
    cases = list(CaseGenerator(esi, seed=5).cases(300))
    lines = "".join(json.dumps(case_record(c)) + "\n" for c in cases).encode()
    from_jsonl = _batch(esi, "jsonl", io.BytesIO(lines))
    from_parquet = _batch(esi, "parquet", _parquet(cases_table(cases, esi)))
    assert [r.text for r in from_parquet] == [r.text for r in from_jsonl]


def test_results_are_written_as_parquet_rows_with_json_text(esi: Policy, tmp_path: Path) -> None:
    """Each result is a row: id, line, verdict, nested decide JSON as text, or the error."""
    cases = list(CaseGenerator(esi, seed=6).cases(40))
    lines = "".join(json.dumps(case_record(c)) + "\n" for c in cases).encode() + b"{bad\n"
    results = _batch(esi, "jsonl", io.BytesIO(lines))
    target = tmp_path / "out.parquet"
    with ParquetResults(target) as sink:
        for result in results:
            sink.add(result)
    table = pq.read_table(target)
    assert table.schema == RESULT_SCHEMA
    assert tuple(table.column_names) == RESULT_COLUMNS
    rows: list[dict[str, Any]] = table.to_pylist()
    for row, result in zip(rows, results, strict=True):
        data = json.loads(result.text)
        assert (row["id"], row["line"], row["verdict"]) == (result.case, result.line,
                                                            result.verdict)
        if result.ok:
            assert json.loads(row["reasons"]) == data["reasons"]
            assert json.loads(row["missing"]) == data["missing"]
            assert row["error"] is None
        else:
            assert row["reasons"] is None and row["error"] == data["error"]
    assert [p.name for p in tmp_path.iterdir()] == ["out.parquet"]


def test_a_failed_run_leaves_no_parquet_file(tmp_path: Path, esi: Policy) -> None:
    """An error while writing leaves neither the target nor a temporary file."""
    target = tmp_path / "out.parquet"
    with pytest.raises(RuntimeError), ParquetResults(target) as sink:
        sink.add(BatchResult(1, "a", None, "bad", json.dumps({"error": "bad"})))
        raise RuntimeError("stopped")
    assert list(tmp_path.iterdir()) == []
