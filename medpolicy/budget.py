"""The time budget of one command: a deadline that every stage checks.

A command runs inside ``time_budget(seconds)``. Python work that can grow
with the input (criterion inlining, DNF building, witness search, the
per-record loop of a batch) calls ``checkpoint(what)`` now and then; past
the deadline it raises ``TimeLimitError`` naming what ran out of time.
Solver calls never get more than ``remaining()`` seconds. The budget lives
in a ``ContextVar``: each thread (and each batch record) has its own, and
code run outside any budget is not limited here.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from medpolicy.errors import TimeLimitError


@dataclass(frozen=True)
class Budget:
    """A deadline (``time.monotonic`` seconds) and the limit it came from."""

    deadline: float
    seconds: float
    where: str = ""


_CURRENT: ContextVar[Budget | None] = ContextVar("medpolicy_budget", default=None)


@contextmanager
def time_budget(seconds: float, where: str = "") -> Iterator[Budget]:
    """Everything inside the block shares one deadline ``seconds`` from now.

    A budget inside another never extends it: the earlier deadline holds.
    ``where`` (a file name) prefixes the message when time runs out.
    """
    outer = _CURRENT.get()
    budget = Budget(time.monotonic() + seconds, seconds, where)
    if outer is not None and outer.deadline <= budget.deadline:
        budget = Budget(outer.deadline, outer.seconds, where or outer.where)
    token = _CURRENT.set(budget)
    try:
        yield budget
    finally:
        _CURRENT.reset(token)


def current() -> Budget | None:
    """The budget in force, or None."""
    return _CURRENT.get()


def remaining(default: float) -> float:
    """Seconds left in the budget (at least a millisecond), capped at ``default``."""
    budget = _CURRENT.get()
    if budget is None:
        return default
    return max(0.001, min(default, budget.deadline - time.monotonic()))


def checkpoint(what: str) -> None:
    """Raise ``TimeLimitError`` when the budget in force has run out."""
    budget = _CURRENT.get()
    if budget is not None and time.monotonic() > budget.deadline:
        raise out_of_time(what, budget)


def out_of_time(what: str, budget: Budget) -> TimeLimitError:
    """The one-line error for ``what`` running past ``budget``."""
    prefix = f"{budget.where}: " if budget.where else ""
    return TimeLimitError(
        f"{prefix}{what} ran past the time limit of {budget.seconds:g} s; "
        "raise the limit (--time-limit) or simplify the table"
    )
