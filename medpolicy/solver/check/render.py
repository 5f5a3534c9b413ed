"""A check report for people: findings grouped by severity, witnesses as YAML."""

from __future__ import annotations

import textwrap
from collections import Counter
from collections.abc import Mapping, Sequence
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
    """``2 errors, 1 warning, 0 info`` (``, 1 accepted`` when some are), or ``no findings``."""
    if not report.findings:
        return "no findings"
    errors, warnings = report.count("error"), report.count("warning")
    line = (f"{errors} error{'s' if errors != 1 else ''}, "
            f"{warnings} warning{'s' if warnings != 1 else ''}, {report.count('info')} info")
    return line + (f", {len(report.accepted)} accepted" if report.accepted else "")


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


def render_text(report: CheckReport, least: Severity = "warning") -> str:
    """The report as terminal text, errors first, down to severity ``least`` (findings
    below it summarized in one line); findings of one kind about the same row or
    criterion grouped under a count; accepted findings last, one line each. The summary
    line (which counts every finding that is not accepted) ends the report, or is on
    the heading when nothing else is shown: the verdict is printed once."""
    name = f"{report.policy_id} {report.version}".strip()
    lines = [f"check {name} ({report.path})"]
    open_findings = [f for f in report.findings if not f.accepted]
    shown = SEVERITIES[: SEVERITIES.index(least) + 1]
    for severity in shown:
        group = [f for f in open_findings if f.severity == severity]
        if not group:
            continue
        lines.append("")
        lines.append(f"{_HEADINGS[severity]} ({len(group)})")
        for subject, members in _by_subject(group):
            if len(members) > 1:
                lines.append(f"{severity}[{members[0].kind}] x{len(members)} about {subject}:")
            for finding in members:
                lines.extend(_finding(finding, report.policy_id))
    if report.accepted:
        lines.append("")
        lines.append(f"Accepted ({len(report.accepted)})")
        lines.extend(_accepted(f) for f in report.accepted)
    if report.incomplete:
        lines.append("")
        lines.extend(_escape(f"Incomplete: {note}") for note in report.incomplete)
    detailed = len(lines) > 1
    hidden = [f for f in open_findings if f.severity not in shown]
    if hidden:
        lines.append("")
        lines.append(hidden_line(hidden))
    # The verdict once: on the heading when no finding is shown, else as the last line.
    if not detailed:
        lines[0] = f"{lines[0]}: {summary_line(report)}"
        return "\n".join(lines) + "\n"
    lines.append("")
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


def hidden_line(hidden: Sequence[Finding]) -> str:
    """One line for the findings not shown: counts by severity and kind, and how to show
    them."""
    parts = []
    for severity in SEVERITIES:
        kinds = Counter(f.kind for f in hidden if f.severity == severity)
        if kinds:
            counts = ", ".join(f"{n:,} {kind}" for kind, n in sorted(kinds.items()))
            parts.append(f"{severity}: {counts}")
    least = SEVERITIES[max(SEVERITIES.index(f.severity) for f in hidden)]
    return f"Not shown ({'; '.join(parts)}): show them with --severity {least}"


def _by_subject(findings: Sequence[Finding]) -> list[tuple[str, list[Finding]]]:
    """Findings grouped by kind and what they are first about (a row, criterion or fact),
    in order of first appearance."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        if finding.rows:
            subject = f"row '{finding.rows[0]}'"
        elif finding.criteria:
            subject = f"criterion '{finding.criteria[0]}'"
        elif finding.facts:
            subject = f"fact '{finding.facts[0]}'"
        else:
            subject = f"line {finding.locations[0].line}" if finding.locations else "the table"
        groups.setdefault((finding.kind, subject), []).append(finding)
    return [(subject, members) for (_kind, subject), members in groups.items()]


def _accepted(finding: Finding) -> str:
    where = f"  {finding.where}" if finding.where else ""
    return _escape(f"accepted[{finding.kind}]{where}  {finding.accepted}")


def _escape(text: str) -> str:
    """Control characters (newlines included) shown as escapes, so one line stays one."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
