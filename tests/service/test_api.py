"""Every endpoint of the decision service through the ASGI test client, and every error code."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from medpolicy import load_policy
from medpolicy.service.app import create_app
from medpolicy.service.settings import Settings
from tests.service.support import ESI_YAML, KNEE_MRI, SEED_CASES, case_body

SEED_004 = case_body(SEED_CASES[-1])


def _error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    return dict(error)


def test_healthz_says_ok(client: TestClient) -> None:
    """GET /healthz answers {"status": "ok"}."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_policies_lists_bundled_and_folder_tables(client: TestClient) -> None:
    """GET /v1/policies lists esi and the folder's knee-mri with title, version and sha256."""
    listed = {p["id"]: p for p in client.get("/v1/policies").json()}
    esi = load_policy("esi")
    assert listed["esi"] == {"id": "esi", "title": esi.title, "version": esi.version,
                             "sha256": esi.sha256}
    assert listed["knee-mri"]["version"] == "2026.2"
    assert list(listed) == sorted(listed)


def test_policy_is_its_table_as_json(client: TestClient) -> None:
    """GET /v1/policies/esi has every fact, criterion and row of the loaded table, in order."""
    esi = load_policy("esi")
    table = client.get("/v1/policies/esi").json()
    assert table["id"] == "esi" and table["sha256"] == esi.sha256
    assert list(table["facts"]) == [f.name for f in esi.facts]
    assert [r["id"] for r in table["rows"]] == [r.id for r in esi.rows]
    assert table["rows"][0]["when"] == esi.rows[0].text
    assert list(table["criteria"]) == [c.id for c in esi.criteria]
    levels = table["facts"]["levels"]
    assert levels["type"] == "int" and levels["min"] == esi.fact_map["levels"].minimum
    assert table["facts"]["cpt"]["values"] == list(esi.fact_map["cpt"].values)


def test_policy_source_is_the_yaml_text(client: TestClient) -> None:
    """GET /v1/policies/esi/source returns the bundled file's text."""
    response = client.get("/v1/policies/esi/source")
    assert response.status_code == 200
    assert response.text == ESI_YAML.read_text("utf-8")


def test_decide_one_case_and_a_list(client: TestClient) -> None:
    """POST decide: an object answers an object, a list answers a list in order."""
    one = client.post("/v1/policies/esi/decide", json=SEED_004)
    assert one.status_code == 200
    assert one.json()["case"] == "seed-004-lumbar-incomplete"
    assert one.json()["verdict"] == "pend"
    bodies = [case_body(path) for path in SEED_CASES]
    many = client.post("/v1/policies/esi/decide", json=bodies)
    assert [r["case"] for r in many.json()] == [b["id"] for b in bodies]
    assert many.json()[-1] == one.json()


def test_decide_on_a_folder_table(client: TestClient) -> None:
    """A table from --policies decides like a bundled one."""
    response = client.post("/v1/policies/knee-mri/decide",
                           json={"facts": {"weeks_of_pain": 8, "xray_done": True}})
    assert response.json()["verdict"] == "approve"
    assert response.json()["case"] == "request"


def test_explain_formats_have_their_media_types(client: TestClient) -> None:
    """POST explain?format=...: svg, html, json, mermaid and dot, each with its media type."""
    expected = {"svg": "image/svg+xml", "html": "text/html", "json": "application/json",
                "mermaid": "text/plain", "dot": "text/vnd.graphviz"}
    for fmt, media in expected.items():
        response = client.post(f"/v1/policies/esi/explain?format={fmt}", json=SEED_004)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith(media)
    svg = client.post("/v1/policies/esi/explain", json=SEED_004).text
    assert svg.lstrip().startswith("<svg") or svg.lstrip().startswith("<?xml")


def test_next_question_has_exactly_its_four_keys(client: TestClient) -> None:
    """POST next-question answers verdict, next_question, relevant and pathways."""
    answer = client.post("/v1/policies/esi/next-question", json=SEED_004).json()
    assert set(answer) == {"verdict", "next_question", "relevant", "pathways"}
    assert answer["verdict"] == "pend"
    assert isinstance(answer["relevant"], list) and isinstance(answer["pathways"], list)


def test_validate_accepts_a_good_table(client: TestClient) -> None:
    """POST /v1/validate with esi's text answers {"ok": true}."""
    response = client.post("/v1/validate", content=ESI_YAML.read_bytes(),
                           headers={"content-type": "application/yaml"})
    assert response.status_code == 200
    assert response.json() == {"ok": True}


def test_validate_locates_an_unknown_fact_by_line_and_field(client: TestClient) -> None:
    """A misspelled fact in a row: 422 with the line, the field and a hint."""
    broken = KNEE_MRI.replace("when: pacemaker", "when: pacemakr")
    error = _error(client.post("/v1/validate", content=broken), 422, "invalid_table")
    line = broken.splitlines().index("    when: pacemakr") + 1
    assert error["line"] == line
    assert error["field"] == "rows[0].when"
    assert "pacemakr" in error["message"] and "did you mean 'pacemaker'" in error["message"]
    assert error["problems"][0]["column"] is not None


