"""The adaptive form: the next question is relevant and follows DESIGN.md's rule; asking
``next`` questions one by one reaches the full case's verdict."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medpolicy import Decider, Policy, load_case
from medpolicy.fhir.adaptive import CONTAINED_ID, is_relevant, next_question, next_response
from medpolicy.fhir.questionnaire import context
from medpolicy.fhir.response import build_response, case_from_response
from medpolicy.fhir.types import mapping
from medpolicy.tables.expr import Value
from medpolicy.tables.model import Case
from tests import reference
from tests.conftest import SEED_CASES
from tests.fhir.support import fhir_valid, loaded_tables_and_cases

SEED_IDS = [p.stem for p in SEED_CASES]
EMPTY: dict[str, Any] = {"resourceType": "QuestionnaireResponse", "status": "in-progress"}


def ref_relevant(policy: Policy, known: Mapping[str, Value], fact: str) -> bool:
    """Brute force: two completions differing only in ``fact`` decide differently."""
    values = reference.concrete_domain(policy.fact_map[fact], policy)
    others = {**known, fact: values[0]}
    for completion in reference.completions(policy, others):
        outcomes = {reference.outcome(policy, {**completion, fact: v}) for v in values}
        if len(outcomes) > 1:
            return True
    return False


def _unknown(policy: Policy, case_facts: Mapping[str, Value]) -> list[str]:
    known = reference.known(policy, case_facts)
    return [f.name for f in policy.facts if f.name not in known]


def _answer(policy: Policy, response: dict[str, Any], fact: str, value: Value) -> None:
    """Fill in the answer to the item the server just added."""
    f = policy.fact_map[fact]
    for item in response["item"]:
        if item["linkId"] == fact:
            item["answer"] = mapping(f).answers(f, value, context(policy))


def _run_form(policy: Policy, decider: Decider, full: Mapping[str, Value]) -> tuple[
    dict[str, Any], list[tuple[str, dict[str, Value]]]
]:
    """Ask ``next`` until completed, answering from ``full`` (declining what it leaves out).

    Returns the final response and each question with what was settled when it was asked:
    the answers, and the defaults of declined closed-world facts (the defaults of facts not
    yet asked are presumptions the form may still ask about).
    """
    response: dict[str, Any] = dict(EMPTY)
    asked: list[tuple[str, dict[str, Value]]] = []
    for _ in range(len(policy.facts) + 1):
        known = dict(case_from_response(response, policy).facts)
        for name, _ in asked:
            default = policy.fact_map[name].default
            if name not in known and default is not None:
                known[name] = default
        response = next_response(policy, response, decider)
        if response["status"] == "completed":
            return response, asked
        fact = response["item"][-1]["linkId"]
        assert fact not in (name for name, _ in asked), f"{fact} asked twice"
        asked.append((fact, known))
        if fact in full:
            _answer(policy, response, fact, full[fact])
    raise AssertionError("the form never completed")


@given(loaded_tables_and_cases())
def test_is_relevant_matches_brute_force(table_and_case: tuple[Policy, Case]) -> None:
    """On random tables: a fact is relevant exactly when the brute-force reference says so."""
    policy, case = table_and_case
    decider = Decider(policy)
    known = decider.table.known_values(case)
    facts = reference.known(policy, case.facts)
    for index, domain in enumerate(decider.table.domains):
        if index not in known:
            assert is_relevant(decider, known, index) == ref_relevant(
                policy, facts, domain.fact.name), domain.fact.name


@given(loaded_tables_and_cases(), st.data())
def test_next_question_follows_the_rule(
    table_and_case: tuple[Policy, Case], data: st.DataObject
) -> None:
    """The next question is the cheapest relevant unasked fact of the first alternative (else of
    all), table order on ties; None when the verdict is decided or nothing relevant is left."""
    policy, case = table_and_case
    unknown = _unknown(policy, case.facts)
    asked = data.draw(st.sets(st.sampled_from(unknown)) if unknown else st.just(set()))
    decider = Decider(policy)
    found = next_question(decider, case, asked)
    facts = reference.known(policy, case.facts)
    undetermined = len(reference.outcomes(policy, facts)) > 1
    relevant = [f for f in unknown if f not in asked and ref_relevant(policy, facts, f)]
    if not undetermined or not relevant:
        assert found is None
        return
    decision = decider.decide(case)
    pathways = getattr(decision, "pathways", None)  # the Decider's, once it has them
    first = (pathways[0].facts if pathways
             else decision.missing[0].facts if decision.missing else frozenset())
    pool = [f for f in relevant if f in first] or relevant
    order = [f.name for f in policy.facts]
    best = min(pool, key=lambda f: (policy.fact_map[f].cost, order.index(f)))
    assert found == {"fact": best, "question": policy.fact_map[best].question}


@given(loaded_tables_and_cases())
def test_form_reaches_the_full_verdict_asking_only_relevant_questions(
    table_and_case: tuple[Policy, Case],
) -> None:
    """On random tables: answering next questions from an empty response reaches the full case's
    verdict, and every question asked was relevant when it was asked (brute force)."""
    policy, full = table_and_case
    response, asked = _run_form(policy, Decider(policy), full.facts)
    assert fhir_valid(response)
    for fact, settled in asked:
        assert ref_relevant(policy, settled, fact), fact
    answered = case_from_response(response, policy).facts
    assert reference.verdict(policy, answered) == reference.verdict(policy, full.facts)


@pytest.mark.parametrize("path", SEED_CASES, ids=SEED_IDS)
def test_seed_cases_by_adaptive_form(path: Path, esi: Policy, esi_decider: Decider) -> None:
    """Asking esi's next questions one by one reaches each seed case's verdict, and each question
    was relevant when asked (is_relevant, itself checked against brute force above)."""
    full = load_case(path, esi)
    response, asked = _run_form(esi, esi_decider, full.facts)
    assert fhir_valid(response)
    answered = case_from_response(response, esi)
    assert esi_decider.decide(answered).verdict == esi_decider.decide(full).verdict
    table = esi_decider.table
    index = {d.fact.name: i for i, d in enumerate(table.domains)}
    for fact, settled in asked:
        known = {index[name]: table.domains[index[name]].index_of(v)
                 for name, v in settled.items()}
        assert is_relevant(esi_decider, known, index[fact]), fact


def test_sdc_shape_and_declined_questions(esi: Policy, esi_decider: Decider) -> None:
    """The response carries the asked questions as a contained Questionnaire; a question left
    unanswered is declined and not asked again."""
    first = next_response(esi, EMPTY, esi_decider)
    assert fhir_valid(first)
    assert first["status"] == "in-progress"
    assert first["questionnaire"] == f"#{CONTAINED_ID}"
    (contained,) = first["contained"]
    assert contained["derivedFrom"] == [
        "https://medpolicy.example/fhir/Questionnaire/esi|2026.1"]
    assert [i["linkId"] for i in contained["item"]] == ["cpt"]
    assert first["item"] == [{"linkId": "cpt", "text": "Which CPT code is requested?"}]
    second = next_response(esi, first, esi_decider)
    asked = [i["linkId"] for i in second["contained"][0]["item"]]
    assert asked[0] == "cpt" and len(asked) == 2 and asked[1] != "cpt"
    assert "answer" not in second["item"][0]


def test_presumed_defaults_are_confirmed_then_the_form_completes(
    esi: Policy, esi_decider: Decider
) -> None:
    """An approved case is asked about a closed-world fact that could change it; with every
    default confirmed it comes back completed, with no new item."""
    case = load_case(next(p for p in SEED_CASES if "seed-000" in p.name), esi)
    assert esi_decider.decide(case).verdict == "approve"
    result = next_response(esi, build_response(case, esi), esi_decider)
    assert result["status"] == "in-progress"
    confirmed = result["item"][-1]["linkId"]
    assert esi.fact_map[confirmed].default is not None
    defaults = {f.name: f.default for f in esi.facts if f.default is not None}
    full = Case(case.id, {**defaults, **case.facts})
    result = next_response(esi, build_response(full, esi), esi_decider)
    assert result["status"] == "completed"
    assert [i["linkId"] for i in result["item"]] == [
        f.name for f in esi.facts if f.name in full.facts]
    assert all("answer" in i for i in result["item"])


def test_relevance_of_a_parity_table() -> None:
    """A fact whose value sets alone look alike (x xor y) is still found relevant."""
    from medpolicy import policy_from_text

    policy = policy_from_text(
        "id: parity\ntitle: Parity\nversion: '1'\n"
        "facts:\n  x: {type: bool}\n  y: {type: bool}\n"
        "rows:\n  - {id: odd, when: (x and not y) or (y and not x), outcome: deny, reason: Odd.}\n"
        "otherwise: {outcome: approve, reason: Even.}\n")
    decider = Decider(policy)
    assert [is_relevant(decider, {}, f) for f in range(2)] == [True, True]


def test_context_of_the_response_is_kept(esi: Policy, esi_decider: Decider) -> None:
    """subject, author and authored of the incoming response come back unchanged."""
    context_elements = {"subject": {"reference": "Patient/p1"},
                        "author": {"reference": "Practitioner/d1"},
                        "authored": "2026-03-01T10:00:00Z"}
    result = next_response(esi, {**EMPTY, **context_elements}, esi_decider)
    assert {k: result[k] for k in context_elements} == context_elements
