"""Decimal and date facts in Parquet: decimal128 and date32 columns, the service_date column."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from medpolicy import ValidationError, policy_from_text
from medpolicy.batch.engine import BatchResult, run_batch
from medpolicy.batch.parquet import cases_schema, cases_table, read_parquet
from medpolicy.batch.records import open_records
from medpolicy.tables.model import Case

POLICY = policy_from_text("""
id: bmi-window
title: BMI and a recent visit
version: "1"
facts:
  bmi: {type: decimal, places: 1, min: 10, max: 80.5}
  last_visit: {type: date}
  smoker: {type: bool}
rows:
  - {id: ok, when: bmi >= 35.0 and months_since(last_visit) < 6, outcome: approve, reason: ok}
  - {id: low, when: bmi < 35.0 or smoker, outcome: deny, reason: low}
otherwise: {outcome: pend, reason: a recent visit is needed}
""", "bmi-window.yaml")
SERVICE = date(2026, 3, 1)


def _parquet(table: pa.Table) -> io.BytesIO:
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    buffer.seek(0)
    return buffer


def _results(fmt: str, data: io.BytesIO) -> list[BatchResult]:
    if fmt == "parquet":
        parser, records = read_parquet(data, POLICY, "in")
    else:
        parser, records = open_records(data, "jsonl", POLICY, "in")
    return list(run_batch(POLICY, parser, records))


def _record(case: Case) -> dict[str, object]:
    """A case as a JSON Lines record: decimals as exact text, dates as ISO text."""
    facts = {name: str(value) if isinstance(value, Decimal | date) else value
             for name, value in case.facts.items()}
    record: dict[str, object] = {"id": case.id, "facts": facts}
    if case.service_date is not None:
        record["service_date"] = case.service_date.isoformat()
    return record


def test_decimal_and_date_columns() -> None:
    """A decimal fact is decimal128(38, places), a date fact and service_date are date32."""
    types = {f.name: f.type for f in cases_schema(POLICY)}
    assert types["bmi"] == pa.decimal128(38, 1)
    assert types["last_visit"] == pa.date32()
    assert types["service_date"] == pa.date32()


_CASES = st.lists(
    st.fixed_dictionaries({}, optional={
        "bmi": st.integers(100, 805).map(lambda n: Decimal(n).scaleb(-1)),
        "last_visit": st.integers(-400, 100).map(lambda d: SERVICE + timedelta(days=d)),
        "smoker": st.booleans(),
    }),
    min_size=1, max_size=5,
)


@given(_CASES)
def test_parquet_round_trip_decides_as_json_lines(facts: list[dict[str, object]]) -> None:
    """Cases with decimals, dates and nulls read back unchanged from Parquet and decide exactly
    as the same cases in JSON Lines."""
    cases = [Case(f"c{i}", f, service_date=SERVICE)  # type: ignore[arg-type]
             for i, f in enumerate(facts)]
    buffer = _parquet(cases_table(cases, POLICY))
    parser, records = read_parquet(buffer, POLICY, "in")
    back = [parser.case(record, POLICY) for record in records]
    assert [(c.id, dict(c.facts), c.service_date) for c in back] == [
        (c.id, dict(c.facts), SERVICE) for c in cases]
    lines = "".join(json.dumps(_record(c)) + "\n" for c in cases).encode()
    buffer.seek(0)
    from_parquet = _results("parquet", buffer)
    assert [r.text for r in from_parquet] == [r.text for r in _results("jsonl", io.BytesIO(lines))]


def test_complete_cases_decide_from_parquet() -> None:
    """Complete cases in decimal128/date32 columns get their verdicts (exact at the threshold)."""
    table = pa.table({
        "id": ["at", "below", "old"],
        "service_date": pa.array([SERVICE] * 3, pa.date32()),
        "bmi": pa.array([Decimal("35.0"), Decimal("34.9"), Decimal("40.0")],
                        pa.decimal128(38, 1)),
        "last_visit": pa.array([date(2025, 9, 2), date(2025, 9, 2), date(2025, 9, 1)],
                               pa.date32()),
        "smoker": pa.array([False, False, False]),
    })
    results = _results("parquet", _parquet(table))
    assert [(r.case, r.verdict) for r in results] == [
        ("at", "approve"), ("below", "deny"), ("old", "pend")]


def test_text_columns_of_exact_values_are_read() -> None:
    """A decimal or date column may hold exact text; too many places is an error record."""
    table = pa.table({
        "id": ["a", "b"],
        "service_date": ["2026-03-01", "2026-03-01"],
        "bmi": ["37.50", "37.25"],
        "last_visit": ["2026-01-15", None],
        "smoker": [False, False],
    })
    parser, records = read_parquet(_parquet(table), POLICY, "in.parquet")
    results = list(run_batch(POLICY, parser, records))
    assert results[0].verdict == "approve"
    assert not results[1].ok
    assert "37.25' has more places than 'bmi' declares (1)" in (results[1].error or "")
    assert "in.parquet:2" in (results[1].error or "")


@pytest.mark.parametrize(
    ("name", "column", "words"),
    [
        ("bmi", pa.array([37.5], pa.float64()), "cast the column to decimal128(38, 1)"),
        ("last_visit", pa.array([3], pa.int64()), "wrong type for the date fact 'last_visit'"),
        ("service_date", pa.array([3], pa.int64()), "column 'service_date' must hold dates"),
    ],
    ids=["float-for-decimal", "int-for-date", "int-for-service-date"],
)
def test_wrong_column_types_stop_before_any_case(
    name: str, column: pa.Array, words: str
) -> None:
    """A float decimal column, or a non-date date column, is reported once, for the column."""
    with pytest.raises(ValidationError) as error:
        read_parquet(_parquet(pa.table({name: column})), POLICY, "in.parquet")
    assert words in str(error.value)
    assert "in.parquet" in str(error.value)


def test_a_data_frame_with_decimal_and_date_text_decides() -> None:
    """case_dtypes types decimal and date columns as text; a frame of exact text decides."""
    import pandas as pd

    from medpolicy.batch.frame import case_dtypes, decide_frame

    frame = pd.DataFrame({
        "id": ["at", "below"], "service_date": ["2026-03-01", "2026-03-01"],
        "bmi": ["35.0", "34.9"], "last_visit": ["2025-09-02", "2025-09-02"],
        "smoker": [False, False],
    })
    assert case_dtypes(POLICY)["bmi"] == case_dtypes(POLICY)["last_visit"] == "string"
    results = decide_frame(POLICY, frame.astype(case_dtypes(POLICY, frame.columns)))
    assert list(results["verdict"]) == ["approve", "deny"]
