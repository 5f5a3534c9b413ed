"""The overlay section of ``medpolicy diff BASE OVERLAY``, in each output format."""

from __future__ import annotations

import json

from medpolicy.tables.overlay_summary import OverlaySummary
from medpolicy.textsafe import markdown_text, visible

TITLE = "Overlay edits"


def with_overlay(fmt: str, rendered: str, summary: OverlaySummary | None) -> str:
    """The rendered diff with the overlay's edits added (unchanged when there is none)."""
    if summary is None:
        return rendered
    if fmt == "json":
        body = rendered.rstrip()
        assert body.endswith("}")
        section = json.dumps(summary.to_dict(), ensure_ascii=False)
        return f'{body[:-1]}, "overlay": {section}}}\n'
    if fmt == "markdown":
        lines = [f"- {markdown_text(line)}" for line in summary.lines()]
        return rendered + "\n".join(["", f"### {TITLE}", "", *lines]) + "\n"
    lines = [f"  {visible(line)}" for line in summary.lines()]
    return rendered + "\n".join(["", f"{TITLE}:", *lines]) + "\n"

