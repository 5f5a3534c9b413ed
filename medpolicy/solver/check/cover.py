"""Covering targets with models: which atoms hold in some complete case, and where.

A target is a ground atom of the check encoding (``match(3)``, ``gap``,
``overlap(1,4)``...). One solve enumerates complete cases; after each model a
clause is added that the next model must make some still-open target true.
Each model therefore covers at least one new target, every covered target
gets the model as a witness, and when the solver proves that no further model
exists, the targets still open hold in no complete case at all. This is
clingo's brave reasoning, with the witnesses kept: one solver call answers
"can this hold?" for every target at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import clingo

from medpolicy.solver.control import solve_models


@dataclass(frozen=True)
class Sample:
    """One model: the complete case (abstract value per fact) and the targets it makes true."""

    assignment: tuple[int, ...]
    true: frozenset[clingo.Symbol]


@dataclass
class Coverage:
    """For each covered target, the models that made it true (at most its quota)."""

    witnesses: dict[clingo.Symbol, list[Sample]] = field(default_factory=dict)
    models: int = 0

    def holds(self, target: clingo.Symbol) -> bool:
        return target in self.witnesses


def target_literals(
    ctl: clingo.Control, targets: Iterable[clingo.Symbol]
) -> dict[clingo.Symbol, int]:
    """Program literals of the targets that exist in the ground program (others never hold)."""
    atoms = ctl.symbolic_atoms
    result: dict[clingo.Symbol, int] = {}
    for target in targets:
        atom = atoms[target]
        if atom is not None:
            result[target] = atom.literal
    return result


def cover(
    ctl: clingo.Control,
    targets: Mapping[clingo.Symbol, int],
    facts: int,
    *,
    quota: int = 1,
    assumptions: Iterable[int] = (),
    time_limit: float,
    what: str,
) -> Coverage:
    """Enumerate models until every target has ``quota`` witnesses or no model is left.

    ``targets`` maps each target atom to its program literal; models must show
    ``assign(F,V)`` terms for the case and the targets themselves as terms.
    """
    coverage = Coverage()
    open_targets = dict(targets)
    if not open_targets:
        return coverage

    def on_model(model: clingo.Model) -> bool:
        coverage.models += 1
        assignment = [0] * facts
        true = []
        for symbol in model.symbols(terms=True):
            if symbol.name == "assign":
                fact, value = symbol.arguments
                assignment[fact.number] = value.number
            else:
                true.append(symbol)
        sample = Sample(tuple(assignment), frozenset(true))
        for symbol in true:
            if symbol in open_targets:
                found = coverage.witnesses.setdefault(symbol, [])
                found.append(sample)
                if len(found) >= quota:
                    del open_targets[symbol]
        if not open_targets:
            return False
        model.context.add_clause(list(open_targets.values()))
        return True

    solve_models(ctl, list(assumptions), on_model, time_limit, what)
    return coverage
