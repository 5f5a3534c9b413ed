"""decide: edge cases, exactness, reasons, statuses, the JSON contract and injection safety."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from medpolicy import (
    Case,
    Decider,
    Policy,
    case_from_mapping,
    decide,
    load_case,
    policy_from_text,
)
from medpolicy.errors import TooComplexError
from medpolicy.logic.compiler import CompiledTable

BASE_FACTS = {
    "cpt": 62323, "levels": 1, "image_guidance": "fluoroscopy", "injectate": "steroid",
    "indication": "radiculopathy", "radicular_pattern_documented": True,
    "neuro_exam_documented": True, "imaging_concordant": True, "imaging_age_months": 6,
    "mass_excluded": True, "symptom_weeks": 10, "conservative_care_weeks": 6,
    "functional_impairment_documented": True, "active_rehab": True,
    "conservative_care_intolerant": False,
}


def _case(policy: Policy, facts: dict[str, Any], case_id: str = "case") -> Case:
    return case_from_mapping({"id": case_id, "facts": facts}, policy)


def test_complete_chart_approves_with_the_otherwise_reason(esi: Policy, esi_decider: Decider
                                                           ) -> None:
    """A chart meeting every condition approves, citing the otherwise clause."""
    decision = esi_decider.decide(_case(esi, BASE_FACTS))
    assert decision.verdict == "approve"
    assert [r.row for r in decision.reasons] == ["otherwise"]
    assert decision.missing == ()
    assert not decision.undetermined


def test_empty_case_pends_with_a_documentation_request(esi: Policy, esi_decider: Decider) -> None:
    """With nothing documented the verdict is pend and some documentation approves."""
    decision = esi_decider.decide(_case(esi, {}))
    assert decision.verdict == "pend"
    assert decision.undetermined
    assert decision.missing
    assert all("cpt" in a.facts or "indication" in a.facts for a in decision.missing)


def test_a_certain_denial_is_a_deny_now(esi: Policy, esi_decider: Decider) -> None:
    """A deny condition that holds whatever is unknown denies at once, with its reason."""
    decision = esi_decider.decide(_case(esi, {"injectate": "biologic"}))
    assert decision.verdict == "deny"
    assert [r.row for r in decision.reasons] == ["injectate"]
    assert decision.reasons[0].sources == ("LCD-L39240",)
    assert decision.missing == ()


def test_every_certain_deny_reason_is_listed(esi: Policy, esi_decider: Decider) -> None:
    """Several deny rows that hold are all reasons (each denial carries its reason)."""
    facts = {**BASE_FACTS, "image_guidance": "none", "active_rehab": False}
    decision = esi_decider.decide(_case(esi, facts))
    assert decision.verdict == "deny"
    assert {r.row for r in decision.reasons} == {"image_guidance", "active_rehab"}
    assert all(r.certain for r in decision.reasons)


def test_known_default_value_decides_like_the_default(esi: Policy, esi_decider: Decider) -> None:
    """Writing a closed-world fact's default explicitly changes nothing."""
    implicit = esi_decider.decide(_case(esi, BASE_FACTS))
    explicit = esi_decider.decide(_case(esi, {**BASE_FACTS, "active_infection": False,
                                              "sedation": "none"}))
    assert explicit.verdict == implicit.verdict == "approve"
    assert explicit.criteria == implicit.criteria


def test_short_conservative_care_pends_while_intolerance_is_unknown(
        esi: Policy, esi_decider: Decider) -> None:
    """3 weeks of care with intolerance undocumented could still approve: pend, not deny."""
    facts = {k: v for k, v in BASE_FACTS.items() if k != "conservative_care_intolerant"}
    decision = esi_decider.decide(_case(esi, {**facts, "conservative_care_weeks": 3}))
    assert decision.verdict == "pend"
    assert [sorted(a.facts) for a in decision.missing] == [["conservative_care_intolerant"]]


@pytest.mark.parametrize(
    ("fact", "passing", "failing"),
    [
        ("conservative_care_weeks", 4, 3),
        ("imaging_age_months", 24, 25),
        ("symptom_weeks", 4, 3),
        ("levels", 1, 2),
    ],
    ids=["care-4-weeks", "imaging-24-months", "symptoms-4-weeks", "levels-1"],
)
def test_int_thresholds_are_inclusive_as_written(esi: Policy, esi_decider: Decider, fact: str,
                                                 passing: int, failing: int) -> None:
    """Each side of a threshold decides as the spec says."""
    assert esi_decider.decide(_case(esi, {**BASE_FACTS, fact: passing})).verdict == "approve"
    assert esi_decider.decide(_case(esi, {**BASE_FACTS, fact: failing})).verdict == "deny"


@pytest.mark.parametrize(("percent", "verdict"), [(49, "deny"), (50, "approve")],
                         ids=["49-percent", "50-percent"])
