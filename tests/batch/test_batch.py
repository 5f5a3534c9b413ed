"""Batch deciding: one result per input line, in order, equal to decide, with error records."""

from __future__ import annotations

import io
import itertools
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from medpolicy import Decider, Policy, SolverError, ValidationError
from medpolicy.batch.engine import BatchResult, BatchSummary, run_batch
from medpolicy.batch.output import atomic_output
from medpolicy.batch.records import (
    CsvParser,
    JsonLinesParser,
    Record,
    open_records,
)
from medpolicy.suite.casegen import CaseGenerator, case_record
from medpolicy.tables.model import Case

GENERATED = 300


@pytest.fixture(scope="module")
def generated(esi: Policy) -> list[Case]:
    """A few hundred realistic esi cases (seeded)."""
    return list(CaseGenerator(esi, seed=7).cases(GENERATED))


def _jsonl(cases: list[Case]) -> bytes:
    return "".join(json.dumps(case_record(c)) + "\n" for c in cases).encode()


def _run(policy: Policy, data: bytes, fmt: str = "jsonl", **kw: Any) -> list[BatchResult]:
    parser, records = open_records(io.BytesIO(data), fmt, policy, f"in.{fmt}")  # type: ignore[arg-type]
    return list(run_batch(policy, parser, records, **kw))


def _expected(decider: Decider, case: Case, line: int) -> dict[str, Any]:
    return {"line": line, **decider.decide(case).to_dict()}


@pytest.mark.parametrize(
    ("workers", "chunk_size"),
    [(1, 250), (2, 16), (2, 1000)],
    ids=["1-worker", "2-workers", "2-workers-one-chunk"],
)
def test_batch_equals_decide_on_every_line_in_order(
    esi: Policy, esi_decider: Decider, generated: list[Case], workers: int, chunk_size: int
) -> None:
    """Every line's record is exactly decide's JSON for that case plus its line number."""
    results = _run(esi, _jsonl(generated), workers=workers, chunk_size=chunk_size)
    assert [r.line for r in results] == list(range(1, GENERATED + 1))
    verdicts = {r.verdict for r in results}
    assert verdicts == {"approve", "deny", "pend"}, "the generated mix covers every verdict"
    assert any(json.loads(r.text)["missing"] for r in results)
    for line, (case, result) in enumerate(zip(generated, results, strict=True), start=1):
        assert result.ok and result.case == case.id
        assert json.loads(result.text) == _expected(esi_decider, case, line)


def test_bad_lines_become_error_records_at_exactly_those_lines(
    esi: Policy, esi_decider: Decider, generated: list[Case]
) -> None:
    """Invalid JSON, an unknown fact, a wrong type and friends spoil only their own line."""
    good = [json.dumps(case_record(c)).encode() for c in generated[:6]]
    bad = {
        2: (b'{"facts": {"levels": 1,}', "in.jsonl:2:24: invalid JSON"),
        4: (b'{"facts": {"levl": 1}}', "unknown fact 'levl'"),
        5: (b'{"facts": {"levels": "two"}}', "wrong type for the number fact 'levels'"),
        7: (b'{"facts": {"levels": 0}}', "value out of range for 'levels'"),
        8: (b'["not", "a", "case"]', "a case must be a JSON object"),
        9: (b'{"facts": {"levels": 1, "levels": 2}}', "duplicate key 'levels'"),
        11: (b'{"facts": {"indication": "radicul\xffopathy"}}', "not valid UTF-8"),
    }
    lines: list[bytes] = []
    cases = iter(generated[:6])
    expected_cases: dict[int, Case] = {}
    good_iter = iter(good)
    for number in range(1, 13):
        if number in bad:
            lines.append(bad[number][0])
        else:
            lines.append(next(good_iter))
            expected_cases[number] = next(cases)
    results = _run(esi, b"\n".join(lines) + b"\n")
    assert [r.line for r in results] == list(range(1, 13))
    for result in results:
        record = json.loads(result.text)
        assert record["line"] == result.line
        if result.line in bad:
            assert result.verdict is None and not result.ok
            assert bad[result.line][1] in record["error"]
            assert record["problems"] and f"in.jsonl:{result.line}" in record["problems"][0]
            assert record["case"] == f"in:{result.line}"
        else:
            assert record == _expected(esi_decider, expected_cases[result.line], result.line)


def test_error_record_lists_every_problem_of_a_line(esi: Policy) -> None:
    """A line with two problems yields one record naming both."""
    line = b'{"id": "two-bad", "facts": {"levl": 1, "active_rehab": "yes"}}\n'
    (result,) = _run(esi, line)
    record = json.loads(result.text)
    assert record["case"] == "in:1"
    assert len(record["problems"]) == 2
    assert "unknown fact 'levl'" in record["error"]
    assert "wrong type for the yes/no fact 'active_rehab'" in record["error"]


