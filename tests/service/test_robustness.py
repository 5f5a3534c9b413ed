"""Whatever JSON a client sends to decide, the answer is a decision or a JSON 4xx, never a 500."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from medpolicy import load_policy

_ESI = load_policy("esi")
_SCALARS = st.none() | st.booleans() | st.integers(-10**60, 10**60) | st.floats() | st.text(
    max_size=12)
_JSON = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=3)
                     | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=8)
_FACT_VALUES = st.one_of(
    _JSON,
    st.sampled_from([v for f in _ESI.facts for v in f.values]),
    st.integers(-3, 200),
)
_FACTS = st.dictionaries(st.sampled_from([f.name for f in _ESI.facts]) | st.text(max_size=6),
                         _FACT_VALUES, max_size=5)
_CASES = st.one_of(
    _JSON,
    st.fixed_dictionaries({"facts": _FACTS}),
    st.fixed_dictionaries({"facts": _FACTS}, optional={"id": _JSON, "policy": _JSON,
                                                       "description": _JSON, "extra": _JSON}),
)
_BODIES = _CASES | st.lists(_CASES, max_size=3)


@given(body=_BODIES)
def test_decide_answers_any_json_with_a_decision_or_a_located_4xx(client: TestClient,
                                                                  body: Any) -> None:
    """Random JSON bodies: 200 with a verdict, or 400/422 with the error shape; nothing else.

    Bodies are encoded as Python does, so NaN and Infinity arrive too (a 400)."""
    response = client.post("/v1/policies/esi/decide", content=json.dumps(body))
    assert response.status_code in (200, 400, 422), response.text
    answer = response.json()
    if response.status_code == 200:
        results = answer if isinstance(answer, list) else [answer]
        assert all(r["verdict"] in ("approve", "deny", "pend") for r in results)
    else:
        assert set(answer) == {"error"}
        assert answer["error"]["code"] in ("malformed_json", "invalid_case")
        assert answer["error"]["message"]


_YAMLISH = st.lists(st.sampled_from(["id: t", "facts:", "  a:", "    type: bool", "rows:",
                                     "  - id: r", "    when: a", "    outcome: deny", "[", "{",
                                     "\t", "&x", "*x", "!!python/object:os.system", ": :", "- -",
                                     "    when: a ==", "title: T", "version: '1'", "\x00"]),
                    max_size=12).map("\n".join)


@given(text=st.text(max_size=200) | _YAMLISH)
def test_validate_answers_any_text_with_ok_or_a_located_4xx(client: TestClient,
                                                            text: str) -> None:
    """Random text as a table: {"ok": true}, or 400/422 with the error shape; nothing else."""
    response = client.post("/v1/validate", content=text.encode("utf-8", "surrogatepass"))
    assert response.status_code in (200, 400, 422), response.text
    answer = response.json()
    if response.status_code == 200:
        assert answer == {"ok": True}
    else:
        assert answer["error"]["code"] in ("malformed_body", "invalid_table")
        assert answer["error"]["message"]
