"""One caller at a time, within a time budget: the guard around a Decider's public methods.

A ``clingo.Control`` must not be used by two threads at once (it crashes the
process). Every public method of ``Decider`` that solves runs under the
Decider's re-entrant lock, so one Decider may be shared by many threads
(``serve``, tests): their calls are serialized, never interleaved. Each
outermost call also runs inside a time budget of the Decider's
``time_limit`` (``medpolicy.budget``), so a single decision is bounded as a
whole, Python search included.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Concatenate, ParamSpec, Protocol, TypeVar

from medpolicy.budget import time_budget
from medpolicy.tables.model import Policy

P = ParamSpec("P")
R = TypeVar("R")


class Guarded(Protocol):
    """What the guard needs of the object it protects."""

    _lock: threading.RLock
    time_limit: float
    policy: Policy


G = TypeVar("G", bound=Guarded)


def guarded(method: Callable[Concatenate[G, P], R]) -> Callable[Concatenate[G, P], R]:
    """Run ``method`` holding the object's lock and within its time limit."""

    @functools.wraps(method)
    def wrapper(self: G, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with self._lock, time_budget(self.time_limit, self.policy.path):
            return method(self, *args, **kwargs)

    return wrapper
