"""A determination in Markdown with its explanation graph as a Mermaid diagram.

The text is ``report.render_markdown`` (with the counterfactuals of a denial);
the graph follows in a fenced ``mermaid`` block, which GitHub and GitLab draw.
"""

from __future__ import annotations

from medpolicy.explain.explanation import Explanation
from medpolicy.explain.graph import View
from medpolicy.explain.render.mermaid import render_mermaid
from medpolicy.explain.report import render_markdown
from medpolicy.tables.model import Policy


def render_explanation_markdown(explanation: Explanation, policy: Policy, view: View) -> str:
    """The Markdown determination, what would change a denial, and the Mermaid graph."""
    wants = explanation.wants_counterfactuals
    text = render_markdown(explanation.decision, policy,
                           explanation.counterfactuals if wants else None)
    graph = render_mermaid(explanation.view(view))
    title = "only what decided the verdict" if view == "why" else "the whole table"
    return f"{text}\n### Explanation graph ({title})\n\n```mermaid\n{graph}```\n"
