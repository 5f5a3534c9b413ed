"""medpolicy: declarative decision tables for prior-authorization criteria, decided with clingo.

Load a table and a case, then decide::

    from medpolicy import load_policy, load_case, decide

    policy = load_policy("esi")
    case = load_case("examples/cases/seed-004-lumbar-incomplete.yaml", policy)
    decision = decide(policy, case)          # or Decider(policy).decide(case) for many

Also: ``check_policy`` (consistency findings), ``explain`` (the explanation
graph), ``run_suite`` (expected-verdict test suites), ``diff_policies``
(impact of a policy change) and ``run_batch`` (streams of cases).

Every public name is imported on first use (PEP 562), so ``import medpolicy``
loads neither clingo nor networkx; the error classes are cheap and eager.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from medpolicy.batch.engine import run_batch
    from medpolicy.explain.explanation import Explanation, explain
    from medpolicy.solver.check import (
        Checker,
        CheckReport,
        Finding,
        Witness,
        check_policy,
        check_table,
    )
    from medpolicy.solver.decide.decider import Decider, decide
    from medpolicy.solver.decide.result import (
        CriterionStatus,
        Decision,
        FactValue,
        MissingSet,
        Need,
        Reason,
        RowStatus,
    )
    from medpolicy.solver.diff.engine import PolicyDiff, diff_policies
    from medpolicy.suite.runner import SuiteResult, run_suite
    from medpolicy.tables.cases import case_from_mapping, load_case, load_cases
    from medpolicy.tables.loader import bundled_policies, load_policy, policy_from_text
    from medpolicy.tables.model import (
        Case,
        Criterion,
        Expectation,
        Fact,
        Otherwise,
        Policy,
        Row,
    )

#: Where each lazily imported public name lives.
_LAZY: dict[str, str] = {
    "run_batch": "medpolicy.batch.engine",
    "Explanation": "medpolicy.explain.explanation",
    "explain": "medpolicy.explain.explanation",
    "Checker": "medpolicy.solver.check",
    "CheckReport": "medpolicy.solver.check",
    "Finding": "medpolicy.solver.check",
    "Witness": "medpolicy.solver.check",
    "check_policy": "medpolicy.solver.check",
    "check_table": "medpolicy.solver.check",
    "Decider": "medpolicy.solver.decide.decider",
    "decide": "medpolicy.solver.decide.decider",
    "CriterionStatus": "medpolicy.solver.decide.result",
    "Decision": "medpolicy.solver.decide.result",
    "FactValue": "medpolicy.solver.decide.result",
    "MissingSet": "medpolicy.solver.decide.result",
    "Need": "medpolicy.solver.decide.result",
    "Reason": "medpolicy.solver.decide.result",
    "RowStatus": "medpolicy.solver.decide.result",
    "PolicyDiff": "medpolicy.solver.diff.engine",
    "diff_policies": "medpolicy.solver.diff.engine",
    "SuiteResult": "medpolicy.suite.runner",
    "run_suite": "medpolicy.suite.runner",
    "case_from_mapping": "medpolicy.tables.cases",
    "load_case": "medpolicy.tables.cases",
    "load_cases": "medpolicy.tables.cases",
    "bundled_policies": "medpolicy.tables.loader",
    "load_policy": "medpolicy.tables.loader",
    "policy_from_text": "medpolicy.tables.loader",
    "Case": "medpolicy.tables.model",
    "Criterion": "medpolicy.tables.model",
    "Expectation": "medpolicy.tables.model",
    "Fact": "medpolicy.tables.model",
    "Otherwise": "medpolicy.tables.model",
    "Policy": "medpolicy.tables.model",
    "Row": "medpolicy.tables.model",
}


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("medpolicy")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "0.1.0"


def __getattr__(name: str) -> Any:
    if name == "__version__":
        value: Any = _version()
    elif name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    else:
        raise AttributeError(f"module 'medpolicy' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


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
