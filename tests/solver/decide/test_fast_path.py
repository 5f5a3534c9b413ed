"""The complete-case fast path: the same decision as the solver, and actually taken."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from hypothesis import event, given
from hypothesis import strategies as st

from medpolicy import Case, Policy, case_from_mapping, load_policy
from medpolicy.explain.explanation import explain
from medpolicy.solver.decide.decider import Decider
from medpolicy.suite.casegen import CaseGenerator
from medpolicy.tables.cases import load_cases
from tests import reference
from tests.reference import SERVICE_DATE
from tests.strategies import policies
from tests.strategies_text import DATE_KINDS, DECIMAL_KINDS, count_tables


@st.composite
def _near_complete_case(draw: Any, policy: Policy) -> Case:
    """Most facts documented (each left out with probability 1/5), through the case reader."""
    facts = {}
    for fact in policy.facts:
        if draw(st.integers(0, 4)) > 0:
            facts[fact.name] = draw(st.sampled_from(reference.concrete_domain(fact, policy)))
    return case_from_mapping({"id": "random-case", "service_date": SERVICE_DATE.isoformat(),
                              "facts": facts}, policy)


EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "cases"

_TABLES = st.one_of(
    policies(),
    count_tables(),
    count_tables(DECIMAL_KINDS),
    count_tables(DATE_KINDS),
)


@st.composite
def _tables_and_cases(draw: Any) -> tuple[Policy, Case]:
    policy = draw(_TABLES)
    return policy, draw(_near_complete_case(policy))


def _graph(graph: Any) -> tuple[Any, ...]:
    """A networkx graph as comparable data: attributes, nodes and edges with theirs."""
    return (dict(graph.graph), sorted(graph.nodes(data=True), key=repr),
            sorted(graph.edges(data=True), key=repr))


@given(_tables_and_cases())
def test_fast_path_decides_as_the_solver(table_and_case: tuple[Policy, Case]) -> None:
    """Decision, JSON and explanation graphs equal the solver path's; verdict the reference's."""
    policy, case = table_and_case
    fast, solver = Decider(policy), Decider(policy, fast_path=False)
    decision = fast.decide(case)
    expected = solver.decide(case)
    assert decision == expected
    assert decision.to_json() == expected.to_json()
    assert decision.verdict == reference.verdict(policy, case.facts)
    assert solver.fast_calls == 0
    event("fast path" if fast.fast_calls else "solver path")
    ours, theirs = explain(fast, case), explain(solver, case)
    assert _graph(ours.full) == _graph(theirs.full)
    assert _graph(ours.why) == _graph(theirs.why)


def test_complete_cases_take_the_fast_path() -> None:
    """Complete esi cases are decided without a solve: the decider counts no clingo call."""
    policy = load_policy("esi")
    decider = Decider(policy)
    generator = CaseGenerator(policy, seed=3)
    for kind in ("approve", "deny"):
        for n in range(20):
            decider.decide(Case(f"{kind}-{n}", generator.facts(kind), policy.id))
    assert (decider.fast_calls, decider.solved_calls) == (40, 0)
    assert "ctl" not in vars(decider)  # nothing was grounded


def test_a_case_the_known_facts_do_not_settle_goes_to_the_solver() -> None:
    """The empty esi case (every row open) is solved, not evaluated."""
    policy = load_policy("esi")
    decider = Decider(policy)
    decider.decide(Case("empty", {}, policy.id))
    assert decider.solved_calls >= 1
    assert decider.fast_calls == 0


def test_unknown_facts_that_no_settled_row_needs_still_take_the_fast_path() -> None:
    """A real chart leaving facts unknown that the case makes irrelevant is not solved."""
    policy = load_policy("esi")
    (case,) = load_cases([EXAMPLES / "seed-000-cervical-repeat.yaml"], policy)
    decider = Decider(policy)
    assert decider.decide(case).verdict == "approve"
    assert (decider.fast_calls, decider.solved_calls) == (1, 0)
    assert any(f.source == "unknown" for f in decider.decide(case).facts)


def test_one_complete_case_from_the_command_line_loads_no_clingo() -> None:
    """``medpolicy decide`` on a case the fast path settles never imports clingo."""
    script = (
        "import sys\n"
        "from medpolicy.cli import cli\n"
        f"cli(['decide', 'esi', {str(EXAMPLES / 'seed-000-cervical-repeat.yaml')!r}], "
        "standalone_mode=False)\n"
        "print('clingo' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    assert done.stdout.splitlines()[-1] == "False"


def test_the_fast_path_can_be_turned_off() -> None:
    """With ``fast_path=False`` every case is solved."""
    policy = load_policy("esi")
    decider = Decider(policy, fast_path=False)
    decider.decide(Case("complete", CaseGenerator(policy, seed=3).facts("approve"), policy.id))
    assert (decider.fast_calls, decider.solved_calls) == (0, 1)