def test_blank_lines_are_error_records_and_line_numbers_kept(
    esi: Policy, generated: list[Case]
) -> None:
    """Every line yields a result: a blank line is an error record, not a silent skip."""
    one, two = (json.dumps(case_record(c)) for c in generated[:2])
    data = f"\n{one}\n   \n{two}\n".encode()
    results = _run(esi, data)
    assert [(r.line, r.ok) for r in results] == [(1, False), (2, True), (3, False), (4, True)]
    assert results[0].error == "in.jsonl:1: empty line (expected a case object)"


def test_a_byte_order_mark_is_ignored(esi: Policy, generated: list[Case]) -> None:
    """A UTF-8 BOM before the first line does not spoil it."""
    data = b"\xef\xbb\xbf" + json.dumps(case_record(generated[0])).encode()
    (result,) = _run(esi, data)
    assert result.ok


CSV_HEADER = "id,cpt,levels,indication,active_rehab,conservative_care_weeks,anticoagulated\n"


def test_csv_empty_cells_are_unknown_and_cells_are_typed(esi: Policy, esi_decider: Decider) -> None:
    """Empty cells leave facts unknown; true/false, numbers and enum text get their types."""
    data = (
        CSV_HEADER
        + "a,62321,1,radiculopathy,TRUE,6,false\n"
        + "b,62321,,radiculopathy,,,\n"
        + "c, 64483 ,2,,false, 3 ,True\n"
    ).encode()
    results = _run(esi, data, "csv")
    assert [r.line for r in results] == [2, 3, 4]
    expected = [
        {"cpt": "62321", "levels": 1, "indication": "radiculopathy", "active_rehab": True,
         "conservative_care_weeks": 6, "anticoagulated": False},
        {"cpt": "62321", "indication": "radiculopathy"},
        {"cpt": "64483", "levels": 2, "active_rehab": False, "conservative_care_weeks": 3,
         "anticoagulated": True},
    ]
    for result, facts, case_id in zip(results, expected, "abc", strict=True):
        assert result.ok, result.error
        case = Case(case_id, facts)
        assert json.loads(result.text) == _expected(esi_decider, case, result.line)
    assert results[1].verdict == "pend"
    assert json.loads(results[1].text)["missing"]


@pytest.mark.parametrize(
    ("row", "words"),
    [
        ("d,62321,1,radiculopathy,yes,6,false", "wrong type for the yes/no fact 'active_rehab'"),
        ("d,62321,1.5,radiculopathy,true,6,false", "wrong type for the number fact 'levels'"),
        ("d,99999,1,radiculopathy,true,6,false", "'99999' is not a value of the enum fact 'cpt'"),
        ("d,62321,1,radiculopathy,true", "different number of cells than the header"),
        ('d,"62321,1,radiculopathy,true,6,false', "unreadable CSV row"),
    ],
    ids=["bool-yes", "int-float", "enum-unlisted", "short-row", "bad-quote"],
)
def test_csv_bad_rows_are_error_records(esi: Policy, row: str, words: str) -> None:
    """A bad row yields an error record at its line; the rows around it are decided."""
    good = "a,62321,1,radiculopathy,true,6,false\n"
    data = (CSV_HEADER + good + row + "\n" + good).encode()
    results = _run(esi, data, "csv")
    assert [r.ok for r in results][:2] == [True, False]
    assert results[1].line == 3
    assert words in (results[1].error or "")
    assert "in.csv:3" in (results[1].error or "")
    if words != "unreadable CSV row":
        assert results[2].ok and results[2].line == 4


def test_csv_quoted_cell_over_two_lines_keeps_line_numbers(esi: Policy) -> None:
    """A row starting on line 2 and spanning two lines is line 2; the next row is line 4."""
    data = (
        b"id,description,active_rehab\n"
        b'a,"first line\nsecond line",true\n'
        b"b,plain,false\n"
    )
    results = _run(esi, data, "csv")
    assert [(r.line, r.case) for r in results] == [(2, "a"), (4, "b")]


@pytest.mark.parametrize(
    ("header", "words"),
    [
        ("id,levl\n", "unknown column 'levl' (not a fact of policy 'esi'); did you mean 'levels'?"),
        ("levels,levels\n", "column 'levels' appears twice in the header"),
        ("", "the CSV file has no header"),
    ],
    ids=["unknown-column", "duplicate-column", "empty-file"],
)
def test_csv_bad_header_stops_before_any_case(esi: Policy, header: str, words: str) -> None:
    """A bad header is one ValidationError naming the file and line 1."""
    with pytest.raises(ValidationError) as caught:
        open_records(io.BytesIO(header.encode()), "csv", esi, "in.csv")
    assert words in str(caught.value)
    assert "in.csv:1" in str(caught.value)


