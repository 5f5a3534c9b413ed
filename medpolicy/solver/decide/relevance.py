"""Which unknown facts matter: two completions differing only in the fact differ in outcome.

``relevant.lp`` guesses two completions of the case that differ in exactly
one fact and asks for different outcomes; the facts for which some model
exists are the brave consequences of ``differs/1``, found in one solve in
clingo's brave mode (about one model per relevant fact).

The caller may narrow the search: ``candidates`` are the only facts that can
be relevant (the others are assumed not to differ), ``already`` those known
to be relevant (each fact of a pathway is). When no candidate is left open,
no solve runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import clingo

from medpolicy.logic.compiler import CompiledTable, encoding, literal_map
from medpolicy.solver.control import SymbolIndex, new_control, solve_models


class RelevanceSolver:
    """``relevant.lp`` over one table, grounded once for many cases."""

    def __init__(self, table: CompiledTable, time_limit: float) -> None:
        self.table = table
        self.time_limit = time_limit
        ctl = new_control("--enum-mode=brave", "--models=0")
        with ctl.backend() as backend:
            table.emit_decide(backend)
        ctl.add("base", [], encoding("relevant.lp"))
        ctl.ground([("base", [])])
        self.ctl = ctl
        self._val = literal_map(ctl, "val", 2)
        differs = literal_map(ctl, "differs", 1)
        self._differs = {k[0]: v for k, v in differs.items()}
        self._index = SymbolIndex({
            atom.symbol: atom.symbol.arguments[0].number
            for atom in ctl.symbolic_atoms.by_signature("differs", 1)
        })

    def relevant(
        self,
        known: Mapping[int, int],
        candidates: Iterable[int] | None = None,
        already: frozenset[int] = frozenset(),
    ) -> frozenset[int]:
        """The unknown facts of the case that two completions differing only there tell apart."""
        open_facts = set(self._differs) if candidates is None else set(candidates)
        open_facts -= already
        open_facts -= set(known)
        if not open_facts:
            return already
        assumptions = [self._val[(f, v)] for f, v in known.items()]
        assumptions.extend(-lit for f, lit in self._differs.items() if f not in open_facts)
        store: list[Sequence[clingo.Symbol]] = [[]]

        def keep(model: clingo.Model) -> bool:
            store[0] = model.symbols(shown=True)
            return True

        solve_models(self.ctl, assumptions, keep, self.time_limit,
                     "the search for the facts that matter")
        return already | frozenset(self._index.lookup(store[0]))
