"""Parquet in and out for ``batch`` (pyarrow, the ``dask`` extra).

**In**: one column per fact plus the case keys (``id``, ``policy``,
``description``, ``service_date``); a null cell means the fact is unknown.
Column types follow the fact types (``cases_schema``): ``bool`` for yes/no
facts, an integer type for number facts, text (or an integer type, when every
value is a number) for enums, ``decimal128(38, places)`` (or exact text such
as ``"37.50"``; never float) for decimals, ``date32`` for dates and for
``service_date`` (either may also be ISO text); a column of nulls fits any
fact. A column of another type, or
of no fact, stops the run before any case (as a bad CSV header does). Each
row is read lazily, a record batch at a time, and becomes the case-file
object the JSON Lines parser checks, so rows are checked exactly as JSON
Lines records are; a record's ``line`` is its 1-based row number.

**Out**: ``RESULT_COLUMNS`` with the nested ``decide`` JSON as JSON text
(strings, not Arrow structs: their shapes vary per verdict), written to a
temporary file beside the target and renamed over it only when the run
completes.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

import pyarrow as pa
import pyarrow.parquet as pq

from medpolicy.batch.columns import RESULT_COLUMNS, case_json, check_columns, result_row
from medpolicy.batch.engine import BatchResult
from medpolicy.batch.output import _file_mode
from medpolicy.batch.records import CASE_COLUMNS, ByteCount, JsonLinesParser, Record
from medpolicy.errors import InputError, Location, Problem, ValidationError
from medpolicy.tables.model import Case, Fact, Policy

#: Rows per record batch read from an input file.
READ_BATCH = 4096
#: Results buffered before a row group is written.
WRITE_BATCH = 8192

RESULT_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("line", pa.int64()),
        ("verdict", pa.string()),
        ("reasons", pa.string()),
        ("missing", pa.string()),
        ("pathways", pa.string()),
        ("next_question", pa.string()),
        ("error", pa.string()),
    ]
)
assert tuple(RESULT_SCHEMA.names) == RESULT_COLUMNS


#: The case key that holds a date (the others are text).
SERVICE_DATE = "service_date"


def fact_type(fact: Fact) -> pa.DataType:
    """The Arrow type of a fact's column: bool, int64, decimal128(38, places), date32, or
    string for an enum."""
    if fact.type == "bool":
        return pa.bool_()
    if fact.type == "int":
        return pa.int64()
    if fact.type == "decimal":
        return pa.decimal128(38, fact.places or 0)
    if fact.type == "date":
        return pa.date32()
    if fact.type == "codes":
        return pa.list_(pa.string())
    return pa.string()


def cases_schema(policy: Policy) -> pa.Schema:
    """The schema of a case table for ``policy``: the case keys, then one column per fact."""
    fields = [pa.field(name, pa.date32() if name == SERVICE_DATE else pa.string())
              for name in CASE_COLUMNS]
    fields += [pa.field(fact.name, fact_type(fact)) for fact in policy.facts]
    return pa.schema(fields)


def cases_table(cases: Iterable[Case], policy: Policy) -> pa.Table:
    """Cases as a table of ``cases_schema`` (an unknown fact is a null cell)."""
    schema = cases_schema(policy)
    rows: list[dict[str, object]] = []
    for case in cases:
        row: dict[str, object] = {"id": case.id, "policy": case.policy,
                                  "description": case.description or None,
                                  SERVICE_DATE: case.service_date}
        for fact in policy.facts:
            value = case.facts.get(fact.name)
            cell: object = list(value) if isinstance(value, tuple) else value
            row[fact.name] = str(value) if fact.type == "enum" and value is not None else cell
        rows.append(row)
    return pa.Table.from_pylist(rows, schema=schema)


_KIND = {"bool": "yes/no", "int": "number", "enum": "enum", "decimal": "decimal",
         "date": "date", "codes": "codes"}


def _is_text(kind: pa.DataType) -> bool:
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


def _fits(fact: Fact, kind: pa.DataType) -> bool:
    if pa.types.is_null(kind):
        return True
    if fact.type == "bool":
        return bool(pa.types.is_boolean(kind))
    if fact.type == "int":
        return bool(pa.types.is_integer(kind))
    if fact.type == "decimal":
        return bool(pa.types.is_decimal(kind) or _is_text(kind))
    if fact.type == "date":
        return bool(pa.types.is_date(kind) or _is_text(kind))
    if fact.type == "codes":
        listed = pa.types.is_list(kind) or pa.types.is_large_list(kind)
        return bool(_is_text(kind) or (listed and _is_text(kind.value_type)))
    text = _is_text(kind)
    numeric = pa.types.is_integer(kind) and all(v.lstrip("-").isdigit() for v in fact.values)
    return bool(text or numeric)


def _check_types(schema: pa.Schema, policy: Policy, source: str) -> None:
    problems: list[Problem] = []
    for number, column in enumerate(schema, start=1):
        where = Location(source, path=f"column {number}")
        fact = policy.fact_map.get(column.name)
        if fact is None:
            dated = column.name == SERVICE_DATE and pa.types.is_date(column.type)
            if not (_is_text(column.type) or pa.types.is_null(column.type) or dated):
                expected = "date32 or string" if column.name == SERVICE_DATE else "string"
                problems.append(Problem(where, f"column '{column.name}' must hold "
                                        f"{'dates' if column.name == SERVICE_DATE else 'text'}",
                                        expected=expected, found=str(column.type)))
        elif not _fits(fact, column.type):
            message = (f"column '{column.name}' has the wrong type for the "
                       f"{_KIND[fact.type]} fact '{fact.name}'")
            problems.append(Problem(where, message, expected=str(fact_type(fact)),
                                    found=str(column.type), hint=_hint(fact, column.type)))
    if problems:
        raise ValidationError(problems)


def _hint(fact: Fact, kind: pa.DataType) -> str | None:
    """How to fix a float column of a number or decimal fact."""
    if not pa.types.is_floating(kind):
        return None
    if fact.type == "int":
        return "a pandas column with gaps is float: use the nullable Int64 type"
    if fact.type == "decimal":
        return (f"a float is not exact: cast the column to decimal128(38, {fact.places or 0}) "
                "(or write exact text such as \"37.50\")")
    return None


def read_parquet(
    stream: BinaryIO, policy: Policy, source: str, count: ByteCount | None = None
) -> tuple[JsonLinesParser, Iterator[Record]]:
    """The parser and the lazy records (one per row) of a Parquet stream.

    Raises ValidationError at once when the stream is not Parquet or a column
    names no fact or has the wrong type.
    """
    if not stream.seekable():
        stream = io.BytesIO(stream.read())
    try:
        parquet = pq.ParquetFile(stream)
    except (pa.ArrowException, OSError) as error:
        raise ValidationError([Problem(Location(source), f"not a Parquet file: {error}")]) from None
    schema = parquet.schema_arrow
    check_columns(schema.names, policy, source)
    _check_types(schema, policy, source)
    return JsonLinesParser(source), _rows(parquet, policy, _size(stream), count)


def _size(stream: BinaryIO) -> int:
    position = stream.tell()
    end = stream.seek(0, os.SEEK_END)
    stream.seek(position)
    return end


def _rows(parquet: pq.ParquetFile, policy: Policy, size: int,
          count: ByteCount | None) -> Iterator[Record]:
    total = max(1, parquet.metadata.num_rows)
    line = 0
    for batch in parquet.iter_batches(batch_size=READ_BATCH):
        for row in batch.to_pylist():
            line += 1
            yield Record(line, case_json(row, policy))
        if count is not None:
            count.value = size * line // total


def results_table(results: Iterable[BatchResult]) -> pa.Table:
    """Results as a table of ``RESULT_SCHEMA``."""
    return pa.Table.from_pylist([result_row(r) for r in results], schema=RESULT_SCHEMA)


class ParquetResults:
    """Writes results to a Parquet file that appears at ``path`` only when the run completes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        directory = path.parent if str(path.parent) else Path(".")
        try:
            handle, self._temporary = tempfile.mkstemp(
                prefix=f".{path.name}.", suffix=".tmp", dir=directory
            )
        except OSError as error:
            raise InputError(
                [Problem(Location(str(path)), f"cannot write the output: {error.strerror}")]
            ) from None
        os.close(handle)
        self._writer = pq.ParquetWriter(self._temporary, RESULT_SCHEMA)
        self._buffer: list[BatchResult] = []

    def add(self, result: BatchResult) -> None:
        """Buffer one result; a full buffer becomes a row group."""
        self._buffer.append(result)
        if len(self._buffer) >= WRITE_BATCH:
            self._flush()

    def _flush(self) -> None:
        if self._buffer:
            self._writer.write_table(results_table(self._buffer))
            self._buffer = []

    def __enter__(self) -> ParquetResults:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        try:
            if kind is None:
                self._flush()
            self._writer.close()
            if kind is None:
                os.chmod(self._temporary, _file_mode(self.path))
                os.replace(self._temporary, self.path)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(self._temporary)