def test_csv_blank_line_is_an_error_record(esi: Policy) -> None:
    """A blank line between CSV rows is reported at its line."""
    data = b"cpt\n62321\n\n62322\n"
    results = _run(esi, data, "csv")
    assert [(r.line, r.ok) for r in results] == [(2, True), (3, False), (4, True)]
    assert results[1].error == "in.csv:3: empty line"


def test_parsers_are_small_and_picklable(esi: Policy) -> None:
    """Workers get the parser by pickling: it carries the source and columns only."""
    import pickle

    parser = CsvParser.for_header(["id", "levels"], esi, "x.csv")
    assert pickle.loads(pickle.dumps(parser)) == parser
    assert pickle.loads(pickle.dumps(JsonLinesParser("x.jsonl"))) == JsonLinesParser("x.jsonl")


def test_summary_counts_verdicts_and_errors(esi: Policy, generated: list[Case]) -> None:
    """The summary counts each verdict and the error records, and says the rate."""
    data = _jsonl(generated[:40]) + b"{oops\n"
    results = _run(esi, data)
    summary = BatchSummary()
    for result in results:
        summary.add(result)
    assert summary.cases == 41 and summary.errors == 1
    for verdict in ("approve", "deny", "pend"):
        assert summary.verdicts[verdict] == sum(r.verdict == verdict for r in results)
    text = summary.describe(2.0)
    assert text.startswith("41 cases in 2.0 s (20 cases/s): ")
    assert text.endswith(", 1 error")


def test_run_batch_rejects_nonsense_arguments(esi: Policy) -> None:
    """Zero workers or an empty chunk is a programming error, said at once."""
    parser = JsonLinesParser("x")
    with pytest.raises(ValueError, match="workers"):
        next(run_batch(esi, parser, [], workers=0))
    with pytest.raises(ValueError, match="chunk_size"):
        next(run_batch(esi, parser, [], chunk_size=0))


def test_atomic_output_replaces_the_file_only_on_success(tmp_path: Path) -> None:
    """A failed run leaves the old output and no temporary file; a good one replaces it."""
    target = tmp_path / "out.jsonl"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_output(target) as out:
        out.write("half\n")
        raise RuntimeError("boom")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]
    with atomic_output(target) as out:
        out.write("new\n")
    assert target.read_text(encoding="utf-8") == "new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


def _numbered(cases: list[Case], pulled: list[int]) -> Iterator[Record]:
    """Records of the cases, over and over, without end; counts what was pulled."""
    for line in itertools.count(1):
        pulled[0] += 1
        yield Record(line, json.dumps(case_record(cases[line % len(cases)])).encode())


@pytest.mark.parametrize("workers", [1, 2], ids=["1-worker", "2-workers"])
def test_input_is_read_lazily_in_bounded_chunks(
    esi: Policy, generated: list[Case], workers: int
) -> None:
    """An endless input streams: results come while only a few chunks have been read."""
    pulled = [0]
    results = run_batch(esi, JsonLinesParser("endless"), _numbered(generated, pulled),
                        workers=workers, chunk_size=10)
    first = list(itertools.islice(results, 50))
    results.close()
    assert [r.line for r in first] == list(range(1, 51))
    assert all(r.ok for r in first)
    assert pulled[0] <= 50 + 10 * 3 * workers + 10


def test_a_solver_failure_is_an_error_record_and_the_run_goes_on(
    esi: Policy, generated: list[Case], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A case the solver cannot decide (e.g. out of time) yields an error record at its line."""
    victim = generated[1].id
    original = Decider.decide

    def decide(self: Decider, case: Case, **kw: Any) -> Any:
        if case.id == victim:
            raise SolverError("deciding the case took longer than 30 s")
        return original(self, case, **kw)

    monkeypatch.setattr(Decider, "decide", decide)
    results = _run(esi, _jsonl(generated[:3]))
    assert [(r.line, r.ok) for r in results] == [(1, True), (2, False), (3, True)]
    assert results[1].case == victim
    assert results[1].error == "in.jsonl:2: deciding the case took longer than 30 s"


@dataclass(frozen=True)
class _CrashingParser(JsonLinesParser):
    """A parser whose worker process dies on line 5 (as if killed)."""

    def case(self, record: Record, policy: Policy) -> Case:
        if record.line == 5:
            os._exit(3)
        return super().case(record, policy)


def test_a_dead_worker_stops_the_run_with_a_solver_error(
    esi: Policy, generated: list[Case]
) -> None:
    """A worker that dies is not a silent loss: the run stops with a clear error."""
    parser = _CrashingParser("in.jsonl")
    records = [Record(n, json.dumps(case_record(c)).encode())
               for n, c in enumerate(generated[:20], start=1)]
    with pytest.raises(SolverError, match="worker process stopped unexpectedly"):
        list(run_batch(esi, parser, records, workers=2, chunk_size=4))
