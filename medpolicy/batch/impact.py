"""Deciding one case population under two versions of a table, for ``impact``.

The input is read twice, once per version, and decided by the chosen engine
(``local`` or ``dask``; the Dask engine runs both versions on one cluster);
the two result streams advance together, so memory stays bounded. Each pair
of results is tallied by ``solver.diff.impact.ImpactTally``. A record that a
version cannot read (a fact the new version removed, say) is an ``error``
on that side, not the end of the run.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from medpolicy.batch.dispatch import Engine, InputFormat, open_input, run_engine
from medpolicy.batch.engine import DEFAULT_CHUNK_SIZE, BatchOptions, BatchResult
from medpolicy.solver.diff.impact import DEFAULT_EXAMPLES, ERROR, Impact, ImpactTally
from medpolicy.tables.model import Policy

Opener = Callable[[], BinaryIO]


def policy_label(policy: Policy) -> str:
    """A version as people name it: ``id version``."""
    return f"{policy.id} {policy.version}".strip()


def stdin_opener(stream: BinaryIO) -> Opener:
    """An opener giving the whole of a one-pass stream (stdin) each time, kept in memory."""
    data = stream.read()
    return lambda: io.BytesIO(data)


def path_opener(path: Path) -> Opener:
    return lambda: path.open("rb")


def run_impact(
    old: Policy,
    new: Policy,
    opener: Opener,
    fmt: InputFormat,
    source: str,
    *,
    engine: Engine = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    options: BatchOptions | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    examples: int = DEFAULT_EXAMPLES,
    client: Any = None,
) -> Impact:
    """Every verdict transition of the input's cases from ``old`` to ``new``.

    ``client``: a ``distributed.Client`` to run the Dask engine on (else one
    is started, or connected to ``scheduler``).
    """
    old_label, new_label = policy_label(old), policy_label(new)
    if old_label == new_label:
        old_label, new_label = f"{old_label} ({old.path})", f"{new_label} ({new.path})"
    tally = ImpactTally(old_label, new_label, examples)
    with contextlib.ExitStack() as stack:
        runs: list[Generator[BatchResult, None, None]] = []
        if engine == "dask" and client is None:
            from medpolicy.batch.dask_engine import DEFAULT_DASK_WORKERS, dask_client

            client = stack.enter_context(dask_client(scheduler, workers or DEFAULT_DASK_WORKERS))
        for policy in (old, new):
            stream = stack.enter_context(opener())
            parser, records = open_input(stream, fmt, policy, source)
            if engine == "dask":
                from medpolicy.batch.dask_engine import run_batch_dask

                run = run_batch_dask(policy, parser, records, client=client, options=options,
                                     chunk_size=chunk_size)
            else:
                run = run_engine("local", policy, parser, records, workers=workers,
                                 options=options, chunk_size=chunk_size)
            stack.callback(run.close)
            runs.append(run)
        for before, after in _pairs(runs[0], runs[1]):
            tally.add(before.case, _state(before), _state(after), _rows(before), _rows(after))
    return tally.impact()


def _pairs(old: Iterator[BatchResult],
           new: Iterator[BatchResult]) -> Iterator[tuple[BatchResult, BatchResult]]:
    for before, after in zip(old, new, strict=True):
        assert before.line == after.line, "the two runs read the records differently"
        yield before, after


def _state(result: BatchResult) -> str:
    return result.verdict if result.verdict is not None else ERROR


def _rows(result: BatchResult) -> list[str]:
    if result.verdict is None:
        return []
    reasons = json.loads(result.text).get("reasons", [])
    return [str(reason["row"]) for reason in reasons]
