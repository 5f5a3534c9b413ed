"""A policy diff for people and programs: terminal text, Markdown, JSON.

The JSON form is derived here, in one place, from the result objects; text
and Markdown say the same things: every kind of verdict change with where it
shows, the rows responsible, the facts that set affected cases apart, and
witness cases; or that no case changes; then the structural summary.
"""

from __future__ import annotations

import json
import textwrap
from datetime import date
from typing import Any

from medpolicy.solver.decide.result import Decision
from medpolicy.solver.diff.engine import PolicyDiff, VerdictChange, Witness
from medpolicy.solver.diff.structure import Section, StructuralDiff
from medpolicy.tables.decimals import json_default
from medpolicy.tables.expr import format_value
from medpolicy.tables.model import Policy

NO_CHANGE = ("No semantic change: the two tables decide every case alike "
             "(proven over every complete and partial case, not sampled).")


def _name(policy: Policy) -> str:
    return f"{policy.id} {policy.version} ({policy.path})"


def _decided(decision: Decision) -> str:
    rows = ", ".join(r.row for r in decision.reasons)
    return f"{decision.verdict} ({rows})" if rows else decision.verdict


def _where(change: VerdictChange) -> str:
    return "complete cases" if change.on_complete else "partial cases only"


def _witness_title(number: int, witness: Witness) -> str:
    kind = ("complete, facts at their default not shown" if witness.complete
            else f"partial, unknown: {', '.join(witness.unknown)}")
    dated = (f", service date {witness.old.service_date}"
             if witness.old.service_date and _has_dates(witness) else "")
    return (f"witness {number} ({kind}{dated}): old {_decided(witness.old)}, "
            f"new {_decided(witness.new)}")


def _has_dates(witness: Witness) -> bool:
    return any(isinstance(v, date) for v in witness.facts.values())


def _at_default(diff: PolicyDiff, name: str, value: object) -> bool:
    """Whether every table that has the fact would fill in this value itself."""
    facts = [p.fact_map[name] for p in (diff.old, diff.new) if name in p.fact_map]
    return all(f.default is not None and f.default == value for f in facts)


def _ordered_facts(diff: PolicyDiff, change: VerdictChange,
                   witness: Witness) -> list[tuple[str, str]]:
    """Documented facts, those that set affected cases apart first, defaults left out."""
    first = [r.fact for r in change.affected if r.fact in witness.facts]
    names = first + [n for n in witness.facts if n not in first]
    return [(n, format_value(witness.facts[n])) for n in names
            if not _at_default(diff, n, witness.facts[n])]


def _section_lines(title: str, section: Section) -> list[str]:
    lines = []
    if section.added:
        lines.append(f"{title} added: {', '.join(section.added)}")
    if section.removed:
        lines.append(f"{title} removed: {', '.join(section.removed)}")
    if section.renamed:
        lines.append(f"{title} renamed: "
                     + ", ".join(f"{a} -> {b}" for a, b in section.renamed))
    lines += [f"{title} changed: {c.id}: {'; '.join(c.details)}" for c in section.changed]
    return lines


def structure_lines(structure: StructuralDiff) -> list[str]:
    """The structural summary, one line per finding."""
    lines = list(structure.settings)
    for title, section in (("facts", structure.facts), ("criteria", structure.criteria),
                           ("rows", structure.rows), ("thresholds", structure.thresholds),
                           ("citations", structure.citations)):
        lines += _section_lines(title, section)
    if structure.row_order:
        lines.append("row order changed (it matters only under hit policy first)")
    return lines or ["no structural change"]