def test_validate_locates_a_yaml_syntax_error(client: TestClient) -> None:
    """Broken YAML: 422 with the line of the break."""
    error = _error(client.post("/v1/validate", content="id: x\nfacts: [\n"), 422, "invalid_table")
    assert error["line"] == 3


def test_resolve_answers_an_edited_table_as_json(client: TestClient) -> None:
    """POST /v1/tables/resolve with esi's text equals GET /v1/policies/esi."""
    resolved = client.post("/v1/tables/resolve", content=ESI_YAML.read_bytes()).json()
    assert resolved == client.get("/v1/policies/esi").json()


def test_decide_on_table_text_equals_decide_on_the_loaded_table(client: TestClient) -> None:
    """POST /v1/tables/decide with esi's text gives the answer of /v1/policies/esi/decide."""
    body = {"table": ESI_YAML.read_text("utf-8"), "case": SEED_004}
    on_text = client.post("/v1/tables/decide", json=body)
    assert on_text.status_code == 200, on_text.text
    assert on_text.json() == client.post("/v1/policies/esi/decide", json=SEED_004).json()
    svg = client.post("/v1/tables/explain?format=svg", json=body)
    assert svg.text == client.post("/v1/policies/esi/explain?format=svg", json=SEED_004).text


def test_case_errors_on_table_text_name_the_case_field(client: TestClient) -> None:
    """/v1/tables/decide: a bad fact is 422 at case.facts.<name>; a bad table at table."""
    body = {"table": KNEE_MRI, "case": {"facts": {"weeks_of_pain": -3}}}
    error = _error(client.post("/v1/tables/decide", json=body), 422, "invalid_case")
    assert error["field"] == "case.facts.weeks_of_pain"
    body = {"table": "id: [", "case": {"facts": {}}}
    _error(client.post("/v1/tables/decide", json=body), 422, "invalid_table")
    _error(client.post("/v1/tables/decide", json={"case": {}}), 422, "invalid_request")


def test_openapi_json_is_served(client: TestClient) -> None:
    """GET /openapi.json is an OpenAPI document (its content is tested in test_openapi)."""
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


# --- error codes ----------------------------------------------------------------------------


def test_malformed_json_is_400_with_its_line(client: TestClient) -> None:
    """A body that is not JSON: 400 malformed_json, naming the line."""
    error = _error(client.post("/v1/policies/esi/decide", content=b'{"facts": {\n  "cpt": }'),
                   400, "malformed_json")
    assert error["line"] == 2
    _error(client.post("/v1/policies/esi/decide", content=b""), 400, "malformed_json")
    _error(client.post("/v1/diff", content=b"{"), 400, "malformed_json")


def test_non_utf8_table_is_400(client: TestClient) -> None:
    """A table body that is not UTF-8: 400 malformed_body."""
    _error(client.post("/v1/validate", content=b"id: \xff\xfe"), 400, "malformed_body")


def test_unknown_policy_is_404_listing_the_known_ones(client: TestClient) -> None:
    """Every per-policy route answers 404 unknown_policy for an id it does not have."""
    for method, path in (("get", "/v1/policies/nope"), ("get", "/v1/policies/nope/source"),
                         ("post", "/v1/policies/nope/decide"),
                         ("post", "/v1/policies/nope/explain"),
                         ("post", "/v1/policies/nope/next-question")):
        kwargs: dict[str, Any] = {"json": SEED_004} if method == "post" else {}
        error = _error(getattr(client, method)(path, **kwargs), 404, "unknown_policy")
        assert "esi" in error["message"]


def test_unknown_path_is_a_json_404(client: TestClient) -> None:
    """A path the service does not have: 404 as JSON, not an HTML page."""
    _error(client.get("/v2/nothing"), 404, "not_found")


def test_oversized_body_is_413(policy_dir: Any) -> None:
    """A body over --max-body: 413, whether it declares its length or streams it."""
    app = create_app(Settings(max_body=1000, workers=1))
    with TestClient(app) as small:
        big = {"facts": {}, "description": "x" * 2000}
        _error(small.post("/v1/policies/esi/decide", json=big), 413, "body_too_large")

        def chunks() -> Iterator[bytes]:
            yield b'{"facts": {}, "description": "'
            for _ in range(20):
                yield b"y" * 100
            yield b'"}'

        streamed = small.post("/v1/policies/esi/decide", content=chunks())
        _error(streamed, 413, "body_too_large")
        ok = small.post("/v1/policies/esi/decide", json={"facts": {}})
        assert ok.status_code == 200


def test_invalid_case_is_422_naming_the_field(client: TestClient) -> None:
    """A value outside a fact's domain: 422 invalid_case at facts.<name>, as the CLI says it."""
    error = _error(client.post("/v1/policies/esi/decide", json={"facts": {"cpt": "99999"}}),
                   422, "invalid_case")
    assert error["field"] == "facts.cpt"
    assert "not a value of the enum fact 'cpt'" in error["message"]
    error = _error(client.post("/v1/policies/esi/decide", json={"facts": {"levles": 1}}),
                   422, "invalid_case")
    assert error["field"] == "facts.levles" and "did you mean 'levels'" in error["message"]
    error = _error(client.post("/v1/policies/esi/decide", json={"fact": {}}), 422,
                   "invalid_case")
    assert error["field"] == "fact"


