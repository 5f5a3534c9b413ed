"""Golden tests of the documentation request: esi cases and a small bariatric-style table."""

from __future__ import annotations

from medpolicy import Decider, Policy, policy_from_text
from medpolicy.tables.model import Case

BARIATRIC = """
id: bariatric
title: Bariatric surgery
version: "1"
facts:
  bmi:
    type: int
    min: 10
    max: 80
    question: What is the BMI?
    document: Clinical notes
  major_comorbidity:
    type: bool
    question: Is a major comorbidity documented?
    document: Problem list
  minor_comorbidities:
    type: int
    min: 0
    max: 10
    question: How many minor comorbidities are documented?
    document: Problem list
rows:
  - {id: bmi40, when: bmi >= 40, outcome: approve, reason: BMI of 40 or more}
  - {id: bmi35_major, when: bmi >= 35 and major_comorbidity, outcome: approve,
     reason: BMI 35 to 39.9 with a major comorbidity}
  - {id: bmi35_minor, when: bmi >= 35 and minor_comorbidities >= 2, outcome: approve,
     reason: BMI 35 to 39.9 with two minor comorbidities}
otherwise: {outcome: deny, reason: Criteria not met}
"""


def test_bariatric_table_shows_all_three_pathways() -> None:
    """BMI >= 40 alone, or BMI 35-39 with a major comorbidity, or with two minor ones."""
    decision = Decider(policy_from_text(BARIATRIC)).decide(Case("empty", {}))
    assert decision.verdict == "pend"
    routes = [(p.cost, {n.fact: n.needs for n in p.needs}) for p in decision.pathways]
    assert routes == [
        (1, {"bmi": ">= 40"}),
        (2, {"bmi": ">= 35", "major_comorbidity": "true"}),
        (2, {"bmi": ">= 35", "minor_comorbidities": ">= 2"}),
    ]
    assert [[n.fact for n in m.needs] for m in decision.missing] == [["bmi"]]
    assert decision.pathways_omitted == 0
    assert decision.next_question is not None and decision.next_question.fact == "bmi"
    assert decision.relevant == ("bmi", "major_comorbidity", "minor_comorbidities")


def test_allowed_is_the_box_for_programs() -> None:
    """allowed: {"min": 35, "max": 80} for an int, {"in": [true]} for a bool."""
    decision = Decider(policy_from_text(BARIATRIC)).decide(Case("empty", {}))
    items = {n.fact: n.to_dict() for n in decision.pathways[1].needs}
    assert items["bmi"]["allowed"] == {"min": 35, "max": 80}
    assert items["major_comorbidity"]["allowed"] == {"in": [True]}
    assert items["major_comorbidity"]["document"] == "Problem list"


def test_esi_herpes_zoster_pend_lists_the_particulate_steroid_set(esi: Policy) -> None:
    """Value variants merge into one alternative; the particulate-steroid set is not hidden."""
    case = Case("hz", {"indication": "herpes_zoster"})
    decision = Decider(esi).decide(case)
    assert decision.verdict == "pend"
    sets = [sorted(m.facts) for m in decision.missing]
    assert any("particulate_steroid" in s for s in sets)
    assert len(decision.missing) == 3 and decision.missing_omitted == 0
    first = {n.fact: n.needs for n in decision.missing[0].needs}
    assert first["cpt"] == "in [62320, 62321, 62322, 62323, 64483]"
    assert first["injectate"] == "in [steroid, steroid_and_anesthetic, anesthetic_only]"


def test_seed_004_request_is_factored(esi: Policy, esi_decider: Decider) -> None:
    """Seed 004: five items in every pathway, then conservative care weeks or intolerance."""
    from medpolicy import load_case
    from tests.conftest import SEED_CASES

    decision = esi_decider.decide(load_case(SEED_CASES[3], esi))
    assert [n.fact for n in decision.request.all] == [
        "active_rehab", "functional_impairment_documented", "image_guidance",
        "neuro_exam_documented", "sedation_justified"]
    assert [[n.fact for n in o] for o in decision.request.any] == [
        ["conservative_care_intolerant"], ["conservative_care_weeks"]]
    assert decision.next_question is not None
    assert decision.next_question.fact == "image_guidance"


def test_max_pathways_caps_and_counts() -> None:
    """--max-pathways keeps the cheapest and pathways_omitted counts the rest."""
    decision = Decider(policy_from_text(BARIATRIC), max_pathways=1).decide(Case("e", {}))
    assert len(decision.pathways) == 1 and decision.pathways_omitted == 2


def test_allowed_is_a_fresh_copy_per_decision() -> None:
    """Changing one decision's JSON leaves the next decision's allowed intact."""
    decider = Decider(policy_from_text(BARIATRIC))
    first = decider.decide(Case("a", {})).to_dict()
    first["pathways"][1]["facts"][1]["allowed"]["in"].append(False)
    second = decider.decide(Case("b", {})).to_dict()
    assert second["pathways"][1]["facts"][1]["allowed"] == {"in": [True]}
