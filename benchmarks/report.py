"""Figures, the printed table and the JSON file of a benchmark run."""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO


@dataclass(frozen=True)
class Figure:
    """One measured figure, and the goal it is held to (if any)."""

    section: str
    name: str
    value: float
    unit: str
    goal: str | None = None
    met: bool | None = None
    #: The goal of issue 16's table this figure answers (``benchmarks/goals.py``), if any.
    key: str = ""

    def shown(self) -> str:
        if self.unit == "x":
            return f"{self.value:,.2f}x" if self.value < 10 else f"{self.value:,.1f}x"
        if self.unit in ("ms", "s"):
            digits = 3 if self.value < 10 else 1
            return f"{self.value:,.{digits}f} {self.unit}"
        if self.unit == "MB":
            return f"{self.value:,.0f} MB"
        return f"{self.value:,.0f} {self.unit}".rstrip()


def at_most(section: str, name: str, value: float, unit: str, limit: float,
            key: str = "") -> Figure:
    """A figure whose goal is to stay under ``limit``."""
    goal = f"<= {limit:g}x" if unit == "x" else f"< {limit:g} {unit}"
    return Figure(section, name, value, unit, goal, value <= limit if unit == "x" else
                  value < limit, key)


def at_least(section: str, name: str, value: float, unit: str, floor: float) -> Figure:
    """A figure whose goal is to reach ``floor``."""
    goal = f">= {floor:g}x" if unit == "x" else f">= {floor:,g} {unit}"
    return Figure(section, name, value, unit, goal, value >= floor)


@dataclass
class Section:
    """A section's figures for the table, and everything measured, for the JSON."""

    name: str
    figures: list[Figure] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    load_before: list[float] = field(default_factory=list)
    load_after: list[float] = field(default_factory=list)
    seconds: float = 0.0


def print_table(sections: list[Section], header: str, quick: bool, out: TextIO) -> None:
    """The figures as a plain-text table; in quick mode goals are not judged."""
    rows = [("section", "figure", "value", "goal", "status")]
    for section in sections:
        for f in section.figures:
            status = "" if f.met is None else ("met" if f.met else "NOT MET")
            if quick and f.met is not None:
                status = "(quick)"
            rows.append((f.section, f.name, f.shown(), f.goal or "", status))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    print(header, file=out)
    for number, row in enumerate(rows):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip(),
              file=out)
        if number == 0:
            print("  ".join("-" * w for w in widths), file=out)
    for section in sections:
        print(f"{section.name}: {section.seconds:.1f} s, load {section.load_before} -> "
              f"{section.load_after}", file=out)


def write_json(directory: Path, payload: dict[str, Any], sections: list[Section]) -> Path:
    """``results-<time>.json`` and ``latest.json`` in ``directory``; the path of the first."""
    directory.mkdir(parents=True, exist_ok=True)
    document = {**payload, "sections": {s.name: asdict(s) for s in sections}}
    text = json.dumps(document, indent=2, sort_keys=False) + "\n"
    path = directory / f"results-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(text, encoding="utf-8")
    (directory / "latest.json").write_text(text, encoding="utf-8")
    return path
