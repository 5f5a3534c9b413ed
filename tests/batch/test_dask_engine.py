"""The Dask engine: the local engine's results, in order, one grounding per worker process."""

from __future__ import annotations

import io
import json
import random
from typing import Any

import pytest
from distributed import Client

from medpolicy import InputError, Policy
from medpolicy.batch.cache import BatchJob, groundings
from medpolicy.batch.dask_engine import dask_client, run_batch_dask
from medpolicy.batch.engine import BatchOptions, BatchResult, run_batch
from medpolicy.batch.records import open_records
from medpolicy.suite.casegen import CaseGenerator, case_record

CASES = 3000
#: Bad lines mixed into the stream: each is an error record wherever it stands.
BAD_LINES = [
    b"{not json\n",
    b"\n",
    b'{"id": "unknown-fact", "facts": {"no_such_fact": true}}\n',
    b'{"id": "out-of-domain", "facts": {"levels": 0}}\n',
    b'{"id": "wrong-type", "facts": {"active_infection": "maybe"}}\n',
    b'{"id": "dup", "id": "dup", "facts": {}}\n',
    b"[1, 2]\n",
    b"\xff\xfe not utf-8\n",
    b'{"id": "x). approve(.", "facts": {"cpt": "x). approve(."}}\n',
]


@pytest.fixture(scope="module")
def stream(esi: Policy) -> bytes:
    """Thousands of generated esi cases with bad lines at random places (seeded)."""
    rng = random.Random(19)
    lines = [(json.dumps(case_record(c)) + "\n").encode()
             for c in CaseGenerator(esi, seed=19).cases(CASES)]
    for bad in BAD_LINES * 5:
        lines.insert(rng.randrange(len(lines) + 1), bad)
    return b"".join(lines)


def _local(policy: Policy, data: bytes, fmt: str = "jsonl") -> list[BatchResult]:
    parser, records = open_records(io.BytesIO(data), fmt, policy, f"in.{fmt}")  # type: ignore[arg-type]
    return list(run_batch(policy, parser, records))


def _dask(policy: Policy, data: bytes, client: Client, fmt: str = "jsonl",
          **kw: Any) -> list[BatchResult]:
    parser, records = open_records(io.BytesIO(data), fmt, policy, f"in.{fmt}")  # type: ignore[arg-type]
    return list(run_batch_dask(policy, parser, records, client=client, **kw))


def test_dask_results_equal_the_local_engine_on_thousands_of_cases(
    esi: Policy, stream: bytes, dask_client: Client
) -> None:
    """Every record, bad ones included, is the same text under both engines, in input order."""
    local = _local(esi, stream)
    remote = _dask(esi, stream, dask_client, chunk_size=97)
    assert len(remote) == CASES + len(BAD_LINES) * 5
    assert [r.line for r in remote] == list(range(1, len(remote) + 1))
    assert [r.text for r in remote] == [r.text for r in local]
    assert sum(1 for r in remote if not r.ok) == len(BAD_LINES) * 5
    assert {r.verdict for r in remote} == {"approve", "deny", "pend", None}


def test_dask_equals_local_on_csv(esi: Policy, dask_client: Client) -> None:
    """CSV rows (typed cells, empty cells unknown, bad rows) decide alike under both engines."""
    data = (b"id,cpt,levels,active_infection\n"
            b"a,62321,1,false\n"
            b"b,,2,\n"
            b"c,62321,zero,false\n"
            b"d,62321,1\n"
            b"e,64483,3,true\n")
    local = _local(esi, data, "csv")
    remote = _dask(esi, data, dask_client, "csv", chunk_size=2)
    assert [r.text for r in remote] == [r.text for r in local]
    assert [r.ok for r in remote] == [True, True, False, False, True]


def test_each_worker_process_grounds_the_table_once(
    esi: Policy, stream: bytes, dask_client: Client
) -> None:
    """Many chunks, yet each worker process built one Decider for the job, never one per chunk."""
    data = stream[: len(stream) // 3]
    parser, records = open_records(io.BytesIO(data), "jsonl", esi, "in.jsonl")
    options = BatchOptions(max_alternatives=7)
    results = list(run_batch_dask(esi, parser, records, client=dask_client, options=options,
                                  chunk_size=25))
    assert len(results) > 25 * 10
    token = BatchJob.of(esi, parser, options).token
    built = dask_client.run(groundings, token)
    assert len(built) == 2
    assert set(built.values()) <= {0, 1}
    assert sum(built.values()) >= 1


def test_a_local_cluster_is_started_and_stopped_for_a_run(esi: Policy) -> None:
    """Without a client, the engine starts its own one-worker cluster and gives the same results."""
    data = b'{"id": "a", "facts": {"cpt": 62321}}\n{bad\n'
    parser, records = open_records(io.BytesIO(data), "jsonl", esi, "in.jsonl")
    results = list(run_batch_dask(esi, parser, records, workers=1))
    assert [r.text for r in results] == [r.text for r in _local(esi, data)]


def test_an_unreachable_scheduler_is_an_input_error() -> None:
    """A scheduler address where nothing listens is reported as bad input, not a traceback."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(InputError, match="cannot reach the Dask scheduler"), \
            dask_client(f"tcp://127.0.0.1:{port}", timeout=2):
        pass


def test_run_batch_dask_rejects_nonsense_arguments(esi: Policy, dask_client: Client) -> None:
    """Zero workers or an empty chunk size are errors, not a hang."""
    parser, records = open_records(io.BytesIO(b""), "jsonl", esi, "in.jsonl")
    with pytest.raises(ValueError, match="workers"):
        list(run_batch_dask(esi, parser, records, workers=0))
    with pytest.raises(ValueError, match="chunk_size"):
        list(run_batch_dask(esi, parser, records, client=dask_client, chunk_size=0))


def test_a_killed_worker_loses_no_record(esi: Policy, stream: bytes) -> None:
    """A worker process killed mid-run: its chunks run elsewhere; every record comes back once."""
    import logging
    import os
    import signal

    from distributed import LocalCluster

    from medpolicy.batch.dask_engine import LOOPBACK_HTTP

    data = stream[: len(stream) // 2]
    expected = [r.text for r in _local(esi, data)]
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None, scheduler_kwargs=LOOPBACK_HTTP,
                      silence_logs=logging.CRITICAL) as cluster, Client(cluster) as client:
        pids = client.run(os.getpid)
        parser, records = open_records(io.BytesIO(data), "jsonl", esi, "in.jsonl")
        texts = []
        for number, result in enumerate(run_batch_dask(esi, parser, records, client=client,
                                                       chunk_size=20), start=1):
            if number == 100:
                os.kill(next(iter(pids.values())), signal.SIGKILL)
            texts.append(result.text)
    assert texts == expected
