"""Dask fixtures: a LocalCluster and a scheduler plus worker started with the dask CLI.

Both are started once per test session, on loopback, sized for a 2-core
machine, and stopped at its end. The CLI pair is real processes (``dask
scheduler``, ``dask worker``) with bounded waits for start and stop.
"""

from __future__ import annotations

import logging
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed import Client, LocalCluster

from medpolicy.batch.dask_engine import LOOPBACK_HTTP

#: Seconds to wait for the scheduler and its worker to come up, or to stop.
_START_TIMEOUT = 60
_STOP_TIMEOUT = 20


@pytest.fixture(scope="session")
def dask_client() -> Iterator[Client]:
    """A client of a local cluster: two worker processes with one thread each."""
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None, scheduler_kwargs=LOOPBACK_HTTP,
                      silence_logs=logging.ERROR) as cluster, \
            Client(cluster) as client:
        yield client


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=_STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=_STOP_TIMEOUT)


@pytest.fixture(scope="session")
def dask_scheduler(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The address of a ``dask scheduler`` with one ``dask worker``, both on 127.0.0.1."""
    dask = str(Path(sys.executable).with_name("dask"))
    folder = tmp_path_factory.mktemp("dask-cli")
    address = f"tcp://127.0.0.1:{_free_port()}"
    port = address.rsplit(":", 1)[1]
    with (folder / "scheduler.log").open("wb") as scheduler_log, \
            (folder / "worker.log").open("wb") as worker_log:
        scheduler = subprocess.Popen(
            [dask, "scheduler", "--host", "127.0.0.1", "--port", port, "--no-dashboard",
             "--dashboard-address", "127.0.0.1:0"],
            stdout=scheduler_log, stderr=subprocess.STDOUT, cwd=folder,
        )
        processes = [scheduler]
        try:
            processes.append(subprocess.Popen(
                [dask, "worker", address, "--host", "127.0.0.1", "--nworkers", "1",
                 "--nthreads", "1", "--no-dashboard", "--local-directory", str(folder),
                 "--death-timeout", str(_START_TIMEOUT)],
                stdout=worker_log, stderr=subprocess.STDOUT, cwd=folder,
            ))
            with Client(address, timeout=_START_TIMEOUT) as client:
                client.wait_for_workers(1, timeout=_START_TIMEOUT)
            yield address
        finally:
            for process in reversed(processes):
                _stop(process)
