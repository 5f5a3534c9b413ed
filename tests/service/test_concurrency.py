"""A live ``medpolicy serve`` on loopback under many threads answers every request as the CLI.

300 decide requests from 16 threads over HTTP (stdlib urllib) against the
session's uvicorn; each answer must equal the CLI's JSON for its case.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import yaml

from tests.service.conftest import LiveServer
from tests.service.support import EXAMPLE_CASES, case_body, cli_json

REQUESTS = 300
THREADS = 16


def _post(url: str, body: Any) -> tuple[int, Any]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _variants(tmp_path: Path) -> list[Path]:
    """The example cases, and each with one more fact documented (new case files)."""
    extra = [("conservative_care_weeks", 6), ("image_guidance", "fluoroscopy"),
             ("active_rehab", True), ("prior_relief_percent", 10), ("levels", 3)]
    paths = list(EXAMPLE_CASES)
    for index, path in enumerate(EXAMPLE_CASES):
        data = case_body(path)
        name, value = extra[index % len(extra)]
        data["facts"][name] = value
        data["id"] = f"{data['id']}-plus-{name}"
        data.pop("expect", None)
        target = tmp_path / f"{data['id']}.yaml"
        target.write_text(yaml.safe_dump(data), "utf-8")
        paths.append(target)
    return paths


def test_hundreds_of_concurrent_requests_equal_the_cli(live_server: LiveServer,
                                                       tmp_path: Path) -> None:
    """300 requests from 16 threads: every answer equals 'decide --format json' of its case."""
    paths = _variants(tmp_path)
    expected = {r["case"]: r for r in cli_json("decide", "esi", *map(str, paths),
                                               "--format", "json")}
    bodies = [case_body(paths[i % len(paths)]) for i in range(REQUESTS)]
    url = f"{live_server.url}/v1/policies/esi/decide"
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        answers = list(pool.map(lambda body: _post(url, body), bodies))
    assert len(answers) == REQUESTS
    for body, (status, answer) in zip(bodies, answers, strict=True):
        assert status == 200, answer
        assert answer == expected[body["id"]]


def test_concurrent_mixed_requests_keep_their_errors_apart(live_server: LiveServer) -> None:
    """Good and bad cases interleaved across threads: each gets its own answer."""
    good = case_body(EXAMPLE_CASES[0])
    bad = {"facts": {"levels": "many"}}
    url = f"{live_server.url}/v1/policies/esi/decide"
    bodies = [good if i % 3 else bad for i in range(96)]
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        answers = list(pool.map(lambda body: _post(url, body), bodies))
    for body, (status, answer) in zip(bodies, answers, strict=True):
        if body is bad:
            assert status == 422 and answer["error"]["field"] == "facts.levels"
        else:
            assert status == 200 and answer["verdict"] == "approve"


def test_live_server_writes_structured_access_logs(live_server: LiveServer) -> None:
    """Each request leaves one JSON access-log line with method, path, status and duration."""
    status, _ = _post(f"{live_server.url}/v1/policies/nope/decide", {"facts": {}})
    assert status == 404
    mine: list[dict[str, Any]] = []
    for _ in range(100):  # the record is written as the response ends: wait for the reader
        records = [json.loads(line) for line in list(live_server.log) if line.startswith("{")]
        mine = [r for r in records if r["path"] == "/v1/policies/nope/decide"]
        if mine:
            break
        time.sleep(0.1)
    assert mine and mine[-1]["status"] == 404 and mine[-1]["method"] == "POST"
    assert mine[-1]["ms"] >= 0 and mine[-1]["client"] == "127.0.0.1"
