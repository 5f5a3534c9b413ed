"""Choosing an input reader, an engine and an output writer for ``batch`` and ``impact``.

JSON Lines and CSV are read by ``batch.records``; Parquet by
``batch.parquet`` (pyarrow, imported only for a Parquet file). The local
engine is ``batch.engine.run_batch``; the Dask engine is
``batch.dask_engine.run_batch_dask`` (imported only when chosen). Both run
the same per-record pipeline (``BatchWorker``), so their results are equal.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO, BinaryIO, Literal

from medpolicy.batch.engine import DEFAULT_CHUNK_SIZE, BatchOptions, BatchResult, run_batch
from medpolicy.batch.output import atomic_output
from medpolicy.batch.records import ByteCount, Parser, Record, guess_format, open_records
from medpolicy.tables.model import Policy

InputFormat = Literal["jsonl", "csv", "parquet"]
INPUT_FORMATS: tuple[InputFormat, ...] = ("jsonl", "csv", "parquet")
Engine = Literal["local", "dask"]
ENGINES: tuple[Engine, ...] = ("local", "dask")
#: File name endings read (and written) as Parquet.
PARQUET_SUFFIXES = (".parquet", ".parq", ".pq")


def is_parquet(name: str) -> bool:
    """Whether a file name ends like a Parquet file."""
    return name.lower().endswith(PARQUET_SUFFIXES)


def guess_input_format(name: str) -> InputFormat:
    """``parquet`` or ``csv`` by the file name's ending, else ``jsonl``."""
    return "parquet" if is_parquet(name) else guess_format(name)


def open_input(
    stream: BinaryIO, fmt: InputFormat, policy: Policy, source: str,
    count: ByteCount | None = None,
) -> tuple[Parser, Iterator[Record]]:
    """The parser and lazy records of an input stream; raises ValidationError for a bad header."""
    if fmt == "parquet":
        from medpolicy.batch.parquet import read_parquet

        return read_parquet(stream, policy, source, count)
    return open_records(stream, fmt, policy, source, count)


def run_engine(
    engine: Engine,
    policy: Policy,
    parser: Parser,
    records: Iterable[Record],
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    options: BatchOptions | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> Generator[BatchResult, None, None]:
    """A result per record, in input order, from the chosen engine.

    ``workers``: local processes (default: one per core) or, for Dask, the
    local cluster's worker processes (default 2; ignored with ``scheduler``).
    """
    if engine == "dask":
        from medpolicy.batch.dask_engine import DEFAULT_DASK_WORKERS, run_batch_dask

        return run_batch_dask(policy, parser, records, scheduler=scheduler,
                              workers=workers or DEFAULT_DASK_WORKERS, options=options,
                              chunk_size=chunk_size)
    from medpolicy.batch.engine import default_workers

    return run_batch(policy, parser, records, workers=workers or default_workers(),
                     options=options, chunk_size=chunk_size)


@contextmanager
def result_writer(output: Path, fallback: IO[str]) -> Iterator[Callable[[BatchResult], None]]:
    """A function that writes one result: to Parquet for a ``.parquet`` output, else JSON Lines.

    The file appears only when the block completes; ``fallback`` (stdout) is
    used for ``-``.
    """
    with ExitStack() as stack:
        if str(output) == "-":
            out = fallback
        elif is_parquet(output.name):
            from medpolicy.batch.parquet import ParquetResults

            yield stack.enter_context(ParquetResults(output)).add
            return
        else:
            out = stack.enter_context(atomic_output(output))

        def write(result: BatchResult) -> None:
            out.write(result.text)
            out.write("\n")

        yield write
        out.flush()
