"""Streaming case input for ``batch``: JSON Lines and CSV, one record per case.

Reading and parsing are split so that a batch can read in one process and
parse in many: ``read_jsonl`` and ``read_csv`` turn a byte stream into
``Record`` s (the input line number and the raw text or cells, nothing
parsed yet), lazily, in constant memory; a ``JsonLinesParser`` or
``CsvParser`` (small, picklable) turns one record into a checked ``Case`` or
raises an ``InputError`` naming the file, the line and what is wrong.

- **JSON Lines**: one case object per line in the case-file format (``id``,
  ``policy``, ``description``, ``facts``). Line numbers count every
  physical line. Duplicate keys are errors.
- **CSV**: a header of fact names (and optionally ``id``, ``policy``,
  ``description``), one case per row. An empty cell means the fact is
  unknown. Cells are typed by their fact: ``true``/``false`` (any case) for
  yes/no facts, whole numbers for number facts, the listed text for enums;
  anything else reaches the case checks as text and is reported there, so
  nothing is coerced. A bad header stops the run (every row would be bad).

Every line after the header is a record, so every line gets a result: a
blank line is an error record, not silently skipped. Invalid UTF-8 spoils
only the line it is on.
"""

from __future__ import annotations

import codecs
import csv
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, BinaryIO, Literal

from medpolicy.errors import Location, Problem, ValidationError, did_you_mean
from medpolicy.tables.cases import case_from_mapping
from medpolicy.tables.codes import split_codes
from medpolicy.tables.inputlimits import bad_character, too_many_digits
from medpolicy.tables.model import Case, Policy

if TYPE_CHECKING:
    from _csv import Reader as CsvReader

Format = Literal["jsonl", "csv"]
FORMATS: tuple[Format, ...] = ("jsonl", "csv")
#: Columns of a CSV header that are not facts: the case-file keys.
CASE_COLUMNS = ("id", "policy", "description", "service_date")

_BOM = codecs.BOM_UTF8
_INT = re.compile(r"[+-]?[0-9]+")


@dataclass(frozen=True)
class Record:
    """One case as read: its 1-based input line and its raw JSON text or CSV cells.

    ``error`` is set instead when the line could not even be split into cells.
    """

    line: int
    payload: bytes | tuple[str, ...]
    error: str | None = None


class ByteCount:
    """How many bytes of the input have been read (for a progress bar)."""

    def __init__(self) -> None:
        self.value = 0


def _lines(stream: BinaryIO, count: ByteCount | None) -> Iterator[tuple[int, bytes]]:
    for number, raw in enumerate(stream, start=1):
        if count is not None:
            count.value += len(raw)
        yield number, raw.removeprefix(_BOM) if number == 1 else raw


def read_jsonl(stream: BinaryIO, count: ByteCount | None = None) -> Iterator[Record]:
    """A record per line of a JSON Lines stream (a blank line too: it is reported)."""
    for number, raw in _lines(stream, count):
        yield Record(number, raw)


def _problem(source: str, line: int, message: str, **kw: str | None) -> ValidationError:
    return ValidationError([Problem(Location(source, line), message, **kw)])


def _decode(payload: bytes, source: str, line: int) -> str:
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _problem(
            source,
            line,
            f"not valid UTF-8 (byte 0x{payload[error.start]:02x} at column {error.start + 1})",
            hint="save the file as UTF-8",
        ) from None


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return result


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class JsonLinesParser:
    """Turns a JSON Lines record into a checked case."""

    source: str
    #: The service date of a record that carries none (the CLI's ``--service-date``).
    service_date: date | None = None

    def case(self, record: Record, policy: Policy) -> Case:
        """The case on the record's line; raises ValidationError."""
        assert isinstance(record.payload, bytes)
        line = record.line
        text = _decode(record.payload, self.source, line)
        if not text.strip():
            raise _problem(self.source, line, "empty line", expected="a case object")
        try:
            data = json.loads(text, object_pairs_hook=_unique_keys, parse_int=_bounded_int,
                              parse_float=_bounded_float)
        except _TooLong as error:
            raise _problem(self.source, line, str(error)) from None
        except RecursionError:
            raise _problem(self.source, line, "the JSON nests too deeply to read") from None
        except json.JSONDecodeError as error:
            raise ValidationError(
                [Problem(Location(self.source, line, error.colno), f"invalid JSON: {error.msg}")]
            ) from None
        except _DuplicateKey as error:
            raise _problem(self.source, line, f"duplicate key '{error.key}'") from None
        # Without a backslash every decoded text is a slice of the line itself: one
        # search over the line stands for a walk over every key and text.
        if "\\" in text or bad_character(text) is not None:
            problem = _bad_text(data)
            if problem is not None:
                raise _problem(self.source, line, problem)
        if not isinstance(data, dict):
            raise _problem(
                self.source,
                line,
                "a case must be a JSON object",
                expected='an object such as {"id": "...", "facts": {...}}',
                found=_json_kind(data),
            )
        return case_from_mapping(dated(data, self.service_date), policy, self.source, line)


class _TooLong(ValueError):
    """A number with more digits than ``MAX_DIGITS``."""


def _bounded_int(text: str) -> int:
    problem = too_many_digits(text)
    if problem is not None:
        raise _TooLong(problem)
    return int(text)


