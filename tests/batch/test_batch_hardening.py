"""The record pipeline never raises; records past their time limit are error records."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass

from benchmarks.pathological import parity_yaml
from medpolicy import Policy, policy_from_text
from medpolicy.batch.engine import (
    PARALLEL_FROM_BYTES,
    BatchOptions,
    BatchWorker,
    available_cores,
    default_workers,
    run_batch,
)
from medpolicy.batch.records import JsonLinesParser, Record, open_records
from medpolicy.tables.model import Case


@dataclass(frozen=True)
class _BrokenParser(JsonLinesParser):
    """A parser with a bug: it fails with an unexpected exception on line 2."""

    def case(self, record: Record, policy: Policy) -> Case:
        if record.line == 2:
            raise RuntimeError("a bug")
        return super().case(record, policy)


def test_an_unexpected_exception_is_an_error_record(esi: Policy) -> None:
    """BatchWorker.result turns any exception of one record into an error record at its line."""
    worker = BatchWorker(esi, _BrokenParser("in.jsonl"), BatchOptions())
    records = [Record(n, b'{"id": "c%d", "facts": {}}' % n) for n in (1, 2, 3)]
    results = [worker.result(r) for r in records]
    assert [r.ok for r in results] == [True, False, True]
    assert results[1].error == "in.jsonl:2: the record cannot be read (RuntimeError)"


def test_a_record_past_its_time_limit_is_an_error_record_and_the_run_goes_on() -> None:
    """On a 40-fact parity table with a 0.3 s limit each pend record errs; all get a record."""
    policy = policy_from_text(parity_yaml(40), "parity.yaml")
    lines = [{"id": "open", "facts": {}},
             {"id": "all", "facts": {f"x{i}": True for i in range(40)}}] * 2
    data = "".join(json.dumps(line) + "\n" for line in lines).encode()
    parser, records = open_records(io.BytesIO(data), "jsonl", policy, "in.jsonl")
    results = list(run_batch(policy, parser, records,
                             options=BatchOptions(time_limit=0.3)))
    assert [r.line for r in results] == [1, 2, 3, 4]
    assert [r.ok for r in results] == [False, True, False, True]
    assert results[0].error is not None and "ran past the time limit of 0.3 s" in results[0].error


def test_default_workers_is_one_for_small_or_unknown_inputs() -> None:
    """One worker for stdin and small files; one per core from PARALLEL_FROM_BYTES on."""
    assert default_workers(None) == 1
    assert default_workers(PARALLEL_FROM_BYTES - 1) == 1
    assert default_workers(PARALLEL_FROM_BYTES) == available_cores()
