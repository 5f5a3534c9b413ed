"""Small helpers around ``clingo.Control``: creation and solving with a time limit.

Solves run synchronously (no thread hand-off per model, which would cost more
than the solve itself on small tables). A single daemon watchdog thread
enforces time limits: it looks at the running solve a few times a second and
interrupts it through ``Control.interrupt`` once its deadline has passed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

import clingo

from medpolicy.budget import checkpoint, current, out_of_time, remaining
from medpolicy.errors import SolverError
from medpolicy.solver.limits import DEFAULT_TIME_LIMIT

__all__ = ["DEFAULT_TIME_LIMIT", "SymbolIndex", "new_control", "solve_models"]
_POLL_SECONDS = 0.05

T = TypeVar("T")


def new_control(*arguments: str) -> clingo.Control:
    """A Control that keeps quiet about warnings and logs nothing to stderr."""
    return clingo.Control(["--warn=none", *arguments], logger=lambda _code, _msg: None)


class _Watchdog:
    """Interrupts solves that run past their deadline."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[int, tuple[clingo.Control, float]] = {}
        self._thread: threading.Thread | None = None

    def _loop(self) -> None:
        while True:
            time.sleep(_POLL_SECONDS)
            now = time.monotonic()
            with self._lock:
                overdue = [ctl for ctl, deadline in self._running.values() if deadline < now]
            for ctl in overdue:
                ctl.interrupt()

    def arm(self, ctl: clingo.Control, seconds: float) -> int:
        token = id(ctl)
        with self._lock:
            self._running[token] = (ctl, time.monotonic() + seconds)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._loop, name="medpolicy-watchdog", daemon=True
                )
                self._thread.start()
        return token

    def disarm(self, token: int) -> None:
        with self._lock:
            self._running.pop(token, None)


_WATCHDOG = _Watchdog()


def solve_models(
    ctl: clingo.Control,
    assumptions: Sequence[int],
    on_model: Callable[[clingo.Model], bool],
    time_limit: float,
    what: str,
    on_core: Callable[[Sequence[int]], None] | None = None,
) -> clingo.SolveResult:
    """Solve, calling ``on_model`` per model until it returns False; interrupt after the limit.

    ``on_core``, if given, receives the assumptions that make an unsatisfiable solve so.

    The solve gets at most what is left of the command's time budget
    (``medpolicy.budget``); running out of that budget raises ``TimeLimitError``.
    """
    budget = current()
    checkpoint(what)
    token = _WATCHDOG.arm(ctl, remaining(time_limit))
    enough = [False]

    def callback(model: clingo.Model) -> bool:
        if on_model(model):
            return True
        enough[0] = True
        return False

    try:
        result: clingo.SolveResult = (
            ctl.solve(assumptions=list(assumptions), on_model=callback)
            if on_core is None
            else ctl.solve(assumptions=list(assumptions), on_model=callback, on_core=on_core)
        )
    finally:
        _WATCHDOG.disarm(token)
    if result.interrupted and not enough[0]:
        if budget is not None and time.monotonic() >= budget.deadline:
            raise out_of_time(what, budget)
        raise SolverError(
            f"{what} took longer than its time limit of {time_limit:g} s; "
            "raise the limit (--time-limit) or simplify the table"
        )
    return result


class SymbolIndex(Generic[T]):
    """Maps the shown symbols of a grounded program to payloads, for reading models fast.

    Reading a model is ``[index[s] for s in model.symbols(shown=True)]``. Keys are
    the symbols' packed representation when clingo's Python API exposes it (a
    plain int: no call into the C library per lookup), the symbols otherwise.
    A model's symbols are then read as those ints straight from clingo's
    array, without building a ``Symbol`` object for each.
    """

    def __init__(self, items: dict[clingo.Symbol, T]) -> None:
        self._packed = all(hasattr(symbol, "_rep") for symbol in items)
        self._items: dict[object, T] = {self._key(s): v for s, v in items.items()}

    def _key(self, symbol: clingo.Symbol) -> object:
        return symbol._rep if self._packed else symbol

    def read(self, model: clingo.Model) -> list[T]:
        """The payloads of the model's shown symbols that the index knows."""
        return self.lookup(model.symbols(shown=True))

    def lookup(self, symbols: Sequence[clingo.Symbol]) -> list[T]:
        """The payloads of the symbols that the index knows."""
        get = self._items.get
        raw = getattr(symbols, "_p_symbols", None) if self._packed else None
        if raw is not None:  # clingo's array of packed symbols: plain ints
            found = list(map(get, raw))
        elif self._packed:  # one dict lookup per symbol, no call into the C library
            found = [get(symbol._rep) for symbol in symbols]
        else:
            found = [get(symbol) for symbol in symbols]
        return [value for value in found if value is not None]
