"""The JSON Schema of the table format (draft 2020-12).

Editors use it for completion and help: a table's first line
``# yaml-language-server: $schema=../policy.schema.json`` points at it, and
``medpolicy schema`` prints it. The schema describes the shape of a table;
``tables.validate`` checks the same rules and more (references, cycles,
expression types) with line and column in every message.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any


def policy_schema() -> dict[str, Any]:
    """The JSON Schema of a policy table, as a fresh dict."""
    text = resources.files("medpolicy.tables").joinpath("policy.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
