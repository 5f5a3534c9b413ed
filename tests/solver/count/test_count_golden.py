"""Golden tests of counting conditions: the bariatric example, diff of a count, bad counts."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from medpolicy import (
    Decider,
    ValidationError,
    case_from_mapping,
    diff_policies,
    load_case,
    load_policy,
)
from medpolicy.cli import cli
from medpolicy.solver.check import check_policy
from medpolicy.tables.expr import Count, parse_expression, to_text
from tests.conftest import ROOT

EXAMPLES = ROOT / "examples" / "language"
MINORS = ["hypertension", "sleep_apnea", "dyslipidemia", "osteoarthritis", "gerd"]


def test_one_minor_comorbidity_asks_for_any_second_one() -> None:
    """BMI 37 with one minor comorbidity: each other minor one alone approves."""
    policy = load_policy(EXAMPLES / "bariatric.yaml")
    case = load_case(EXAMPLES / "bariatric-one-minor.yaml", policy)
    decision = Decider(policy).decide(case)
    assert decision.verdict == "pend"
    assert [sorted(m.facts) for m in decision.missing] == [
        ["dyslipidemia"], ["gerd"], ["osteoarthritis"], ["sleep_apnea"]]
    assert all(n.needs == "true" for m in decision.missing for n in m.needs)


def test_two_minor_comorbidities_approve_and_one_refers() -> None:
    """Complete cases: two minors approve at BMI 36, one minor is referred."""
    policy = load_policy(EXAMPLES / "bariatric.yaml")
    decider = Decider(policy)
    facts = {"bmi": 36, "diabetes": False, **dict.fromkeys(MINORS, False)}
    two = {**facts, "gerd": True, "sleep_apnea": True}
    one = {**facts, "gerd": True}
    assert decider.decide(case_from_mapping({"id": "two", "facts": two}, policy)).verdict \
        == "approve"
    assert decider.decide(case_from_mapping({"id": "one", "facts": one}, policy)).verdict \
        == "refer"


def test_the_example_table_checks_clean() -> None:
    """check finds nothing wrong in the bariatric example."""
    assert check_policy(load_policy(EXAMPLES / "bariatric.yaml")).findings == ()


def test_diff_of_two_to_three_minor_comorbidities(tmp_path: Path) -> None:
    """Requiring three minor comorbidities instead of two: approve -> refer, with witnesses."""
    text = (EXAMPLES / "bariatric.yaml").read_text(encoding="utf-8")
    new_path = tmp_path / "bariatric-3.yaml"
    new_path.write_text(text.replace("at_least(2,", "at_least(3,").replace(
        "at_most(1,", "at_most(2,"), encoding="utf-8")
    diff = diff_policies(load_policy(EXAMPLES / "bariatric.yaml"), load_policy(new_path))
    change = next(c for c in diff.changes if c.label == "approve -> refer")
    assert change.on_complete
    for witness in change.witnesses:
        facts = dict(witness.facts)
        assert sum(bool(facts.get(m)) for m in MINORS) == 2
        assert facts.get("diabetes") is False and 35 <= int(str(facts["bmi"])) < 40
    (criterion,) = diff.structure.criteria.changed
    assert criterion.id == "two_minor"
    assert any("at_least(2, [" in d and "-> at_least(3, [" in d for d in criterion.details)


def test_count_text_round_trips() -> None:
    """A count is written back as text that parses to the same tree."""
    expr = parse_expression("exactly(1, [a, b > 2 and c, not d]) or at_most(0, [e])")
    again = parse_expression(to_text(expr))
    assert to_text(again) == to_text(expr)
    assert isinstance(parse_expression("at_least(2, [a, b])"), Count)


def test_a_fact_named_like_a_count_is_still_a_name() -> None:
    """'at_least' without '(' is an ordinary name."""
    assert not isinstance(parse_expression("at_least"), Count)


@pytest.mark.parametrize(("when", "column", "words"), [
    ("at_least(6, [hypertension, gerd, sleep_apnea, dyslipidemia, osteoarthritis])", 20,
     ["at_least counts 5 conditions", "between 0 and 5", "got 6"]),
    ("at_most(-1, [hypertension, gerd])", 19, ["at_most counts 2 conditions", "got -1"]),
    ("exactly(3, [hypertension, gerd])", 19, ["exactly counts 2 conditions", "got 3"]),
    ("at_least(1, [])", 24, ["cannot read the condition", "unexpected ']'"]),
    ("at_least(x, [gerd])", 20, ["cannot read the condition", "a whole number"]),
], ids=["above-length", "negative", "exactly-above", "empty-list", "not-a-number"])
def test_bad_counts_are_located(tmp_path: Path, when: str, column: int,
                                words: list[str]) -> None:
    """A count with a bad number is one located problem; the CLI exits 2 with one line."""
    text = (EXAMPLES / "bariatric.yaml").read_text(encoding="utf-8").replace(
        "at_least(2, [hypertension, sleep_apnea, dyslipidemia, osteoarthritis, gerd])", when)
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_policy(path)
    (problem,) = caught.value.problems
    assert (problem.location.line, problem.location.column) == (15, column)
    message = str(problem)
    for word in words:
        assert word in message
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
