"""Asking the solver: which targets hold in some complete case, each with a case.

Every model of the check program is one complete case per world. A target is
an atom of the program (``match(u(3),3)``, ``unmatched(w)``...). One solve
enumerates models; after each model a clause is added that the next model
must make some still-open target true. Each model therefore covers at least
one new target, and when the solver proves that no further model exists, the
targets still open hold in no complete case at all: one solver call answers
"can this hold?" for every target, like clingo's brave reasoning, but keeping
a witness case for each.

``enumerate_cases`` collects more distinct cases for one target.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import clingo

from medpolicy.solver.check.rowindex import Point
from medpolicy.solver.control import solve_models

Key = TypeVar("Key", bound=Hashable)


@dataclass
class CaseReader:
    """Reads a world's case from a model: per fact it reads, the literal of each value."""

    facts: int
    literals: Sequence[tuple[int, Sequence[tuple[int, int]]]]

    def read(self, model: clingo.Model) -> Point:
        """The case (facts the world does not read take their first value)."""
        point = [0] * self.facts
        for fact, values in self.literals:
            point[fact] = next(v for v, lit in values if model.is_true(lit))
        return tuple(point)

    def blocking(self, point: Point) -> list[int]:
        """A clause that excludes this case of the world."""
        clause: list[int] = []
        for fact, values in self.literals:
            clause.extend(-lit for v, lit in values if v == point[fact])
        return clause


@dataclass
class Found(Generic[Key]):
    """What a covering solve found: a witness case per covered target."""

    cases: dict[Key, Point] = field(default_factory=dict)
    models: int = 0


def cover(
    ctl: clingo.Control,
    targets: Mapping[Key, int],
    reader: Callable[[Key], CaseReader],
    *,
    time_limit: float,
    what: str,
) -> Found[Key]:
    """One witness case for every target that holds in some model."""
    found: Found[Key] = Found()
    open_targets = dict(targets)
    if not open_targets:
        return found

    def on_model(model: clingo.Model) -> bool:
        found.models += 1
        for key in [k for k, lit in open_targets.items() if model.is_true(lit)]:
            found.cases[key] = reader(key).read(model)
            del open_targets[key]
        if not open_targets:
            return False
        model.context.add_clause(list(open_targets.values()))
        return True

    solve_models(ctl, [], on_model, time_limit, what)
    return found


def enumerate_cases(
    ctl: clingo.Control,
    target: int,
    reader: CaseReader,
    count: int,
    known: Sequence[Point] = (),
    *,
    time_limit: float,
    what: str,
) -> list[Point]:
    """Up to ``count`` distinct cases where the target holds, the ``known`` ones first."""
    result = list(dict.fromkeys(known))[:count]
    blocked: set[Point] = set()

    def on_model(model: clingo.Model) -> bool:
        point = reader.read(model)
        if point not in result:
            result.append(point)
        for seen in result:
            if seen not in blocked:
                blocked.add(seen)
                model.context.add_clause(reader.blocking(seen))
        return len(result) < count

    if len(result) < count:
        solve_models(ctl, [target], on_model, time_limit, what)
    return result
