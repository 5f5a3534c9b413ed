"""One grounded ``BatchWorker`` per process and batch job, for engines that run elsewhere.

A Dask task (a chunk of records, or a partition of a data frame) carries a
``BatchJob``: the table, the parser and the options, with a token naming
them. The first task of a job in a worker process builds its ``BatchWorker``
(grounding the table once); every later task of that job in that process
reuses it. Tasks that run in threads of one process take turns on it (a
lock), so one ``Decider`` serves the whole process. The few most recent jobs
are kept.
"""

from __future__ import annotations

import hashlib
import pickle
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

from medpolicy.batch.engine import BatchOptions, BatchResult, BatchWorker
from medpolicy.batch.records import Parser, Record
from medpolicy.tables.model import Policy

#: Jobs whose grounded worker a process keeps.
KEPT_JOBS = 4


@dataclass(frozen=True)
class BatchJob:
    """What a worker process needs to decide records: table, parser, options and their token."""

    token: str
    policy: Policy
    parser: Parser
    options: BatchOptions

    @classmethod
    def of(cls, policy: Policy, parser: Parser, options: BatchOptions) -> BatchJob:
        """A job whose token is a digest of its parts (equal parts, one grounded worker)."""
        digest = hashlib.sha256(pickle.dumps((policy, parser, options))).hexdigest()
        return cls(digest, policy, parser, options)


_workers: OrderedDict[str, tuple[threading.Lock, BatchWorker]] = OrderedDict()
_guard = threading.Lock()
_built: dict[str, int] = {}


def _worker(job: BatchJob) -> tuple[threading.Lock, BatchWorker]:
    with _guard:
        entry = _workers.get(job.token)
        if entry is None:
            entry = (threading.Lock(), BatchWorker(job.policy, job.parser, job.options))
            _workers[job.token] = entry
            _built[job.token] = _built.get(job.token, 0) + 1
            while len(_workers) > KEPT_JOBS:
                _workers.popitem(last=False)
        else:
            _workers.move_to_end(job.token)
        return entry


def decide_records(job: BatchJob, records: Iterable[Record]) -> list[BatchResult]:
    """The results of records, in order, on this process's worker for the job."""
    lock, worker = _worker(job)
    with lock:
        return worker.results(records)


def groundings(token: str) -> int:
    """How many times this process has built (grounded) a worker for the job ``token``."""
    return _built.get(token, 0)
