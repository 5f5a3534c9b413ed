"""medpolicy: declarative decision tables for prior-authorization criteria, decided with clingo.

Load a table and a case, then decide::

    from medpolicy import load_policy, load_case

    policy = load_policy("esi")
    case = load_case("examples/cases/seed-004-lumbar-incomplete.yaml", policy)
    decision = decide(policy, case)          # or Decider(policy).decide(case) for many

Also: ``check_policy`` (consistency findings), ``explain`` (the explanation
graph), ``run_suite`` (expected-verdict test suites), ``diff_policies``
(impact of a policy change) and ``run_batch`` (streams of cases).
"""

from importlib.metadata import PackageNotFoundError, version

from medpolicy.errors import (
    ExpressionError,
    InputError,
    LoadError,
    Location,
    MedpolicyError,
    Problem,
    SolverError,
    TooComplexError,
    ValidationError,
)
from medpolicy.solver.batch import run_batch
from medpolicy.solver.check import Checker, CheckReport, Finding, Witness, check_policy, check_table
from medpolicy.solver.decider import Decider, decide
from medpolicy.solver.diff import PolicyDiff, diff_policies
from medpolicy.solver.explanation import Explanation, explain
from medpolicy.solver.result import (
    CriterionStatus,
    Decision,
    FactValue,
    MissingSet,
    Need,
    Reason,
    RowStatus,
)
from medpolicy.solver.testing import SuiteResult, run_suite
from medpolicy.tables.cases import case_from_mapping, load_case, load_cases
from medpolicy.tables.loader import bundled_policies, load_policy, policy_from_text
from medpolicy.tables.model import Case, Criterion, Expectation, Fact, Otherwise, Policy, Row

try:
    __version__ = version("medpolicy")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.1.0"

__all__ = [
    "Case",
    "CheckReport",
    "Checker",
    "Criterion",
    "CriterionStatus",
    "Decider",
    "Decision",
    "Expectation",
    "Explanation",
    "ExpressionError",
    "Fact",
    "FactValue",
    "Finding",
    "InputError",
    "LoadError",
    "Location",
    "MedpolicyError",
    "MissingSet",
    "Need",
    "Otherwise",
    "Policy",
    "PolicyDiff",
    "Problem",
    "Reason",
    "Row",
    "RowStatus",
    "SolverError",
    "SuiteResult",
    "TooComplexError",
    "ValidationError",
    "Witness",
    "__version__",
    "bundled_policies",
    "case_from_mapping",
    "check_policy",
    "check_table",
    "decide",
    "diff_policies",
    "explain",
    "load_case",
    "load_cases",
    "load_policy",
    "policy_from_text",
    "run_batch",
    "run_suite",
]