def test_prior_relief_boundary(esi: Policy, esi_decider: Decider, percent: int, verdict: str
                               ) -> None:
    """49 % prior relief fails and 50 % passes for a repeat injection."""
    facts = {**BASE_FACTS, "repeat_injection": True, "prior_relief_percent": percent,
             "prior_relief_weeks": 4, "weeks_since_last_injection": 8}
    assert esi_decider.decide(_case(esi, facts)).verdict == verdict


def test_not_applicable_criterion(esi: Policy, esi_decider: Decider) -> None:
    """Prior response is not applicable when the injection is not a repeat."""
    decision = esi_decider.decide(_case(esi, BASE_FACTS))
    status = {c.id: c.status for c in decision.criteria}
    assert status["adequate_prior_response"] == "not_applicable"
    assert status["imaging_supports"] == "met"
    assert status["transforaminal"] == "not_met"


EXCLUDED_MIDDLE = """
id: xm
title: excluded middle
version: "1"
facts:
  x: {type: bool}
rows:
  - {id: yes, when: x, outcome: deny, reason: x holds}
  - {id: no, when: not x, outcome: deny, reason: x does not hold}
otherwise: {outcome: approve}
"""


def test_x_or_not_x_is_exact_not_three_valued() -> None:
    """Rows on x and on not x deny whatever x is: the verdict is deny, not pend."""
    policy = policy_from_text(EXCLUDED_MIDDLE)
    decision = decide(policy, Case(id="empty", facts={}))
    assert decision.verdict == "deny"
    assert {r.row for r in decision.reasons} == {"yes", "no"}
    assert not any(r.certain for r in decision.reasons)


NO_WAY_TO_APPROVE = """
id: stuck
title: approval out of reach
version: "1"
facts:
  x: {type: bool}
  y: {type: bool}
rows:
  - {id: deny_x, when: x, outcome: deny, reason: x denies}
  - {id: pend_not_x, when: not x, outcome: pend, reason: not x pends}
  - {id: approve_y, when: y, outcome: approve, reason: y approves}
otherwise: {outcome: approve}
"""


def test_pend_with_no_way_to_approve_has_no_missing_sets() -> None:
    """When every completion denies or pends, missing is empty and reasons say why."""
    policy = policy_from_text(NO_WAY_TO_APPROVE)
    decision = decide(policy, Case(id="empty", facts={}))
    assert decision.verdict == "pend"
    assert decision.missing == ()
    assert {r.row for r in decision.reasons} == {"deny_x", "pend_not_x"}


def test_json_follows_the_output_contract(esi: Policy, esi_decider: Decider) -> None:
    """decide --format json: exactly the keys of DESIGN.md, with their shapes."""
    decision = esi_decider.decide(_case(esi, {"cpt": 62321, "indication": "radiculopathy"},
                                        "contract"))
    data = json.loads(decision.to_json())
    assert list(data) == [
        "case", "policy", "service_date", "verdict", "reasons", "criteria", "missing",
        "missing_omitted", "pathways", "pathways_omitted", "request", "relevant",
        "next_question", "engine",
    ]
    assert data["case"] == "contract"
    assert data["service_date"] is None
    assert set(data["policy"]) == {"id", "version", "sha256", "layers"}
    assert data["policy"]["id"] == "esi" and len(data["policy"]["sha256"]) == 64
    assert data["policy"]["layers"] == ["esi"]
    assert all(set(r) == {"row", "outcome", "text", "sources", "layer"} for r in data["reasons"])
    assert all(r["layer"] == "esi" for r in data["reasons"])
    assert set(data["criteria"]["interlaminar"]) == {"status", "facts"}
    assert data["criteria"]["interlaminar"] == {"status": "met", "facts": ["cpt"]}
    item_keys = {"fact", "needs", "allowed", "question", "document"}
    assert all(set(item) == item_keys for alt in data["missing"] for item in alt)
    assert data["missing_omitted"] == 0 and data["pathways_omitted"] == 0
    assert all(set(p) == {"cost", "facts"} for p in data["pathways"])
    assert all(set(item) == item_keys for p in data["pathways"] for item in p["facts"])
    assert set(data["request"]) == {"all", "any"}
    assert set(data["next_question"]) == {"fact", "question"}
    assert data["next_question"]["fact"] in data["relevant"]
    assert set(data["engine"]) == {"medpolicy", "clingo"}


def test_max_alternatives_caps_the_list(esi: Policy) -> None:
    """--max-alternatives bounds how many cheapest alternatives are reported."""
    case = _case(esi, {"cpt": 62321, "indication": "radiculopathy"})
    assert len(Decider(esi, max_alternatives=1).decide(case).missing) == 1
    assert len(Decider(esi).decide(case).missing) == 2


