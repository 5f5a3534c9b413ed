"""The JSON Schema of a decide result: one schema for the CLI and the service.

``medpolicy schema --result`` prints it, and the service's ``/openapi.json``
embeds it as the response schema of ``decide``, so a program reading either
validates against the same document. Importing this module loads no solver.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any


def result_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one ``decide --format json`` result, as a fresh dict."""
    text = resources.files("medpolicy.solver.decide").joinpath("result.schema.json")
    schema: dict[str, Any] = json.loads(text.read_text("utf-8"))
    return schema
