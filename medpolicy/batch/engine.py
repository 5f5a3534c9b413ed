"""Deciding a stream of cases: one result per record, in input order, in bounded memory.

``run_batch`` takes lazily read ``Record`` s (``tables.batchio``) and yields a
``BatchResult`` per record, in the order read: the ``decide`` JSON contract
with the record's input line, or an error record (line, message) for a record
that is not a valid case or that the solver could not decide. No record is
dropped or repeated.

With one worker everything runs in this process on one ``Decider``. With
more, records go in chunks to worker processes, each of which grounds its
own ``Decider`` once (the pool's initializer); at most a few chunks per
worker are in flight and results are reassembled in order, so memory stays
constant however long the input is. Workers parse, decide and serialize, so
this process only reads and writes.
"""

from __future__ import annotations

import json
import os
from collections import Counter, deque
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING, Any

from medpolicy.batch.records import Parser, Record
from medpolicy.errors import InputError, SolverError
from medpolicy.solver.control import DEFAULT_TIME_LIMIT
from medpolicy.solver.decide.decider import DEFAULT_MAX_ALTERNATIVES, Decider
from medpolicy.tables.decimals import json_default
from medpolicy.tables.model import OUTCOMES, Outcome, Policy

if TYPE_CHECKING:
    from concurrent.futures import Future

#: Records per chunk sent to a worker.
DEFAULT_CHUNK_SIZE = 250
#: Chunks in flight per worker (bounds memory; keeps every worker busy).
_IN_FLIGHT_PER_WORKER = 3


@dataclass(frozen=True)
class BatchResult:
    """The result of one input record: a decision or an error, as one JSON line."""

    line: int
    case: str
    verdict: Outcome | None
    error: str | None
    text: str

    @property
    def ok(self) -> bool:
        return self.error is None


def decision_record(line: int, decision_dict: dict[str, Any]) -> str:
    """A decided record: the ``decide`` JSON contract with the input line first."""
    return json.dumps({"line": line, **decision_dict}, ensure_ascii=False, default=json_default)


def error_record(line: int, case: str, problems: list[str]) -> str:
    """An error record: the input line, the case id, the message and every problem."""
    data = {"line": line, "case": case, "error": "; ".join(problems), "problems": problems}
    return json.dumps(data, ensure_ascii=False, default=json_default)


@dataclass
class BatchOptions:
    """How cases are decided: alternatives per pend and the time limit of a solve."""

    max_alternatives: int = DEFAULT_MAX_ALTERNATIVES
    time_limit: float = DEFAULT_TIME_LIMIT


class BatchWorker:
    """Parses, decides and serializes records on one grounded ``Decider``."""

    def __init__(self, policy: Policy, parser: Parser, options: BatchOptions) -> None:
        self.policy = policy
        self.parser = parser
        self.decider = Decider(
            policy, max_alternatives=options.max_alternatives, time_limit=options.time_limit
        )
        self._stem = os.path.splitext(os.path.basename(parser.source))[0]

    def result(self, record: Record) -> BatchResult:
        """The result of one record; bad input and solver failures become error records."""
        try:
            case = self.parser.case(record, self.policy)
        except InputError as error:
            return self._error(record.line, self._default_id(record.line), error.problems)
        try:
            decision = self.decider.decide(case)
        except SolverError as error:
            where = f"{self.parser.source}:{record.line}"
            return self._error(record.line, case.id, [f"{where}: {error}"])
        text = decision_record(record.line, decision.to_dict())
        return BatchResult(record.line, case.id, decision.verdict, None, text)

    def results(self, records: Iterable[Record]) -> list[BatchResult]:
        return [self.result(record) for record in records]

    def _default_id(self, line: int) -> str:
        return f"{self._stem}:{line}"

    def _error(self, line: int, case: str, problems: Iterable[object]) -> BatchResult:
        messages = [str(p) for p in problems]
        text = error_record(line, case, messages)
        return BatchResult(line, case, None, "; ".join(messages), text)


# -- worker processes ---------------------------------------------------------

_worker: BatchWorker | None = None


def _init_worker(policy: Policy, parser: Parser, options: BatchOptions) -> None:
    global _worker
    _worker = BatchWorker(policy, parser, options)


def _run_chunk(records: list[Record]) -> list[BatchResult]:
    assert _worker is not None, "the worker process was not initialized"
    return _worker.results(records)


def default_workers() -> int:
    """The number of cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def _chunks(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    iterator = iter(records)
    while chunk := list(islice(iterator, size)):
        yield chunk


def run_batch(
    policy: Policy,
    parser: Parser,
    records: Iterable[Record],
    *,
    workers: int = 1,
    options: BatchOptions | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> Generator[BatchResult, None, None]:
    """A result per record, in input order; ``workers`` processes (1: this process)."""
    if workers < 1:
        raise ValueError("workers must be at least 1")
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    options = options or BatchOptions()
    if workers == 1:
        worker = BatchWorker(policy, parser, options)
        for record in records:
            yield worker.result(record)
        return
    yield from _run_parallel(policy, parser, records, workers, options, chunk_size)


def _run_parallel(
    policy: Policy,
    parser: Parser,
    records: Iterable[Record],
    workers: int,
    options: BatchOptions,
    chunk_size: int,
) -> Generator[BatchResult, None, None]:
    # Imported here: only parallel runs need them, and every command imports this module.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # spawn: workers start clean (no inherited threads or clingo state) on every platform.
    context = multiprocessing.get_context("spawn")
    pending: deque[Future[list[BatchResult]]] = deque()
    limit = workers * _IN_FLIGHT_PER_WORKER
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_init_worker,
        initargs=(policy, parser, options),
    ) as pool:
        try:
            for chunk in _chunks(records, chunk_size):
                pending.append(pool.submit(_run_chunk, chunk))
                if len(pending) >= limit:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()
        except BrokenProcessPool as error:
            raise SolverError(
                "a batch worker process stopped unexpectedly (out of memory, or killed); "
                "the run was stopped"
            ) from error
        finally:
            for future in pending:
                future.cancel()


@dataclass
class BatchSummary:
    """Counts per verdict and of errors, as results go by."""

    verdicts: Counter[str] = field(default_factory=Counter)
    errors: int = 0

    def add(self, result: BatchResult) -> None:
        if result.verdict is None:
            self.errors += 1
        else:
            self.verdicts[result.verdict] += 1

    @property
    def cases(self) -> int:
        return sum(self.verdicts.values()) + self.errors

    def describe(self, seconds: float) -> str:
        """One line: cases, time, rate, then each verdict and the errors."""
        rate = self.cases / seconds if seconds > 0 else 0.0
        counts = ", ".join(f"{self.verdicts[o]:,} {o}" for o in OUTCOMES
                           if o != "refer" or self.verdicts[o])
        errors = f"{self.errors:,} error" + ("" if self.errors == 1 else "s")
        return (
            f"{self.cases:,} cases in {seconds:.1f} s ({rate:,.0f} cases/s): {counts}, {errors}"
        )