def test_verify_mode_checks_every_reported_set(esi: Policy) -> None:
    """With verify=True each set is re-checked by a solver call and the result is the same."""
    case = _case(esi, {"cpt": 62323, "sedation": "moderate"})
    plain = Decider(esi).decide(case)
    verified = Decider(esi, verify=True).decide(case)
    assert plain.missing == verified.missing
    assert plain.missing


ASP_LOOKING = ("a). approve(x", "#show.", "%", "x :- y.")


def _injection_table(values: tuple[str, ...]) -> Policy:
    listed = ", ".join(json.dumps(v) for v in values)
    return policy_from_text(f"""
id: inj
title: injection safety
version: "1"
facts:
  code: {{type: enum, values: [{listed}]}}
  ok: {{type: bool}}
rows:
  - {{id: bad_code, when: "code == {json.dumps(values[0])[1:-1]!r} and ok", outcome: deny,
      reason: "first code"}}
  - {{id: other, when: "code in [{json.dumps(values[1])[1:-1]!r}, {json.dumps(values[2])[1:-1]!r}]",
      outcome: pend, reason: "middle codes"}}
otherwise: {{outcome: approve}}
""")


@pytest.mark.parametrize("index", range(4), ids=["close-paren", "show", "comment", "rule"])
@pytest.mark.parametrize("ok", [True, False, None], ids=["ok", "not-ok", "ok-unknown"])
def test_asp_syntax_in_values_decides_like_a_harmless_value(index: int, ok: bool | None) -> None:
    """Case values that look like ASP are plain data: same decision as plain names."""
    harmless = ("v0", "v1", "v2", "v3")
    risky_table = _injection_table(ASP_LOOKING)
    plain_table = _injection_table(harmless)
    facts_risky: dict[str, Any] = {"code": ASP_LOOKING[index]}
    facts_plain: dict[str, Any] = {"code": harmless[index]}
    if ok is not None:
        facts_risky["ok"] = facts_plain["ok"] = ok
    risky = decide(risky_table, _case(risky_table, facts_risky))
    plain = decide(plain_table, _case(plain_table, facts_plain))
    assert risky.verdict == plain.verdict
    assert [r.row for r in risky.reasons] == [r.row for r in plain.reasons]
    assert [a.facts for a in risky.missing] == [a.facts for a in plain.missing]


GAP_TABLE = """
id: gappy
title: a table with a gap
version: "1"
facts:
  x: {type: bool}
rows:
  - {id: approve_x, when: x, outcome: approve, reason: x approves}
"""


def test_a_gap_pends_and_names_the_no_match_clause(tmp_path: Path) -> None:
    """Without otherwise, no match pends; the reason is 'otherwise', and cases may expect it."""
    policy = policy_from_text(GAP_TABLE)
    decision = decide(policy, Case(id="gap", facts={"x": False}))
    assert decision.verdict == "pend"
    assert not decision.undetermined
    assert [(r.row, r.text) for r in decision.reasons] == [
        ("otherwise", "No row of the table matches this case.")]
    case_file = tmp_path / "gap.yaml"
    case_file.write_text("facts: {x: false}\nexpect: {verdict: pend, rows: [otherwise]}\n",
                         encoding="utf-8")
    case = load_case(case_file, policy)
    assert case.expect is not None and case.expect.rows == ("otherwise",)


def _approve_rows_table(rows: int) -> Policy:
    facts = "\n".join(f"  f{i}: {{type: int, min: 0, max: 9}}" for i in range(rows))
    lines = "\n".join(
        f"  - {{id: r{i}, when: 'f{i} >= 5 and f{(i + 1) % rows} < 3', outcome: approve, "
        f"reason: approve {i}}}" for i in range(rows))
    return policy_from_text(f"""
id: many
title: many approve rows, otherwise pend
version: "1"
facts:
{facts}
rows:
{lines}
otherwise: {{outcome: pend, reason: review}}
""")


def test_approve_rows_with_otherwise_pend_find_missing_sets_lazily() -> None:
    """Negating 24 approve rows has no DNF in reach; the lazy search still finds the request."""
    policy = _approve_rows_table(24)
    decider = Decider(policy)
    decision = decider.decide(Case(id="some", facts={"f0": 7}))
    assert decider.pathway_solver.lazy
    assert decision.verdict == "pend"
    assert [sorted(a.facts) for a in decision.missing] == [["f1"]]
    assert decision.missing[0].needs[0].needs == "<= 2"
    verified = Decider(policy, verify=True).decide(Case(id="again", facts={"f0": 7}))
    assert verified.missing == decision.missing


def test_dnf_over_the_cap_fails_fast() -> None:
    """An oversized DNF raises TooComplexError at once instead of absorbing for minutes."""
    policy = _approve_rows_table(24)
    table = CompiledTable(policy)
    with pytest.raises(TooComplexError, match="condition boxes"):
        table.rejection_boxes()
