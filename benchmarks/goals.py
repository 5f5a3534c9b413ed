"""Issue 16's goal table: each goal, the figure that answers it, and who provides it.

A section answers a goal by giving a figure that ``key``; the run prints the
goal table after the figures, one line per goal, "not measured" where no
section of the run gave its key. Sections that other modules provide
register here (``register_section``) and ``python -m benchmarks`` runs them
like its own: this is the registration point for the search, batch and
check benchmarks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from benchmarks.config import Sizes
from benchmarks.report import Figure, Section, at_most
from medpolicy.tables.model import Policy


@dataclass(frozen=True)
class Goal:
    """A row of the goal table: its key, what it measures and the goal as the issue says it."""

    key: str
    figure: str
    goal: str


COMPLETE = Goal("complete", "complete esi case vs ZEN", "<= 1.0x")
PARTIAL = Goal("partial", "partial esi case (1-4 unknowns), median vs ZEN complete", "<= 2.5x")
EMPTY = Goal("empty", "empty esi case, first time (no route memo), vs ZEN complete",
             "<= 8x")
LARGE = Goal("large", "2,000-row table, complete case vs ZEN", "<= 1.0x")
PEND_P99 = Goal("pend-p99", "2,000-row pend-by-default table, partial p99",
                "<= 100 ms, 0 over the time limit")
BATCH = Goal("batch", "batch, 1 worker, 20,000 esi lines", ">= 6,000 cases/s")
CHECK = Goal("check-cli", "check 5,000 rows x 100 facts from the CLI", "<= 15 s, <= 400 MB peak")
COLD = Goal("cold", "cold one-case decide vs python -c 'import clingo, yaml, click'", "<= 2.5x")

GOALS: tuple[Goal, ...] = (COMPLETE, PARTIAL, EMPTY, LARGE, PEND_P99, BATCH, CHECK, COLD)

#: A section maker: (esi, sizes, seed, scratch directory) -> Section.
SectionMaker = Callable[[Policy, Sizes, int, Path], Section]
#: Sections registered by other modules, run after the built-in ones.
REGISTERED: dict[str, SectionMaker] = {}


def register_section(name: str, maker: SectionMaker) -> None:
    """Add a section to ``python -m benchmarks``; its figures may answer goals (``key``)."""
    REGISTERED[name] = maker


def goal_figure(goal: Goal, name: str, ours_ms: float, zen_ms: float,
                floor_ms: float) -> list[Figure]:
    """Our time, its ratio to ZEN (held to the goal) and its ratio to the floor."""
    limit = float(goal.goal.removeprefix("<= ").removesuffix("x"))
    return [
        Figure("peers", name, ours_ms, "ms"),
        at_most("peers", "  / ZEN", ours_ms / zen_ms, "x", limit, key=goal.key),
        Figure("peers", "  / floor", ours_ms / floor_ms, "x"),
    ]


def print_goals(sections: list[Section], quick: bool, out: TextIO) -> None:
    """One line per goal: the figure that answers it, or that none did in this run."""
    found = {f.key: f for s in sections for f in s.figures if f.key}
    rows = [("goal", "measured", "goal", "status")]
    for goal in GOALS:
        figure = found.get(goal.key)
        if figure is None:
            rows.append((goal.figure, "not measured in this run", goal.goal, ""))
            continue
        status = "" if figure.met is None else ("met" if figure.met else "NOT MET")
        rows.append((goal.figure, figure.shown(), goal.goal, "(quick)" if quick else status))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    print("issue 16 goals", file=out)
    for number, row in enumerate(rows):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip(),
              file=out)
        if number == 0:
            print("  ".join("-" * w for w in widths), file=out)
