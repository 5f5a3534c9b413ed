"""``medpolicy batch POLICY INPUT``: decide every case of a JSON Lines, CSV or Parquet file.

Results go to stdout (or ``-o``) as JSON Lines (a Parquet file for an ``-o``
ending in ``.parquet``), one per input case in input order, written as they
finish; the local engine decides in this process or in worker processes,
``--engine dask`` on a Dask cluster; progress (on a terminal) and the summary go
to stderr. Nothing finished is lost: on SIGINT, SIGTERM or a worker that
dies, the finished records are kept (``-o`` gets them, no temporary file is
left) and the run exits 130, 143 or 2 with a summary saying where it stopped.
A write error (disk full) is one line and exit 2.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable
from contextlib import ExitStack
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import BinaryIO, cast

import click

from medpolicy.batch.dispatch import (
    ENGINES,
    INPUT_FORMATS,
    InputFormat,
    guess_input_format,
    is_parquet,
    open_input,
    run_engine,
)
from medpolicy.batch.engine import (
    DEFAULT_CHUNK_SIZE,
    BatchOptions,
    BatchResult,
    default_workers,
)
from medpolicy.batch.records import ByteCount
from medpolicy.batch.sniff import PeekedStream, sniff_format
from medpolicy.batch.writer import OutputError, ParquetResultWriter, ResultWriter
from medpolicy.cli.app import EXIT_FAILURES, EXIT_INPUT
from medpolicy.cli.options import parse_service_date
from medpolicy.cli.streams import (
    RECEIVED,
    Interrupted,
    critical,
    is_dash,
    signals_raise,
    stdout_closed,
)
from medpolicy.cli.streams import open_input as open_path
from medpolicy.errors import Location, Problem, SolverError, ValidationError
from medpolicy.solver.decide.decider import DEFAULT_MAX_ALTERNATIVES
from medpolicy.solver.limits import DEFAULT_TIME_LIMIT
from medpolicy.tables.loader import load_policy
from medpolicy.tables.model import Policy


@click.command("batch")
@click.argument("policy")
@click.argument("input_path", metavar="INPUT",
                type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
              help="Write the results to this file ('-': stdout) instead of stdout; a "
                   "stopped run keeps every finished record there.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes, each with its own grounded table "
                   "(default: what helps on this machine, see docs/hardening.md; "
                   "--engine dask: the local cluster's workers, default 2).")
@click.option("--input-format", "--format", "fmt", type=click.Choice(INPUT_FORMATS),
              default=None,
              help="Input format (default: by the file's ending, .csv, .parquet, else jsonl; "
                   "stdin is recognised by its first line or refused).")
@click.option("--engine", type=click.Choice(ENGINES), default="local", show_default=True,
              help="Where cases are decided: local processes, or a Dask cluster.")
@click.option("--scheduler", metavar="ADDR", default=None,
              help="With --engine dask: the address of a running Dask scheduler "
                   "(tcp://HOST:PORT) instead of a local cluster.")
@click.option("--max-alternatives", type=click.IntRange(min=1),
              default=DEFAULT_MAX_ALTERNATIVES, show_default=True,
              help="At most this many documentation alternatives per pend.")
@click.option("--time-limit", type=click.FloatRange(min=0, min_open=True),
              default=DEFAULT_TIME_LIMIT, show_default=True,
              help="Seconds one case may take; a case past it becomes an error record.")
@click.option("--chunk-size", type=click.IntRange(min=1), default=DEFAULT_CHUNK_SIZE,
              show_default=True, help="Cases sent to a worker at a time.")
@click.option("--service-date", "service_date", callback=parse_service_date,
              metavar="YYYY-MM-DD",
              help="The date of service of every record that carries none (a record's own "
                   "service_date, its claim's date, is kept).")
@click.option("--fail-on-errors", is_flag=True,
              help="Exit 1 when any record is an error record.")
@click.pass_context
def batch_command(ctx: click.Context, policy: str, input_path: Path, output: Path | None,
                  workers: int | None, fmt: str | None, engine: str, scheduler: str | None,
                  max_alternatives: int, time_limit: float, chunk_size: int,
                  service_date: date | None, fail_on_errors: bool) -> None:
    """Decide every case of INPUT against POLICY (a file or a bundled name such as esi).

    INPUT is JSON Lines (one case object per line, as in a case file) or CSV
    (a header of fact names, an empty cell for an unknown fact); '-' reads
    stdin. Each case yields one JSON line, in input order: the 'decide --format
    json' object with the input 'line' first. A bad line yields an error
    record {"line", "case", "error", "problems"} and the run goes on; the exit
    code is 0 when the run completes (1 with --fail-on-errors and any error
    record), and the summary on stderr counts the errors.
    """
    table = load_policy(policy)
    stdin = is_dash(input_path)
    source = "<stdin>" if stdin else str(input_path)
    options = BatchOptions(max_alternatives=max_alternatives, time_limit=time_limit)
    count = ByteCount()
    started = time.perf_counter()
    stopped: str | None = None
    code = 0
    with ExitStack() as stack:
        stack.enter_context(signals_raise())
        stream = stack.enter_context(open_path(input_path))
        chosen, stream = _format(fmt, stdin, input_path, stream, table, source)
        parser, records = open_input(stream, chosen, table, source, count)
        parser = replace(parser, service_date=service_date)
        size = None if stdin else os.fstat(stream.fileno()).st_size
        progress: _Progress | None = None
        try:
            # A signal during the section is raised at its end, inside this try: the
            # writer exists by then, so the stop is reported like any other.
            with critical():
                writer = _writer(output)
                stack.callback(writer.discard)
            if engine == "local":
                workers = workers or default_workers(size)
            results = run_engine(engine, table, parser, records,  # type: ignore[arg-type]
                                 workers=workers, scheduler=scheduler, options=options,
                                 chunk_size=chunk_size)
            stack.callback(results.close)
            progress = _progress(stack, size, count)
            _write(results, writer, progress)
        except BrokenPipeError:
            stdout_closed("batch: stopped, stdout was closed")
        except Interrupted as signal_:
            stopped, code = f"stopped by {signal_.name}", signal_.exit_code
        except SolverError as error:
            stopped, code = f"stopped: {error}", EXIT_INPUT
        except RuntimeError:  # clingo reports a signal that hit it as a RuntimeError
            if not RECEIVED:
                raise
            received = Interrupted(RECEIVED[-1])
            stopped, code = f"stopped by {received.name}", received.exit_code
        except OutputError as error:
            writer.discard()
            click.echo(f"error: {error}", err=True)
            ctx.exit(EXIT_INPUT)
        if progress is not None:
            progress.close(writer.summary.cases)
        try:
            with critical():
                writer.commit()
        except OutputError as error:
            click.echo(f"error: {error}", err=True)
            ctx.exit(EXIT_INPUT)
        except Interrupted as signal_:  # arrived while committing: the records are in place
            stopped, code = f"stopped by {signal_.name}", signal_.exit_code
    summary = writer.summary.describe(time.perf_counter() - started)
    if stopped is not None:
        click.echo(f"batch: {stopped} after {writer.summary.cases:,} finished records "
                   f"(all written): {summary}", err=True)
        ctx.exit(code)
    click.echo(f"batch: {summary}", err=True)
    if fail_on_errors and writer.summary.errors:
        ctx.exit(EXIT_FAILURES)


def _writer(output: Path | None) -> ResultWriter | ParquetResultWriter:
    """JSON Lines to stdout or a file, or Parquet for a file ending in ``.parquet``."""
    if output is None or is_dash(output):
        return ResultWriter(None)
    if is_parquet(output.name):
        return ParquetResultWriter(output)
    return ResultWriter(output)


def _format(fmt: str | None, stdin: bool, path: Path, stream: BinaryIO, table: Policy,
            source: str) -> tuple[InputFormat, BinaryIO]:
    """The input format (given, by extension, or by stdin's first line) and the stream."""
    if fmt is not None:
        return cast(InputFormat, fmt), stream
    if not stdin:
        return guess_input_format(path.name), stream
    peeked = PeekedStream(stream)
    found = sniff_format(peeked.first, table)
    if found is None:
        raise ValidationError([Problem(
            Location(source, 1),
            "cannot tell the input format from the first line",
            expected="a JSON object (JSON Lines) or a CSV header of fact names",
            hint="give --input-format jsonl or --input-format csv",
        )])
    return found, cast(BinaryIO, peeked)


def _write(results: Iterable[BatchResult], writer: ResultWriter | ParquetResultWriter,
           progress: _Progress | None) -> None:
    for result in results:
        # Written and counted as one step: a signal between the two left a record in
        # the file that the "after N finished records" line did not count.
        with critical():
            writer.write(result)
        if progress is not None:
            progress.step(writer.summary.cases)


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

    def step(self, cases: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.1:
            return
        self.last = now
        self._show(cases)

    def _show(self, cases: int) -> None:
        if self.bar is not None:
            self.bar.update(self.count.value - self.shown)
            self.shown = self.count.value
        else:
            click.echo(f"\rdeciding: {cases:,} cases", err=True, nl=False)

    def close(self, cases: int) -> None:
        """The final count (the true one, not the last throttled update)."""
        self._show(cases)
        if self.bar is None:
            click.echo("", err=True)


def _progress(stack: ExitStack, size: int | None, count: ByteCount) -> _Progress | None:
    """A progress display on stderr, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        return None
    return _Progress(stack, size, count)
