"""Service fixtures: the app under the ASGI test client, and one live uvicorn per session.

The live server is ``medpolicy serve --port 0`` in a subprocess bound to
127.0.0.1 (the port is the free one it prints); its stderr (access log) is
drained by a thread so it never blocks, and the process is stopped at the end.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from medpolicy.service.app import create_app
from medpolicy.service.settings import Settings
from tests.service.support import KNEE_MRI


@pytest.fixture(scope="session")
def policy_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A --policies folder holding one extra table (knee-mri)."""
    folder = tmp_path_factory.mktemp("policies")
    (folder / "knee-mri.yaml").write_text(KNEE_MRI, "utf-8")
    return folder


@pytest.fixture(scope="session")
def client(policy_dir: Path) -> Iterator[TestClient]:
    """The app (bundled tables plus knee-mri) under the ASGI test client."""
    with TestClient(create_app(Settings(policy_dirs=(policy_dir,), workers=2))) as test_client:
        yield test_client


class LiveServer:
    """A running ``medpolicy serve`` and the log lines it wrote."""

    def __init__(self, process: subprocess.Popen[str], url: str, log: list[str]) -> None:
        self.process = process
        self.url = url
        self.log = log


def _drain(stream: object, log: list[str], ready: threading.Event) -> None:
    for line in stream:  # type: ignore[attr-defined]
        log.append(line.rstrip("\n"))
        if line.startswith("medpolicy serving on "):
            ready.set()


@pytest.fixture(scope="session")
def live_server(policy_dir: Path) -> Iterator[LiveServer]:
    """``medpolicy serve --host 127.0.0.1 --port 0`` in a subprocess, up until the session ends."""
    command = [sys.executable, "-c", "from medpolicy.cli import main; main()", "serve",
               "--host", "127.0.0.1", "--port", "0", "--workers", "4",
               "--policies", str(policy_dir)]
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    log: list[str] = []
    ready = threading.Event()
    reader = threading.Thread(target=_drain, args=(process.stderr, log, ready), daemon=True)
    reader.start()
    deadline = time.monotonic() + 60
    while not ready.wait(0.2):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("medpolicy serve did not start:\n" + "\n".join(log))
    line = next(entry for entry in log if entry.startswith("medpolicy serving on "))
    url = line.removeprefix("medpolicy serving on ").rstrip("/")
    try:
        yield LiveServer(process, url, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        reader.join(timeout=5)
