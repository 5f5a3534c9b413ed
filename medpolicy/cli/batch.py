"""``medpolicy batch POLICY INPUT``: decide every case of a JSON Lines or CSV file.

Results go to stdout (or ``-o``, written atomically) as JSON Lines, one per
input case in input order; progress (on a terminal) and the summary go to
stderr.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from pathlib import Path
from typing import BinaryIO

import click

from medpolicy.batch.dispatch import (
    ENGINES,
    INPUT_FORMATS,
    guess_input_format,
    open_input,
    result_writer,
    run_engine,
)
from medpolicy.batch.engine import (
    DEFAULT_CHUNK_SIZE,
    BatchOptions,
    BatchResult,
    BatchSummary,
)
from medpolicy.batch.records import ByteCount
from medpolicy.cli.app import time_limit_option
from medpolicy.solver.decide.decider import DEFAULT_MAX_ALTERNATIVES
from medpolicy.tables.loader import load_policy


@click.command("batch")
@click.argument("policy")
@click.argument("input_path", metavar="INPUT",
                type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the results to this file (atomically: all or nothing) "
                   "instead of stdout.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes, each with its own grounded table "
                   "(default: one per core; 1 decides in this process; "
                   "--engine dask: the local cluster's workers, default 2).")
@click.option("--format", "fmt", type=click.Choice(INPUT_FORMATS), default=None,
              help="Input format (default: by the file's ending, .csv, .parquet, else jsonl).")
@click.option("--engine", type=click.Choice(ENGINES), default="local", show_default=True,
              help="Where cases are decided: local processes, or a Dask cluster.")
@click.option("--scheduler", metavar="ADDR", default=None,
              help="With --engine dask: the address of a running Dask scheduler "
                   "(tcp://HOST:PORT) instead of a local cluster.")
@click.option("--max-alternatives", type=click.IntRange(min=1),
              default=DEFAULT_MAX_ALTERNATIVES, show_default=True,
              help="At most this many documentation alternatives per pend.")
@time_limit_option
@click.option("--chunk-size", type=click.IntRange(min=1), default=DEFAULT_CHUNK_SIZE,
              show_default=True, help="Cases sent to a worker at a time.")
def batch_command(policy: str, input_path: Path, output: Path | None, workers: int | None,
                  fmt: str | None, engine: str, scheduler: str | None,
                  max_alternatives: int, time_limit: float, chunk_size: int) -> None:
    """Decide every case of INPUT against POLICY (a file or a bundled name such as esi).

    INPUT is JSON Lines (one case object per line, as in a case file), CSV
    (a header of fact names, an empty cell for an unknown fact) or Parquet (a
    column per fact, null for an unknown fact); '-' reads stdin. Each case
    yields one JSON line, in input order: the 'decide --format json' object
    with the input 'line' first (an output file ending in .parquet gets one
    row per case instead). A bad line yields an error
    record {"line", "case", "error", "problems"} and the run goes on; the exit
    code is 0 whenever the run completes, and the summary on stderr counts
    the errors.
    """
    table = load_policy(policy)
    stdin = str(input_path) == "-"
    source = "<stdin>" if stdin else str(input_path)
    fmt = fmt or ("jsonl" if stdin else guess_input_format(input_path.name))
    options = BatchOptions(max_alternatives=max_alternatives, time_limit=time_limit)
    count = ByteCount()
    summary = BatchSummary()
    started = time.perf_counter()
    with ExitStack() as stack:
        _stop_cleanly_on_sigterm(stack)
        stream = _input(stack, input_path, stdin)
        parser, records = open_input(stream, fmt, table, source, count)  # type: ignore[arg-type]
        results = run_engine(engine, table, parser, records,  # type: ignore[arg-type]
                             workers=workers, scheduler=scheduler, options=options,
                             chunk_size=chunk_size)
        stack.callback(results.close)
        size = None if stdin else os.fstat(stream.fileno()).st_size
        try:
            write = stack.enter_context(result_writer(output or Path("-"), sys.stdout))
            _write(results, write, summary, _progress(stack, size, count))
        except BrokenPipeError:
            _stdout_gone()
    click.echo(f"batch: {summary.describe(time.perf_counter() - started)}", err=True)


def _stop_cleanly_on_sigterm(stack: ExitStack) -> None:
    """Turn SIGTERM into SystemExit while the run lasts, so -o's temporary file is removed."""
    if threading.current_thread() is not threading.main_thread():
        return

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    stack.callback(signal.signal, signal.SIGTERM, previous)


def _stdout_gone() -> None:
    """The reader of stdout went away (``| head``): stop quietly, as Unix tools do."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    click.echo("batch: stopped, stdout was closed", err=True)
    sys.exit(1)


def _input(stack: ExitStack, path: Path, stdin: bool) -> BinaryIO:
    if stdin:
        return sys.stdin.buffer
    stream: BinaryIO = stack.enter_context(path.open("rb"))
    return stream


def _write(results: Iterable[BatchResult], write: Callable[[BatchResult], None],
           summary: BatchSummary, progress: _Progress | None) -> None:
    for result in results:
        write(result)
        summary.add(result)
        if progress is not None:
            progress.step(summary.cases)


class _Progress:
    """click's progress bar over the bytes read, or a running count when the size is unknown."""

    def __init__(self, stack: ExitStack, size: int | None, count: ByteCount) -> None:
        self.count = count
        self.size = size
        self.shown = 0
        self.last = 0.0
        self.bar = (
            stack.enter_context(click.progressbar(length=size, label="deciding", file=sys.stderr))
            if size
            else None
        )
        stack.callback(self.close)

    def step(self, cases: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.1:
            return
        self.last = now
        if self.bar is not None:
            self.bar.update(self.count.value - self.shown)
            self.shown = self.count.value
        else:
            click.echo(f"\rdeciding: {cases:,} cases", err=True, nl=False)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.update(self.count.value - self.shown)
            self.shown = self.count.value
        elif self.last:
            click.echo("", err=True)


def _progress(stack: ExitStack, size: int | None, count: ByteCount) -> _Progress | None:
    """A progress display on stderr, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        return None
    return _Progress(stack, size, count)