def test_invalid_case_in_a_list_names_its_index(client: TestClient) -> None:
    """In a list, the field starts with the case's index."""
    body = [{"facts": {}}, {"facts": {"levels": "two"}}]
    error = _error(client.post("/v1/policies/esi/decide", json=body), 422, "invalid_case")
    assert error["field"] == "[1].facts.levels"


def test_non_object_case_is_422(client: TestClient) -> None:
    """A JSON value that is not a case object: 422 invalid_case."""
    for body in (b"5", b'"case"', b"null", b"[1]"):
        _error(client.post("/v1/policies/esi/decide", content=body), 422, "invalid_case")


def test_questionnaire_response_needs_the_fhir_extra(client: TestClient,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Without fhir.resources, a QuestionnaireResponse body: 422 fhir_unavailable naming it."""
    monkeypatch.setitem(sys.modules, "fhir.resources.R4B", None)
    body = {"resourceType": "QuestionnaireResponse", "status": "completed", "item": []}
    error = _error(client.post("/v1/policies/esi/decide", json=body), 422, "fhir_unavailable")
    assert "fhir extra" in error["message"]
    assert "pip install 'medpolicy[fhir]'" in error["message"]
    assert error["field"] == "resourceType"
    error = _error(client.post("/v1/policies/esi/decide", json=[{"facts": {}}, body]), 422,
                   "fhir_unavailable")
    assert error["field"] == "[1].resourceType"


def test_bad_query_parameter_is_422_naming_it(client: TestClient) -> None:
    """An explain format the service does not have: 422 naming 'format'."""
    error = _error(client.post("/v1/policies/esi/explain?format=png", json=SEED_004), 422,
                   "invalid_request")
    assert error["field"] == "format"


def test_diff_body_without_new_is_422(client: TestClient) -> None:
    """/v1/diff without 'new': 422 naming the field; a bad old table: 422 at 'old'."""
    error = _error(client.post("/v1/diff", json={"old": KNEE_MRI}), 422, "invalid_request")
    assert error["field"] == "new"
    error = _error(client.post("/v1/diff", json={"old": "id: [", "new": KNEE_MRI}), 422,
                   "invalid_table")
    assert error["problems"][0]["file"] == "old"


def test_time_limit_is_504() -> None:
    """Work past --time-limit answers 504 time_limit at once (here: a check, 1 ms allowed)."""
    with TestClient(create_app(Settings(time_limit=0.001, workers=1))) as hurried:
        error = _error(hurried.post("/v1/check", content=ESI_YAML.read_bytes()), 504,
                       "time_limit")
        assert "time limit of 0.001 s" in error["message"]
        assert hurried.get("/healthz").status_code == 200


def test_no_swagger_pages_that_would_load_a_cdn(client: TestClient) -> None:
    """/docs and /redoc (FastAPI's CDN-loaded pages) are off; /openapi.json is the document."""
    _error(client.get("/docs"), 404, "not_found")
    _error(client.get("/redoc"), 404, "not_found")


def test_loopback_service_refuses_other_host_names() -> None:
    """With allowed hosts set (serve on loopback), another Host header is a 400."""
    settings = Settings(workers=1, allowed_hosts=("127.0.0.1", "localhost"))
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8000") as local:
        assert local.get("/healthz").status_code == 200
        refused = local.get("/healthz", headers={"host": "evil.example:8000"})
        error = _error(refused, 400, "host_not_allowed")
        assert "evil.example" in error["message"]
        assert local.get("/healthz", headers={"host": "localhost:8000"}).status_code == 200


def test_nan_and_infinity_are_not_json(client: TestClient) -> None:
    """NaN and Infinity (which Python's reader would accept) are a 400 naming them."""
    error = _error(client.post("/v1/policies/esi/decide",
                               content=b'{"facts": {"levels": NaN}}'), 400, "malformed_json")
    assert "NaN is not a JSON number" in error["message"]
    _error(client.post("/v1/policies/esi/decide", content=b"-Infinity"), 400, "malformed_json")


def test_work_past_the_time_limit_stops_at_its_next_step() -> None:
    """A request answered 504 stops its worker at the next deadline check, not never."""
    import asyncio
    import threading

    from medpolicy.service.errors import ApiError
    from medpolicy.service.pool import DecisionPool

    pool = DecisionPool(Settings(time_limit=0.05, workers=1))
    stopped = threading.Event()

    def endless() -> None:
        try:
            while True:
                pool.check_deadline()
        finally:
            stopped.set()

    async def call() -> None:
        await pool.run(endless)

    with pytest.raises(ApiError) as raised:
        asyncio.run(call())
    assert (raised.value.status, raised.value.code) == (504, "time_limit")
    assert stopped.wait(30)
    pool.close()
