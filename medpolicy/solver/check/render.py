"""A check report for people: findings grouped by severity, witnesses as YAML."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache

import yaml

from medpolicy.solver.check.findings import SEVERITIES, CheckReport, Finding, Severity
from medpolicy.tables.decimals import represent_decimal

_HEADINGS = {"error": "Errors", "warning": "Warnings", "info": "Info"}
_BASE = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_BASE):  # type: ignore[misc, valid-type]
    """The safe dumper, writing decimals as plain numbers in table units."""


_Dumper.add_representer(Decimal, represent_decimal)
_DUMPER = _Dumper


def summary_line(report: CheckReport) -> str:
    """``2 errors, 1 warning, 0 info`` (or ``no findings``)."""
    if not report.findings:
        return "no findings"
    errors, warnings = report.count("error"), report.count("warning")
    return (f"{errors} error{'s' if errors != 1 else ''}, "
            f"{warnings} warning{'s' if warnings != 1 else ''}, {report.count('info')} info")


def witness_yaml(case: Mapping[str, object]) -> str:
    """A witness case as a YAML document that ``medpolicy decide`` reads as it is.

    Each key is dumped on its own by the safe dumper; the lines of ``facts`` are
    dumped once per fact and value and reused (a large report repeats them).
    """
    parts = []
    for key, value in case.items():
        if key == "facts" and isinstance(value, Mapping) and value:
            parts.append("facts:\n")
            parts.extend(_fact_line(name, type(v).__name__, v) for name, v in value.items())
        else:
            parts.append(_dump({key: value}))
    return "".join(parts)


def _dump(data: object) -> str:
    return yaml.dump(data, Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=1 << 30)


@lru_cache(maxsize=1 << 16)
def _fact_line(name: str, kind: str, value: object) -> str:
    """``  name: value`` (``kind`` keeps true and 1 apart in the cache)."""
    return "  " + _dump({name: value})


def _finding(finding: Finding, policy_id: str) -> list[str]:
    where = f"  {finding.where}" if finding.where else ""
    lines = [f"{finding.severity}[{finding.kind}]{where}"]
    lines.extend(f"    also {loc.file}:{loc.line}" for loc in finding.locations[1:]
                 if loc.line is not None)
    lines.extend(textwrap.wrap(finding.message, 96, initial_indent="    ",
                               subsequent_indent="    ", break_on_hyphens=False))
    if finding.hint:
        lines.extend(textwrap.wrap(f"hint: {finding.hint}", 96, initial_indent="    ",
                                   subsequent_indent="      ", break_on_hyphens=False))
    count = len(finding.witnesses)
    for number, witness in enumerate(finding.witnesses, start=1):
        label = "witness" if count == 1 else f"witness {number} of {count}"
        lines.append(f"    {label}:")
        text = witness_yaml(witness.to_case(policy_id))
        lines.extend("      " + line for line in text.rstrip("\n").split("\n"))
    return lines


def render_text(report: CheckReport, least: Severity = "info") -> str:
    """The report as terminal text, errors first, down to severity ``least``; ends with the
    summary line (which counts every finding)."""
    name = f"{report.policy_id} {report.version}".strip()
    lines = [f"check {name} ({report.path}): {summary_line(report)}"]
    for severity in SEVERITIES[: SEVERITIES.index(least) + 1]:
        group = [f for f in report.findings if f.severity == severity]
        if not group:
            continue
        lines.append("")
        lines.append(f"{_HEADINGS[severity]} ({len(group)})")
        for finding in group:
            lines.extend(_finding(finding, report.policy_id))
    lines.append("")
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"