def render_text(diff: PolicyDiff) -> str:
    """The diff for the terminal."""
    out = [f"diff {_name(diff.old)} -> {_name(diff.new)}", ""]
    if not diff.changed:
        out.append(NO_CHANGE)
    else:
        out.append(f"Verdict changes ({len(diff.changes)} kinds):")
        for change in diff.changes:
            out += ["", f"{change.label}  ({_where(change)})",
                    f"  rows: old {', '.join(change.rows_old) or '-'}; "
                    f"new {', '.join(change.rows_new) or '-'}"]
            if change.affected:
                out.append(f"  affected cases (against all cases the old table "
                           f"decides {change.before}):")
                out += [f"    {r.fact}: {r.values} (all: {r.among})" for r in change.affected]
            for number, witness in enumerate(change.witnesses, 1):
                out.append(f"  {_witness_title(number, witness)}")
                facts = ", ".join(f"{n}: {v}" for n, v in _ordered_facts(diff, change, witness))
                out += textwrap.wrap(facts, width=100, initial_indent="    ",
                                     subsequent_indent="    ")
    out += ["", "Structure:"]
    out += [f"  {line}" for line in structure_lines(diff.structure)]
    return "\n".join(out) + "\n"


def render_markdown(diff: PolicyDiff) -> str:
    """The diff in Markdown, ready to paste into a change request."""
    old, new = diff.old, diff.new
    out = [f"## Policy change: {old.id} {old.version} → {new.id} {new.version}", ""]
    if not diff.changed:
        out += [f"**{NO_CHANGE}**", ""]
    else:
        out += [f"**Semantic impact:** {len(diff.changes)} kinds of verdict change.", "",
                "| change | shows on | rows (old) | rows (new) | witnesses |",
                "|---|---|---|---|---|"]
        out += [f"| {c.before} → {c.after} | {_where(c)} | {', '.join(c.rows_old)} | "
                f"{', '.join(c.rows_new)} | {len(c.witnesses)} |" for c in diff.changes]
        for change in diff.changes:
            out += ["", f"### {change.before} → {change.after}", ""]
            if change.affected:
                out += [f"Affected cases, against all cases the old table decides "
                        f"{change.before}:", ""]
                out += [f"- `{r.fact}`: {r.values} (all: {r.among})" for r in change.affected]
                out.append("")
            for number, witness in enumerate(change.witnesses, 1):
                out += ["<details>", f"<summary>{_witness_title(number, witness)}</summary>", "",
                        "| fact | value |", "|---|---|"]
                out += [f"| `{n}` | {v} |" for n, v in _ordered_facts(diff, change, witness)]
                out += [f"| `{n}` | *unknown* |" for n in witness.unknown]
                out += ["", "</details>", ""]
    out += ["", "### Structural changes", ""]
    out += [f"- {line}" for line in structure_lines(diff.structure)]
    return "\n".join(out) + "\n"


def _witness_dict(witness: Witness) -> dict[str, Any]:
    dated = ({"service_date": witness.old.service_date}
             if witness.old.service_date and _has_dates(witness) else {})
    return dated | {
        "complete": witness.complete,
        "facts": dict(witness.facts),
        "unknown": list(witness.unknown),
        "old": {"verdict": witness.old.verdict, "reasons": [r.row for r in witness.old.reasons]},
        "new": {"verdict": witness.new.verdict, "reasons": [r.row for r in witness.new.reasons]},
    }


def to_dict(diff: PolicyDiff) -> dict[str, Any]:
    """The JSON form of ``medpolicy diff --format json``."""
    def ref(policy: Policy) -> dict[str, str]:
        return {"id": policy.id, "version": policy.version, "sha256": policy.sha256,
                "path": policy.path}

    return {
        "old": ref(diff.old),
        "new": ref(diff.new),
        "changed": diff.changed,
        "changes": [{
            "from": c.before,
            "to": c.after,
            "on_complete_cases": c.on_complete,
            "rows": {"old": list(c.rows_old), "new": list(c.rows_new)},
            "affected": [{"fact": r.fact, "values": r.values, "among": r.among, "key": r.key}
                         for r in c.affected],
            "witnesses": [_witness_dict(w) for w in c.witnesses],
        } for c in diff.changes],
        "structure": diff.structure.to_dict(),
    }


def render_json(diff: PolicyDiff) -> str:
    """One JSON object."""
    return json.dumps(to_dict(diff), ensure_ascii=False, default=json_default) + "\n"
