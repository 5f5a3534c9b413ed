"""Worker threads that run every solve, one ``Decider`` per thread and table.

Requests hand their work to a fixed pool of threads (``--workers``). Each
thread grounds its own Decider for a table the first time it needs one and
keeps it (``threading.local``), so no Decider is ever used by two threads at
once, whatever the Decider itself promises. The request waits at most the
time limit: past it the client gets a 504 at once, and the solve, which has
the same limit, is interrupted by clingo's watchdog.

``warm`` grounds every loaded table on every worker before the service
answers its first request. Tables sent as text (the workbench's edited table) are parsed once per
distinct text and kept in a small shared cache; their Deciders live in the
same per-thread caches, least recently used first out.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from medpolicy.errors import MedpolicyError, SolverError, TooComplexError
from medpolicy.service.errors import ApiError
from medpolicy.service.settings import Settings
from medpolicy.solver.decide.decider import Decider
from medpolicy.tables.loader import policy_from_text
from medpolicy.tables.model import Policy

T = TypeVar("T")
_LOG = logging.getLogger("medpolicy.service")

#: Deciders one thread keeps (bundled and folder tables, then edited ones).
_DECIDERS_PER_THREAD = 16
#: Parsed tables sent as text that the service keeps.
_TEXT_TABLES = 32


class PastDeadline(Exception):
    """The request this work belongs to is past its time limit (it was answered 504)."""


class DecisionPool:
    """A fixed set of worker threads, their Deciders, and the per-request time limit."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._executor = ThreadPoolExecutor(max_workers=settings.workers,
                                            thread_name_prefix="medpolicy-worker")
        self._local = threading.local()
        self._texts: OrderedDict[str, Policy] = OrderedDict()
        self._texts_lock = threading.Lock()

    def decider(self, policy: Policy) -> Decider:
        """This thread's Decider for ``policy`` (grounded on first use)."""
        cache: OrderedDict[tuple[str, str], Decider] | None = getattr(self._local, "cache", None)
        if cache is None:
            cache = self._local.cache = OrderedDict()
        key = (policy.id, policy.sha256)
        found = cache.get(key)
        if found is not None and found.policy is policy:
            cache.move_to_end(key)
            return found
        decider = Decider(policy, max_alternatives=self.settings.max_alternatives,
                          time_limit=self.settings.time_limit)
        cache[key] = decider
        while len(cache) > _DECIDERS_PER_THREAD:
            cache.popitem(last=False)
        return decider

    def table(self, text: str, name: str = "table") -> Policy:
        """The table ``text`` parsed and validated (cached by content); raises InputError."""
        key = hashlib.sha256(f"{name}\0{text}".encode()).hexdigest()
        with self._texts_lock:
            found = self._texts.get(key)
            if found is not None:
                self._texts.move_to_end(key)
                return found
        policy = policy_from_text(text, name)
        with self._texts_lock:
            self._texts[key] = policy
            while len(self._texts) > _TEXT_TABLES:
                self._texts.popitem(last=False)
        return policy

    async def warm(self, policies: Sequence[Policy]) -> None:
        """Start every worker thread and ground each table's Decider on each, before serving.

        One job per worker, each waiting at a barrier until all have started, so
        every thread takes exactly one. A table that cannot be grounded here is
        logged and left to fail on its first request.
        """
        workers = self.settings.workers
        barrier = threading.Barrier(workers)

        def ground() -> None:
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=60)
            for policy in policies:
                try:
                    self.decider(policy)
                except MedpolicyError as error:
                    _LOG.error("cannot ground the policy '%s': %s", policy.id, error)

        loop = asyncio.get_running_loop()
        await asyncio.gather(*(loop.run_in_executor(self._executor, ground)
                               for _ in range(workers)))

    async def run(self, work: Callable[[], T]) -> T:
        """``work()`` on a worker thread, within the time limit (else a 504 ApiError)."""
        limit = self.settings.time_limit
        started = time.monotonic()
        future = asyncio.wrap_future(self._executor.submit(self._until, started + limit, work))
        try:
            return await asyncio.wait_for(future, timeout=limit)
        except (TimeoutError, PastDeadline):
            raise _too_late(limit) from None
        except TooComplexError as error:
            raise ApiError(422, "too_complex", str(error)) from None
        except SolverError as error:
            if time.monotonic() - started >= limit * 0.9 or "time limit" in str(error):
                raise _too_late(limit) from None
            raise

    def _until(self, deadline: float, work: Callable[[], T]) -> T:
        self._local.deadline = deadline
        try:
            return work()
        finally:
            self._local.deadline = None

    def check_deadline(self) -> None:
        """Raise ``PastDeadline`` when this worker's request is past its time limit.

        Work made of many steps (a list of cases) calls it between steps, so a
        request answered 504 stops instead of finishing for nobody.
        """
        deadline: float | None = getattr(self._local, "deadline", None)
        if deadline is not None and time.monotonic() > deadline:
            raise PastDeadline(self.settings.time_limit)

    def close(self) -> None:
        """Stop taking work; queued work is cancelled, running work finishes on its own."""
        self._executor.shutdown(wait=False, cancel_futures=True)


def _too_late(limit: float) -> ApiError:
    return ApiError(504, "time_limit",
                    f"the request took longer than the service's time limit of {limit:g} s; "
                    "simplify the table or ask the operator to raise --time-limit")
