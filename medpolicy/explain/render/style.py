"""How an explanation graph looks: one palette and wording for every renderer.

Each node gets a style key from its kind and status (a matched row also from
its outcome); each key has a fill, a stroke, whether the border is dashed and
the words the legend uses. Each edge role has a colour and a dash pattern.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Look:
    """Fill, stroke and dash of a node style, and its words in the legend."""

    fill: str
    stroke: str
    dashed: bool
    legend: str


NODE_LOOKS: Mapping[str, Look] = {
    "fact-documented": Look("#e3eefb", "#1f5f99", False, "fact documented"),
    "fact-default": Look("#eef1f5", "#6b7f99", True, "fact by default (closed world)"),
    "fact-unknown": Look("#fff1c9", "#a86b00", True, "fact unknown"),
    "criterion-met": Look("#dcf1e0", "#2e7d32", False, "criterion met"),
    "criterion-not_met": Look("#ececec", "#6d6d6d", False, "criterion not met"),
    "criterion-unknown": Look("#fff1c9", "#a86b00", True, "criterion unknown"),
    "criterion-not_applicable": Look("#ffffff", "#b5b5b5", True, "criterion not applicable"),
    "row-matched-deny": Look("#f8d4d4", "#b71c1c", False, "row matched: deny"),
    "row-matched-refer": Look("#e4dcf5", "#4527a0", False, "row matched: refer"),
    "row-matched-pend": Look("#ffe2c2", "#c05600", False, "row matched: pend"),
    "row-matched-approve": Look("#dcf1e0", "#2e7d32", False, "row matched: approve"),
    "row-open": Look("#fff1c9", "#a86b00", True, "row open (matches in some completions)"),
    "row-excluded": Look("#ececec", "#6d6d6d", False, "row excluded"),
    "verdict-approve": Look("#2e7d32", "#1b5e20", False, "verdict: approve"),
    "verdict-deny": Look("#b71c1c", "#7f0000", False, "verdict: deny"),
    "verdict-pend": Look("#c96a00", "#8a4600", False, "verdict: pend"),
    "verdict-refer": Look("#4527a0", "#311b92", False, "verdict: refer"),
}

#: Colour and SVG dash pattern ("" for solid) of each edge role, and its legend words.
EDGE_LOOKS: Mapping[str, tuple[str, str, str]] = {
    "supports": ("#2e7d32", "", "supports (pushes its target to hold)"),
    "blocks": ("#c62828", "7 4", "blocks (pushes its target not to hold)"),
    "undecided": ("#a86b00", "2 4", "undecided (the value is still open)"),
}

#: Stroke of a fact the documentation request or a counterfactual names.
FLAG_STROKE = "#6a1b9a"

STATUS_WORDS: Mapping[str, str] = {
    "met": "met", "not_met": "not met", "unknown": "unknown",
    "not_applicable": "not applicable", "matched": "matched", "open": "open",
    "excluded": "excluded",
}

LAYER_TITLES = ("Facts", "Criteria", "Rows", "If no row matches", "Verdict")


def style_key(attrs: Mapping[str, Any]) -> str:
    """The style of a node: kind and status (rows and ``otherwise`` alike)."""
    kind, status = attrs["kind"], attrs["status"]
    if kind == "otherwise":
        kind = "row"
    if kind == "row" and status == "matched":
        return f"row-matched-{attrs['outcome']}"
    return f"{kind}-{status}"


def flagged(attrs: Mapping[str, Any]) -> bool:
    """A fact the documentation request or a counterfactual names."""
    return bool(attrs.get("requested") or attrs.get("changes"))


def status_line(attrs: Mapping[str, Any]) -> str:
    """The second line of a node's box: its value or status in words."""
    kind = attrs["kind"]
    if kind == "fact":
        line = str(attrs["display"])
        if attrs.get("requested"):
            line += " · requested"
        if attrs.get("changes"):
            line += " · would change"
        return line
    if kind in ("row", "otherwise"):
        return f"{attrs['outcome']} · {STATUS_WORDS[attrs['status']]}"
    if kind == "verdict":
        return "undetermined" if attrs["undetermined"] else "certain"
    return STATUS_WORDS[attrs["status"]]


def need_text(need: Mapping[str, Any]) -> str:
    """What a fact must show, with its unit: ``>= 4 weeks``, ``fluoroscopy or ct``."""
    unit = need.get("unit")
    needs = str(need["needs"])
    return f"{needs} {unit}" if unit and needs != "any value" else needs


def from_text(need: Mapping[str, Any]) -> str:
    """A counterfactual's old value: ``49``, ``false (default)``, or unknown."""
    if "from" not in need:
        return "unknown"
    value = need["from"]
    text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return f"{text} (default)" if need.get("from_source") == "default" else text


def change_text(need: Mapping[str, Any]) -> str:
    """One fact of a counterfactual: ``prior_relief_percent: 49 -> 50 to 100 percent``."""
    if "from" not in need:
        return f"{need['fact']}: unknown -> document {need_text(need)}"
    return f"{need['fact']}: {from_text(need)} -> {need_text(need)}"
