"""Consistency checks of a decision table, each finding with witness cases.

``check_policy(policy)`` (or ``Checker(policy).run()``) returns a
``CheckReport``; ``check_table(path_or_name)`` also turns validation problems
of a table file into findings. ``render_text`` writes a report for people.
"""

from medpolicy.solver.check.engine import Checker, check_policy, check_table
from medpolicy.solver.check.findings import (
    KINDS,
    SEVERITIES,
    CheckReport,
    CheckStats,
    Finding,
    Severity,
    Witness,
)
from medpolicy.solver.check.render import render_text

__all__ = [
    "KINDS",
    "SEVERITIES",
    "CheckReport",
    "CheckStats",
    "Checker",
    "Finding",
    "Severity",
    "Witness",
    "check_policy",
    "check_table",
    "render_text",
]
