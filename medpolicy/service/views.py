"""What the routes answer with, computed on a worker thread: the CLI's own JSON and renderings.

Every function here runs inside ``DecisionPool.run`` and uses the same
library calls, and the same ``to_dict``, as the matching CLI command.
"""

from __future__ import annotations

from typing import Any, Literal

from medpolicy.service.pool import DecisionPool
from medpolicy.tables.model import Case, Policy

ExplainFormat = Literal["svg", "html", "json", "mermaid", "dot"]
View = Literal["why", "full"]

#: The media type of each explanation format.
MEDIA_TYPES: dict[str, str] = {
    "svg": "image/svg+xml",
    "html": "text/html; charset=utf-8",
    "json": "application/json",
    "mermaid": "text/plain; charset=utf-8",
    "dot": "text/vnd.graphviz; charset=utf-8",
}

#: The keys of the next-question answer (DESIGN.md, "Decision service and workbench").
NEXT_QUESTION_KEYS = ("verdict", "next_question", "relevant", "pathways")


def decide(pool: DecisionPool, policy: Policy, cases: list[Case]) -> list[dict[str, Any]]:
    """``decide --format json`` of each case, as dicts (stopping once past the time limit)."""
    decider = pool.decider(policy)
    results = []
    for case in cases:
        pool.check_deadline()
        results.append(decider.decide(case).to_dict())
    return results


def next_question(pool: DecisionPool, policy: Policy, case: Case) -> dict[str, Any]:
    """The next-question answer: a projection of the same ``to_dict`` that decide returns."""
    return project_next_question(pool.decider(policy).decide(case).to_dict())


def project_next_question(result: dict[str, Any]) -> dict[str, Any]:
    """``{"verdict", "next_question", "relevant", "pathways"}`` of a decide result.

    ``next_question``, ``relevant`` and ``pathways`` are v2 keys of the decide
    JSON (DESIGN.md, "The documentation request"); until a result carries them
    they read as null, [] and [] (what DESIGN.md gives for a case with nothing
    left to ask).
    """
    return {
        "verdict": result["verdict"],
        "next_question": result.get("next_question"),
        "relevant": result.get("relevant", []),
        "pathways": result.get("pathways", []),
    }


def explain(pool: DecisionPool, policy: Policy, case: Case, fmt: ExplainFormat,
            view: View) -> str:
    """``explain --format FMT --view VIEW``: the rendering, as text."""
    from medpolicy.explain.explanation import explain as explain_case
    from medpolicy.explain.render import render

    explanation = explain_case(pool.decider(policy), case)
    return render(explanation.view(view), fmt)
