"""The impact of a policy change on a case population: every verdict transition, counted.

``ImpactTally`` takes, case by case, the outcome under the old table and
under the new one (a verdict, or ``error`` for a case that one version cannot
read) with the rows that decided each, and ``Impact`` reports every
transition (``approve -> pend`` ...) with its count, its share of the
population, the first example case ids (in input order) and the rows
responsible on either side (how many cases of the transition each row
decided). Changed transitions come first, largest first; unchanged ones
follow. Text and JSON are derived here; the text escapes ids and row names.

Who decides the cases (a batch engine) is not this module's concern: see
``medpolicy.batch.impact``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from medpolicy.tables.model import OUTCOMES

#: The outcome of a case that a version could not decide (a bad record for it).
ERROR = "error"
STATES: tuple[str, ...] = (*OUTCOMES, ERROR)
#: Example case ids kept per transition.
DEFAULT_EXAMPLES = 5
#: Rows shown per side of a transition.
_ROWS_SHOWN = 5


@dataclass(frozen=True)
class Transition:
    """Cases decided ``before`` under the old table and ``after`` under the new one."""

    before: str
    after: str
    count: int
    share: float
    examples: tuple[str, ...]
    old_rows: tuple[tuple[str, int], ...]
    new_rows: tuple[tuple[str, int], ...]

    @property
    def changed(self) -> bool:
        return self.before != self.after

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.before,
            "to": self.after,
            "changed": self.changed,
            "count": self.count,
            "share": round(self.share, 6),
            "examples": list(self.examples),
            "rows": {
                "old": [{"row": r, "cases": n} for r, n in self.old_rows],
                "new": [{"row": r, "cases": n} for r, n in self.new_rows],
            },
        }


@dataclass(frozen=True)
class Impact:
    """Every verdict transition of a population between two versions of a table."""

    old: str
    new: str
    cases: int
    transitions: tuple[Transition, ...]

    @property
    def changed(self) -> int:
        """How many cases get another verdict (or become, or stop being, an error)."""
        return sum(t.count for t in self.transitions if t.changed)

    def count(self, before: str, after: str) -> int:
        """The cases of one transition (0 when none)."""
        return next((t.count for t in self.transitions
                     if (t.before, t.after) == (before, after)), 0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": self.old,
            "new": self.new,
            "cases": self.cases,
            "changed": self.changed,
            "transitions": [t.to_dict() for t in self.transitions],
        }


@dataclass
class _Cell:
    count: int = 0
    examples: list[str] = field(default_factory=list)
    old_rows: Counter[str] = field(default_factory=Counter)
    new_rows: Counter[str] = field(default_factory=Counter)


class ImpactTally:
    """Counts transitions case by case, in bounded memory (a few ids per transition)."""

    def __init__(self, old: str, new: str, examples: int = DEFAULT_EXAMPLES) -> None:
        if examples < 0:
            raise ValueError("examples must not be negative")
        self.old = old
        self.new = new
        self.examples = examples
        self.cases = 0
        self._cells: dict[tuple[str, str], _Cell] = {}

    def add(self, case: str, before: str, after: str,
            old_rows: Iterable[str] = (), new_rows: Iterable[str] = ()) -> None:
        """One case: its outcome and deciding rows under each version."""
        for state in (before, after):
            if state not in STATES:
                raise ValueError(f"unknown outcome {state!r}")
        cell = self._cells.setdefault((before, after), _Cell())
        cell.count += 1
        if len(cell.examples) < self.examples:
            cell.examples.append(case)
        cell.old_rows.update(set(old_rows))
        cell.new_rows.update(set(new_rows))
        self.cases += 1

    def impact(self) -> Impact:
        """The transitions so far: changed ones first, each group largest first."""
        total = max(1, self.cases)

        def order(key: tuple[str, str]) -> tuple[bool, int, int, int]:
            before, after = key
            return (before == after, -self._cells[key].count,
                    STATES.index(before), STATES.index(after))

        transitions = tuple(
            Transition(before, after, cell.count, cell.count / total, tuple(cell.examples),
                       _top(cell.old_rows), _top(cell.new_rows))
            for (before, after), cell in ((k, self._cells[k]) for k in sorted(self._cells,
                                                                             key=order))
        )
        return Impact(self.old, self.new, self.cases, transitions)


def _top(rows: Counter[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(rows.items(), key=lambda item: (-item[1], item[0])))


def _shown(text: str) -> str:
    """Text for a terminal: as is when printable, else quoted with escapes."""
    return text if text.isprintable() else json.dumps(text)


def _rows(rows: tuple[tuple[str, int], ...]) -> str:
    shown = ", ".join(f"{_shown(r)} ({n:,})" for r, n in rows[:_ROWS_SHOWN])
    more = len(rows) - _ROWS_SHOWN
    return shown + (f", and {more} more" if more > 0 else "") if rows else "none"


def render_text(impact: Impact) -> str:
    """The transitions for people: changed ones with examples and rows, then the unchanged."""
    share = impact.changed / impact.cases if impact.cases else 0.0
    lines = [
        f"impact of {_shown(impact.old)} -> {_shown(impact.new)} on {impact.cases:,} cases: "
        f"{impact.changed:,} change verdict ({share:.1%})",
        "",
    ]
    changed = [t for t in impact.transitions if t.changed]
    if not changed:
        lines += ["no case changes verdict", ""]
    for t in changed:
        lines.append(f"{t.before} -> {t.after}: {t.count:,} cases ({t.share:.1%})")
        lines.append(f"  e.g. {', '.join(_shown(e) for e in t.examples)}")
        lines.append(f"  rows (old): {_rows(t.old_rows)}")
        lines.append(f"  rows (new): {_rows(t.new_rows)}")
        lines.append("")
    unchanged = [t for t in impact.transitions if not t.changed]
    if unchanged:
        lines.append("unchanged:")
        lines += [f"  {t.before} -> {t.after}: {t.count:,} cases ({t.share:.1%})"
                  for t in unchanged]
    return "\n".join(lines).rstrip("\n") + "\n"


def render_json(impact: Impact) -> str:
    """The transitions for programs."""
    return json.dumps(impact.to_dict(), indent=2, ensure_ascii=False) + "\n"
