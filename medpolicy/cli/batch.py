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
from collections.abc import Iterable
from contextlib import ExitStack
from pathlib import Path
from typing import IO, BinaryIO

import click

from medpolicy.batch.engine import (
    DEFAULT_CHUNK_SIZE,
    BatchOptions,
    BatchResult,
    BatchSummary,
    default_workers,
    run_batch,
)
from medpolicy.batch.output import atomic_output
from medpolicy.batch.records import (
    FORMATS,
    ByteCount,
    guess_format,
    open_records,
)
from medpolicy.solver.decide.decider import DEFAULT_MAX_ALTERNATIVES
from medpolicy.solver.limits import DEFAULT_TIME_LIMIT
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
                   "(default: one per core; 1 decides in this process).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="Input format (default: csv for a .csv file, else jsonl).")
@click.option("--max-alternatives", type=click.IntRange(min=1),
              default=DEFAULT_MAX_ALTERNATIVES, show_default=True,
              help="At most this many documentation alternatives per pend.")
@click.option("--time-limit", type=click.FloatRange(min=0, min_open=True),
              default=DEFAULT_TIME_LIMIT, show_default=True,
              help="Seconds one case may take; a case past it becomes an error record.")
@click.option("--chunk-size", type=click.IntRange(min=1), default=DEFAULT_CHUNK_SIZE,
              show_default=True, help="Cases sent to a worker at a time.")
def batch_command(policy: str, input_path: Path, output: Path | None, workers: int | None,
                  fmt: str | None, max_alternatives: int, time_limit: float,
                  chunk_size: int) -> None:
    """Decide every case of INPUT against POLICY (a file or a bundled name such as esi).

    INPUT is JSON Lines (one case object per line, as in a case file) or CSV
    (a header of fact names, an empty cell for an unknown fact); '-' reads
    stdin. Each case yields one JSON line, in input order: the 'decide --format
    json' object with the input 'line' first. A bad line yields an error
    record {"line", "case", "error", "problems"} and the run goes on; the exit
    code is 0 whenever the run completes, and the summary on stderr counts
    the errors.
    """
    table = load_policy(policy)
    stdin = str(input_path) == "-"
    source = "<stdin>" if stdin else str(input_path)
    fmt = fmt or ("jsonl" if stdin else guess_format(input_path.name))
    options = BatchOptions(max_alternatives=max_alternatives, time_limit=time_limit)
    count = ByteCount()
    summary = BatchSummary()
    started = time.perf_counter()
    with ExitStack() as stack:
        _stop_cleanly_on_sigterm(stack)
        stream = _input(stack, input_path, stdin)
        parser, records = open_records(
            stream, "csv" if fmt == "csv" else "jsonl", table, source, count
        )
        results = run_batch(table, parser, records, workers=workers or default_workers(),
                            options=options, chunk_size=chunk_size)
        stack.callback(results.close)
        size = None if stdin else os.fstat(stream.fileno()).st_size
        try:
            _write(results, _output(stack, output), summary, _progress(stack, size, count))
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


def _output(stack: ExitStack, output: Path | None) -> IO[str]:
    if output is None:
        return sys.stdout
    return stack.enter_context(atomic_output(output))


def _write(results: Iterable[BatchResult], out: IO[str], summary: BatchSummary,
           progress: _Progress | None) -> None:
    write = out.write
    for result in results:
        write(result.text)
        write("\n")
        summary.add(result)
        if progress is not None:
            progress.step(summary.cases)
    out.flush()


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
