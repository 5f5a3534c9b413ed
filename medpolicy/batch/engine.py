"""Deciding a stream of cases: one result per record, in input order, in bounded memory.

The record pipeline, shared by every engine (local processes here, Dask
elsewhere): ``BatchWorker.result(record)`` parses, decides and serializes one
record and **never raises** (bad input, a solver failure, a record past its
time limit or any other error becomes an error record at that line); a
writer (``medpolicy.batch.writer``) puts the results down in input order.

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

import contextlib
import json
import os
import signal
import threading
import weakref
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
    from concurrent.futures import Future, ProcessPoolExecutor

#: Records per chunk sent to a worker.
DEFAULT_CHUNK_SIZE = 250
#: Chunks in flight per worker (bounds memory; keeps every worker busy).
_IN_FLIGHT_PER_WORKER = 3
#: Seconds between looks at the worker processes while waiting for a chunk.
_LIVENESS_SECONDS = 0.5


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
        """The result of one record; never raises: any failure becomes an error record."""
        where = f"{self.parser.source}:{record.line}"
        try:
            case = self.parser.case(record, self.policy)
        except InputError as error:
            return self._error(record.line, self._default_id(record.line), error.problems)
        except RecursionError:
            return self._error(record.line, self._default_id(record.line),
                               [f"{where}: the record nests too deeply to read"])
        except Exception as error:  # one record must never stop the run
            return self._error(record.line, self._default_id(record.line),
                               [f"{where}: the record cannot be read ({type(error).__name__})"])
        try:
            decision = self.decider.decide(case)
            text = decision_record(record.line, decision.to_dict())
        except SolverError as error:
            return self._error(record.line, case.id, [f"{where}: {error}"])
        except RecursionError:
            return self._error(record.line, case.id,
                               [f"{where}: the table nests too deeply to decide this case"])
        except Exception as error:  # one record must never stop the run
            return self._error(record.line, case.id,
                               [f"{where}: the case could not be decided ({error})"])
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
    # Ctrl-C reaches the whole process group: only the parent decides what to keep.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker = BatchWorker(policy, parser, options)


def _run_chunk(records: list[Record]) -> list[BatchResult]:
    assert _worker is not None, "the worker process was not initialized"
    return _worker.results(records)


#: Input size from which a second worker process measurably helps on a 2-core
#: machine (docs/hardening.md: 3,000 esi cases, 2 MB, ran 3.4 s with one worker
#: and 6.3 s with two; 12,000 cases, 8 MB, 12.9 s with one and 9.8 s with two).
PARALLEL_FROM_BYTES = 6 * 1024 * 1024


def available_cores() -> int:
    """The number of cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def default_workers(input_bytes: int | None = None) -> int:
    """The worker processes that measurably help: one (this process) unless the input
    is known to be large enough to repay starting and grounding more, then one per core."""
    if input_bytes is None or input_bytes < PARALLEL_FROM_BYTES:
        return 1
    return available_cores()


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
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_init_worker,
        initargs=(policy, parser, options),
    )
    finished = False
    try:
        for chunk in _chunks(records, chunk_size):
            pending.append(pool.submit(_run_chunk, chunk))
            if len(pending) >= limit:
                yield from _await(pending.popleft(), pool)
        while pending:
            yield from _await(pending.popleft(), pool)
        finished = True
    except BrokenProcessPool as error:
        raise SolverError(
            "a batch worker process stopped unexpectedly (out of memory, or killed); "
            "the run was stopped"
        ) from error
    finally:
        for future in pending:
            future.cancel()
        if not finished:
            _stop_workers(pool)
        # A stopped run does not wait for the pool's threads (they may be stuck on a
        # queue a killed worker held); the workers are already terminated.
        pool.shutdown(wait=finished, cancel_futures=True)


def _await(future: Future[list[BatchResult]], pool: ProcessPoolExecutor) -> list[BatchResult]:
    """The chunk's results; raises BrokenProcessPool when a worker died.

    The pool notices a dead worker itself, except when the worker died while
    writing a result (its reader then waits for the rest for ever): so wait in
    short steps and look at the workers in between.
    """
    from concurrent.futures import TimeoutError as FutureTimeout
    from concurrent.futures.process import BrokenProcessPool

    while True:
        try:
            return future.result(timeout=_LIVENESS_SECONDS)
        except FutureTimeout:
            processes = getattr(pool, "_processes", None) or {}
            if any(p.exitcode not in (None, 0) for p in list(processes.values())):
                raise BrokenProcessPool("a worker process died") from None


_QUIET_THREADS: weakref.WeakSet[threading.Thread] = weakref.WeakSet()


def _quiet(thread: threading.Thread | None) -> None:
    """Let ``thread`` end on an exception without printing it (a stopped pool's manager
    thread trips over the futures this run cancelled: nothing a user should see)."""
    if thread is None:
        return
    if not _QUIET_THREADS and not getattr(threading.excepthook, "_medpolicy", False):
        previous = threading.excepthook

        def hook(args: threading.ExceptHookArgs) -> None:
            if args.thread not in _QUIET_THREADS:
                previous(args)

        hook._medpolicy = True  # type: ignore[attr-defined]
        threading.excepthook = hook
    _QUIET_THREADS.add(thread)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """End the worker processes now: a stopped run does not wait for their chunks."""
    _quiet(getattr(pool, "_executor_manager_thread", None))
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(timeout=5)
    # A worker killed while writing a result leaves the pool's reader waiting for the
    # rest for ever (and the interpreter would wait for that thread at exit). With every
    # worker gone, closing this process's end of the pipe gives the reader its EOF.
    queue = getattr(pool, "_result_queue", None)
    writer = getattr(queue, "_writer", None)
    if writer is not None:
        with contextlib.suppress(Exception):
            writer.close()


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
