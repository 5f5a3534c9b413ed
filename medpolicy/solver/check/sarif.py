"""A check report as SARIF 2.1.0, for code scanning (GitHub, Azure DevOps, IDEs).

One run; ``tool.driver`` names medpolicy with its version and one rule per finding
kind. Each finding is a result: its rule, its level (error, warning, or note for
info), its message, the table file as its location (a URI relative to the current
directory, with the line and column of the row or criterion), the other places it
involves as related locations, and its witness cases under ``properties``. An
accepted finding carries a suppression with the table's reason.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from medpolicy.errors import Location
from medpolicy.solver.check.findings import KINDS, CheckReport, Finding

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
#: Where people learn about the tool (the package's page).
INFORMATION_URI = "https://pypi.org/project/medpolicy/"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
#: The level a kind usually has (a conflict is an error only under 'unique').
_DEFAULT_LEVEL = {
    "conflict": "note", "shadowed_row": "warning", "redundant_row": "warning",
    "unreachable_outcome": "warning", "constant_criterion": "warning",
    "unused_fact": "warning", "unused_criterion": "warning", "irrelevant_fact": "warning",
    "band-island": "warning", "stale_acceptance": "warning",
}


def _rules() -> list[dict[str, Any]]:
    return [
        {
            "id": kind,
            "name": "".join(part.capitalize() for part in kind.replace("-", "_").split("_")),
            "shortDescription": {"text": description[0].upper() + description[1:] + "."},
            "fullDescription": {"text": f"medpolicy check finding '{kind}': {description}. "
                                        "Every finding that a case can show comes with "
                                        "witness cases (under the result's properties)."},
            "defaultConfiguration": {"level": _DEFAULT_LEVEL.get(kind, "error")},
        }
        for kind, description in KINDS.items()
    ]


def _uri(file: str, base: Path) -> str:
    """The file as a URI reference relative to ``base`` (forward slashes, escaped)."""
    try:
        relative = os.path.relpath(file, base)
    except ValueError:  # another drive: keep it absolute
        return Path(file).resolve().as_uri()
    return quote(relative.replace(os.sep, "/"))


def _physical(location: Location, base: Path) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(location.file, base)}}
    if location.line is not None:
        region: dict[str, Any] = {"startLine": location.line}
        if location.column is not None:
            region["startColumn"] = location.column
        physical["region"] = region
    return physical


def _result(finding: Finding, report: CheckReport, rule: int, base: Path) -> dict[str, Any]:
    locations = finding.locations or (Location(report.path),)
    result: dict[str, Any] = {
        "ruleId": finding.kind,
        "ruleIndex": rule,
        "level": _LEVEL[finding.severity],
        "message": {"text": finding.message + (f" (hint: {finding.hint})" if finding.hint else "")},
        "locations": [{"physicalLocation": _physical(locations[0], base)}],
    }
    if len(locations) > 1:
        result["relatedLocations"] = [
            {"id": number, "physicalLocation": _physical(location, base)}
            for number, location in enumerate(locations[1:], start=1)
        ]
    properties: dict[str, Any] = {"rows": list(finding.rows), "criteria": list(finding.criteria),
                                  "facts": list(finding.facts)}
    if finding.witnesses:
        properties["witnesses"] = [w.to_case(report.policy_id) for w in finding.witnesses]
    result["properties"] = properties
    if finding.accepted:
        result["suppressions"] = [{"kind": "inSource", "status": "accepted",
                                   "justification": finding.accepted}]
    return result


def to_sarif(reports: Sequence[CheckReport], base: Path | None = None) -> dict[str, Any]:
    """The SARIF log of the reports of one check run (one or more tables); file URIs are
    relative to ``base`` (the current directory by default)."""
    base = base or Path.cwd()
    rules = _rules()
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    driver: dict[str, Any] = {"name": "medpolicy", "informationUri": INFORMATION_URI,
                              "rules": rules}
    versions = dict(reports[0].engine) if reports else {}
    if "medpolicy" in versions:
        driver["version"] = versions["medpolicy"]
    run: dict[str, Any] = {"tool": {"driver": driver}}
    notes = [note for report in reports for note in report.incomplete]
    if notes:
        run["invocations"] = [{
            "executionSuccessful": True,
            "toolExecutionNotifications": [{"level": "warning", "message": {"text": note}}
                                           for note in notes],
        }]
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            **run,
            "results": [_result(f, report, index[f.kind], base)
                        for report in reports for f in report.findings],
            "properties": {"policies": [
                {"id": r.policy_id, "version": r.version, "sha256": r.sha256} for r in reports
            ]},
        }],
    }


def render_sarif(reports: Sequence[CheckReport], base: Path | None = None) -> str:
    """``check --format sarif``: the SARIF log as JSON text."""
    return json.dumps(to_sarif(reports, base), ensure_ascii=False, indent=1) + "\n"
