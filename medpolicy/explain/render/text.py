"""An explanation graph as an indented tree for the terminal.

The verdict is the root; under each node, the nodes that explain it (its
inputs in the view), each with the role it played. A node reached twice is
shown once in full and then marked ``(see above)``. After the tree, the
documentation request (pend) or what would have to be different (deny).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from medpolicy.explain.graph import VERDICT
from medpolicy.explain.render.style import STATUS_WORDS, change_text, need_text
from medpolicy.textsafe import visible

_KIND_ORDER = {"row": 0, "otherwise": 1, "criterion": 2, "fact": 3}


def node_text(attrs: Mapping[str, Any]) -> str:
    """One node on one line: kind, name, status and the words that matter."""
    kind, label = attrs["kind"], attrs["label"]
    if kind == "fact":
        if attrs["status"] == "unknown":
            flag = " (requested)" if attrs["requested"] else ""
            return f"fact {label}: unknown{flag} — {attrs['question']}".rstrip(" —")
        return f"fact {label} = {attrs['display']}"
    if kind == "criterion":
        return f"criterion {label}: {STATUS_WORDS[attrs['status']]}  ({attrs['when']})"
    if kind in ("row", "otherwise"):
        cites = f" [{', '.join(attrs['sources'])}]" if attrs["sources"] else ""
        head = "row " if kind == "row" else ""
        return (f"{head}{label} ({attrs['outcome']}, {STATUS_WORDS[attrs['status']]}): "
                f"{attrs['reason']}{cites}")
    return str(attrs["text"])


def _children(graph: Any, node: str) -> list[tuple[str, str]]:
    index = {n: i for i, n in enumerate(graph.nodes)}
    found = [(source, role) for source, _, role in graph.in_edges(node, data="role")]
    return sorted(found, key=lambda c: (_KIND_ORDER[graph.nodes[c[0]]["kind"]], index[c[0]]))


def _tree(graph: Any) -> list[str]:
    lines = [node_text(graph.nodes[VERDICT])]
    shown: set[str] = set()

    def walk(node: str, prefix: str) -> None:
        children = _children(graph, node)
        for number, (child, role) in enumerate(children):
            last = number == len(children) - 1
            again = child in shown and bool(graph.in_edges(child))
            mark = " (see above)" if again else ""
            lines.append(f"{prefix}{'└── ' if last else '├── '}[{role}] "
                         f"{node_text(graph.nodes[child])}{mark}")
            if not again:
                shown.add(child)
                walk(child, prefix + ("    " if last else "│   "))

    walk(VERDICT, "")
    return lines


def _alternatives(title: str, intro: str, alternatives: list[Any], changes: bool) -> list[str]:
    out = ["", f"{title}: {intro}:"]
    for number, alternative in enumerate(alternatives, 1):
        cost = sum(n["cost"] for n in alternative)
        out.append(f"  {'Change' if changes else 'Alternative'} {number} (cost {cost}):")
        for need in alternative:
            if changes:
                out.append(f"    - {change_text(need)}")
            else:
                question = f" — {need['question']}" if need["question"] else ""
                out.append(f"    - {need['fact']}: {need_text(need)}{question}")
    return out


def render_tree(graph: Any) -> str:
    """The graph as an indented tree, then what to document or what would change it."""
    info = graph.graph
    policy = info["policy"]
    out = [f"Case {info['case']} — policy {policy['id']} {policy['version']}: {policy['title']} "
           f"({info['view']} view)", ""]
    out += _tree(graph)
    if info["missing"]:
        out += _alternatives("Documentation request", "any one of these alternatives would "
                             "approve the request (cheapest first)", info["missing"], False)
    elif info["undetermined"]:
        out += ["", "No documentation can lead to approval: every completion of the unknown "
                "facts is denied, referred or pended."]
    if info["verdict"] in ("deny", "refer") or (info["undetermined"] and not info["missing"]):
        if info["counterfactuals"]:
            out += _alternatives("What would have to be different", "any one of these changes "
                                 "would make the request approvable (cheapest first)",
                                 info["counterfactuals"], True)
        else:
            out += ["", "What would have to be different: no change to the documented facts "
                    "can lead to approval."]
    return "\n".join(visible(line) for line in out) + "\n"
