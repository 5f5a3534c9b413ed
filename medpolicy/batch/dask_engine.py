"""The Dask engine of ``batch``: the same record pipeline, run on a Dask cluster.

``run_batch_dask`` reads records here, sends them in chunks to the cluster's
workers and yields a ``BatchResult`` per record in input order, as
``run_batch`` does; at most a few chunks per worker are in flight, so memory
stays bounded however long the input is. The table, parser and options
travel once as the result of one task, which the chunk tasks depend on
(a lost copy is recomputed, unlike scattered data); each worker process
grounds one ``Decider`` for them on its first chunk and reuses it
(``batch.cache``). A worker that dies has its chunks retried elsewhere by
the scheduler; a chunk that keeps killing workers stops the run with a
``SolverError``.

``dask_client`` starts a ``LocalCluster`` (worker processes with one thread
each, on loopback, no dashboard) or connects to an existing scheduler.
"""

from __future__ import annotations

import contextlib
import logging
from collections import deque
from collections.abc import Generator, Iterable, Iterator

from distributed import Client, Future, LocalCluster
from distributed.client import FutureCancelledError
from distributed.scheduler import KilledWorker

from medpolicy.batch.cache import BatchJob, decide_records
from medpolicy.batch.engine import (
    DEFAULT_CHUNK_SIZE,
    BatchOptions,
    BatchResult,
    _chunks,
)
from medpolicy.batch.records import Parser, Record
from medpolicy.errors import InputError, Location, Problem, SolverError
from medpolicy.tables.model import Policy

#: Local worker processes when none is asked for (this project's machines have 2 cores).
DEFAULT_DASK_WORKERS = 2
#: Chunks in flight per worker thread.
_IN_FLIGHT_PER_THREAD = 3
#: The scheduler's HTTP server on loopback at a free port, with no dashboard.
LOOPBACK_HTTP = {"dashboard": False, "dashboard_address": "127.0.0.1:0"}
#: Seconds to wait for a scheduler to answer.
CONNECT_TIMEOUT = 30


@contextlib.contextmanager
def dask_client(
    scheduler: str | None = None,
    workers: int = DEFAULT_DASK_WORKERS,
    timeout: float | None = None,
) -> Iterator[Client]:
    """A client of ``scheduler`` (``tcp://host:port``), else of a new local cluster.

    Raises InputError when the scheduler cannot be reached.
    """
    if scheduler is None:
        with LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            # No dashboard; its HTTP server (health checks) on loopback, any free port.
            scheduler_kwargs=LOOPBACK_HTTP,
            silence_logs=logging.ERROR,
        ) as cluster, Client(cluster) as client:
            client.wait_for_workers(workers, timeout=CONNECT_TIMEOUT)
            yield client
        return
    try:
        client = Client(scheduler, timeout=timeout or CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as error:
        raise InputError(
            [Problem(Location("--scheduler"), f"cannot reach the Dask scheduler: {error}",
                     expected="the address of a running scheduler, e.g. tcp://127.0.0.1:8786",
                     found=scheduler)]
        ) from None
    with client:
        yield client


def _held(job: BatchJob) -> BatchJob:
    """The job itself, kept in a worker's memory for the chunk tasks that need it."""
    return job


def _threads(client: Client) -> int:
    workers = client.scheduler_info().get("workers", {})
    return max(1, sum(int(w.get("nthreads", 1)) for w in workers.values()))


def run_batch_dask(
    policy: Policy,
    parser: Parser,
    records: Iterable[Record],
    *,
    client: Client | None = None,
    scheduler: str | None = None,
    workers: int = DEFAULT_DASK_WORKERS,
    options: BatchOptions | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> Generator[BatchResult, None, None]:
    """A result per record, in input order, decided on a Dask cluster.

    On ``client`` when given, else on ``scheduler`` (an address), else on a
    local cluster of ``workers`` processes started for this run.
    """
    if workers < 1:
        raise ValueError("workers must be at least 1")
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    job = BatchJob.of(policy, parser, options or BatchOptions())
    with contextlib.ExitStack() as stack:
        if client is None:
            client = stack.enter_context(dask_client(scheduler, workers))
        yield from _run(client, job, records, chunk_size)


def _run(client: Client, job: BatchJob, records: Iterable[Record],
         chunk_size: int) -> Generator[BatchResult, None, None]:
    # The job is a task's result, not scattered data: a worker that dies holding
    # it cannot lose it for good (the scheduler recomputes it from the task).
    shared = client.submit(_held, job, pure=False)
    limit = _threads(client) * _IN_FLIGHT_PER_THREAD
    pending: deque[Future[list[BatchResult]]] = deque()
    try:
        for chunk in _chunks(records, chunk_size):
            pending.append(client.submit(decide_records, shared, chunk, pure=False))
            if len(pending) >= limit:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    except (KilledWorker, FutureCancelledError) as error:
        raise SolverError(
            "Dask workers kept stopping while deciding a chunk (out of memory, or killed); "
            "the run was stopped"
        ) from error
    finally:
        for future in pending:
            future.cancel()
        shared.release()
