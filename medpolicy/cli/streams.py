"""Unix manners shared by every command: ``-`` for stdin and stdout, signals, closed pipes.

- ``is_dash(path)``: a path argument that means standard input or output;
- ``open_input(path)``: a binary stream, stdin for ``-``;
- ``text_output(path)``: stdout for None or ``-``, else a file that appears
  whole (``batch.output.atomic_output``);
- ``signals_raise()``: SIGINT and SIGTERM raise ``Interrupted`` while the block
  runs, so a command can keep what is finished and exit 130 / 143;
- ``stdout_closed()``: the reader of stdout went away (``| head``): end
  quietly (exit 1, as click does), with no traceback and no message.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, BinaryIO, NoReturn

from medpolicy.batch.output import atomic_output

#: Exit code after Ctrl-C (128 + SIGINT), as shells report it.
EXIT_INTERRUPTED = 130
#: Exit code when stdout was closed by its reader (as click's own handling does).
EXIT_PIPE_CLOSED = 1


class Interrupted(BaseException):
    """A signal asked the command to stop (SIGINT or SIGTERM)."""

    signum: int

    def __init__(self, signum: int | Interrupted) -> None:
        # clingo re-raises an exception from one of its callbacks as ``type(e)(e)``:
        # an Interrupted built from an Interrupted is the same signal.
        number = signum.signum if isinstance(signum, Interrupted) else signum
        super().__init__(number)
        self.signum = number

    @property
    def exit_code(self) -> int:
        return 128 + self.signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name


#: Signals received inside ``signals_raise`` blocks, oldest first: when clingo turns the
#: ``Interrupted`` raised in one of its callbacks into a RuntimeError, this still says why.
RECEIVED: list[int] = []


_CRITICAL: list[bool] = []


@contextlib.contextmanager
def critical() -> Iterator[None]:
    """A section a signal must not cut in two (a file created and its clean-up registered):
    a signal that arrives inside raises ``Interrupted`` when the section ends."""
    seen = len(RECEIVED)
    _CRITICAL.append(True)
    try:
        yield
    finally:
        _CRITICAL.pop()
    if not _CRITICAL and len(RECEIVED) > seen:
        raise Interrupted(RECEIVED[-1])


def is_dash(path: str | Path | None) -> bool:
    """Whether the path argument is ``-`` (standard input or output)."""
    return path is not None and str(path) == "-"


@contextlib.contextmanager
def open_input(path: str | Path) -> Iterator[BinaryIO]:
    """The bytes of ``path``, or of standard input for ``-``."""
    if is_dash(path):
        yield sys.stdin.buffer
        return
    with Path(path).open("rb") as stream:
        yield stream


@contextlib.contextmanager
def text_output(path: str | Path | None) -> Iterator[IO[str]]:
    """Standard output for None or ``-``, else a file written atomically."""
    if path is None or is_dash(path):
        yield sys.stdout
        return
    with atomic_output(Path(path)) as stream:
        yield stream


@contextlib.contextmanager
def signals_raise() -> Iterator[None]:
    """Within the block, SIGINT and SIGTERM raise ``Interrupted`` (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, _frame: object) -> None:
        RECEIVED.append(signum)
        if _CRITICAL:
            return  # raised when the critical section ends
        raise Interrupted(signum)

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def stdout_closed(message: str | None = None) -> NoReturn:
    """The reader of stdout went away: silence stdout and exit 1, with at most ``message``."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    if message:
        with contextlib.suppress(OSError):
            print(message, file=sys.stderr)
    raise SystemExit(EXIT_PIPE_CLOSED)