def _bounded_float(text: str) -> Decimal:
    """A JSON fraction as the exact Decimal it spells (decimal facts are exact)."""
    problem = too_many_digits(text)
    if problem is not None:
        raise _TooLong(problem)
    return Decimal(text)


def _bad_text(data: object) -> str | None:
    """The first lone surrogate or control character in any key or text of ``data``."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            problem = bad_character(item)
            if problem is not None:
                return problem
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


def _json_kind(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    return "a boolean" if isinstance(value, bool) else "a number"


def read_csv(
    stream: BinaryIO, source: str, count: ByteCount | None = None
) -> tuple[tuple[str, ...], Iterator[Record]]:
    """The header of a CSV stream and a record per following row (blank lines included).

    A row's line is the line it starts on (a quoted cell may span lines).
    Raises ValidationError when the header itself cannot be read.
    """
    texts = (raw.decode("utf-8", "surrogateescape") for _, raw in _lines(stream, count))
    reader = csv.reader(texts, strict=True)
    try:
        header = tuple(cell.strip() for cell in next(reader))
    except StopIteration:
        header = ()
    except csv.Error as error:
        raise _problem(source, 1, f"unreadable CSV header: {error}") from None
    return header, _rows(reader)


def _rows(reader: CsvReader) -> Iterator[Record]:
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield Record(start, (), f"unreadable CSV row: {error}")
            continue
        yield Record(start, tuple(row), None if row else "empty line")


@dataclass(frozen=True)
class CsvParser:
    """Turns a CSV row into a checked case, by the columns of the header."""

    source: str
    columns: tuple[str, ...]
    #: The service date of a row whose service_date cell is empty or absent.
    service_date: date | None = None

    @classmethod
    def for_header(cls, header: Iterable[str], policy: Policy, source: str) -> CsvParser:
        """A parser for a header, which must name facts (or ``id``, ``policy``, ``description``)."""
        columns = tuple(header)
        problems: list[Problem] = []
        if not any(columns):
            problems.append(
                Problem(
                    Location(source, 1),
                    "the CSV file has no header",
                    expected="a first line naming the facts of each column",
                )
            )
        known = [*policy.fact_map, *CASE_COLUMNS]
        seen: set[str] = set()
        for number, name in enumerate(columns, start=1):
            where = Location(source, 1, path=f"column {number}")
            if name in seen:
                problems.append(Problem(where, f"column '{name}' appears twice in the header"))
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
        return cls(source, columns)

    def case(self, record: Record, policy: Policy) -> Case:
        """The case on the record's line; raises ValidationError."""
        cells = record.payload
        assert isinstance(cells, tuple)
        line = record.line
        if record.error is not None:
            raise _problem(self.source, line, record.error)
        if len(cells) != len(self.columns):
            raise _problem(
                self.source,
                line,
                "the row has a different number of cells than the header",
                expected=f"{len(self.columns)} cells",
                found=f"{len(cells)}",
            )
        data: dict[str, object] = {}
        facts: dict[str, object] = {}
        for column, raw in zip(self.columns, cells, strict=True):
            text = raw.strip()
            if _has_surrogates(text):
                raise _problem(self.source, line, f"column '{column}' is not valid UTF-8")
            problem = bad_character(text) or (
                too_many_digits(text) if _INT.fullmatch(text) else None)
            if problem is not None:
                raise _problem(self.source, line, f"column '{column}': {problem}")
            if not text:
                continue
            fact = policy.fact_map.get(column)
            if fact is None:
                data[column] = text
            else:
                facts[column] = _typed(fact.type, text)
        data["facts"] = facts
        return case_from_mapping(dated(data, self.service_date), policy, self.source, line)


def _has_surrogates(text: str) -> bool:
    return not text.isascii() and any("\udc80" <= ch <= "\udcff" for ch in text)


def _typed(kind: str, text: str) -> object:
    """A CSV cell as its fact's type when it is written as one, else the text itself."""
    if kind == "bool":
        lowered = text.lower()
        if lowered in ("true", "false"):
            return lowered == "true"
        return text
    if kind == "int" and _INT.fullmatch(text):
        return int(text)
    if kind == "codes":
        return split_codes(text)
    return text


Parser = JsonLinesParser | CsvParser


def dated(data: dict[str, object], service: date | None) -> dict[str, object]:
    """A record with ``service`` as its service date when it has none of its own (a
    record's own date is its claim's date of service and wins)."""
    if service is None or data.get("service_date") is not None:
        return data
    return {**data, "service_date": service.isoformat()}


def open_records(
    stream: BinaryIO,
    fmt: Format,
    policy: Policy,
    source: str,
    count: ByteCount | None = None,
) -> tuple[Parser, Iterator[Record]]:
    """The parser and the lazy records of an input stream in ``fmt``.

    Raises ValidationError at once for a bad CSV header.
    """
    if fmt == "jsonl":
        return JsonLinesParser(source), read_jsonl(stream, count)
    header, rows = read_csv(stream, source, count)
    return CsvParser.for_header(header, policy, source), rows


def guess_format(name: str) -> Format:
    """``csv`` for a ``.csv`` file name, else ``jsonl``."""
    return "csv" if name.lower().endswith(".csv") else "jsonl"
