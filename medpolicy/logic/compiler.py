"""Compiles a table into clingo instance symbols over its abstract domains.

``CompiledTable`` holds the table's domains and its criteria and rows as
abstract formulas. ``emit_decide`` and ``emit_missing`` add the instance for
the static encodings ``decide.lp`` and ``missing.lp`` through a clingo
backend: every atom is a ``clingo.Function`` over numbers, so no text from a
table or a case ever becomes program text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property
from importlib import resources
from typing import TYPE_CHECKING

from medpolicy.logic.dnf import Box, DnfBuilder
from medpolicy.logic.domain import Domain, build_domains
from medpolicy.logic.formula import (
    FAnd,
    FConst,
    FNot,
    FOr,
    Formula,
    Lit,
    Ref,
    Translator,
    criteria_read,
    facts_read,
    inline,
)
from medpolicy.logic.outcomes import rejection_formula
from medpolicy.tables.model import Case, Policy

if TYPE_CHECKING:
    import clingo


def encoding(name: str) -> str:
    """The text of a static encoding shipped with the package (``decide.lp``, ...)."""
    return resources.files("medpolicy.logic").joinpath(name).read_text(encoding="utf-8")


def _fn(name: str, *args: int | clingo.Symbol) -> clingo.Symbol:
    from clingo import Function, Number  # clingo loads with the first program, not before

    return Function(name, [Number(a) if isinstance(a, int) else a for a in args])


class CompiledTable:
    """A table over its abstract domains, ready to be emitted as clingo symbols."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.domains: tuple[Domain, ...] = build_domains(policy)
        self.fact_index = {d.fact.name: i for i, d in enumerate(self.domains)}
        self.criterion_index = {c.id: i for i, c in enumerate(policy.criteria)}
        translate = Translator(self.domains, self.criterion_index)
        self.criteria: tuple[Formula, ...] = tuple(translate(c.when) for c in policy.criteria)
        self.rows: tuple[Formula, ...] = tuple(translate(r.when) for r in policy.rows)

    # -- cases ---------------------------------------------------------------

    def known_values(self, case: Case) -> dict[int, int]:
        """Abstract values of the documented facts, closed-world defaults filled in."""
        known: dict[int, int] = {}
        for i, domain in enumerate(self.domains):
            fact = domain.fact
            if fact.name in case.facts:
                known[i] = domain.index_of(case.facts[fact.name], case.service_date)
            elif fact.default is not None:
                known[i] = domain.index_of(fact.default)
        return known

    # -- structure -----------------------------------------------------------

    @cached_property
    def criterion_depends(self) -> tuple[frozenset[int], ...]:
        """For each criterion, every criterion it references, directly or not."""
        memo: dict[int, frozenset[int]] = {}

        def deps(c: int) -> frozenset[int]:
            if c not in memo:
                direct = criteria_read(self.criteria[c])
                memo[c] = frozenset(direct).union(*(deps(d) for d in direct))
            return memo[c]

        return tuple(deps(c) for c in range(len(self.criteria)))

    @cached_property
    def criterion_facts(self) -> tuple[frozenset[int], ...]:
        """Every fact each criterion reads, through the criteria it references."""
        return tuple(
            frozenset(facts_read(self.criteria[c])).union(
                *(facts_read(self.criteria[d]) for d in self.criterion_depends[c])
            )
            for c in range(len(self.criteria))
        )

    @cached_property
    def criterion_closure(self) -> tuple[frozenset[int], ...]:
        """For each row, every criterion it depends on, directly or not."""
        return tuple(
            frozenset(direct).union(*(self.criterion_depends[c] for c in direct))
            for direct in (criteria_read(f) for f in self.rows)
        )

    def row_facts(self, row: int) -> frozenset[int]:
        """Every fact a row reads, directly or through criteria."""
        formula = self.rows[row]
        found = set(facts_read(formula))
        for c in criteria_read(formula):
            found |= self.criterion_facts[c]
        return frozenset(found)

    def rejection_boxes(self, cap: int | None = None) -> list[Box]:
        """The complete cases that are not approved, as a union of boxes."""
        rows = [
            (row.outcome, inline(formula, self.criteria))
            for row, formula in zip(self.policy.rows, self.rows, strict=True)
        ]
        formula = rejection_formula(rows, self.policy.hit_policy, self.policy.otherwise)
        builder = DnfBuilder(self.domains) if cap is None else DnfBuilder(self.domains, cap)
        return builder.dnf(formula)

    # -- emission ------------------------------------------------------------

    def emit_domains(self, backend: clingo.Backend, with_cost: bool = False) -> None:
        """Facts and their values; a codes fact's values (the subsets of its regions,
        ``2**R`` of them) as ``span(F,2**R)``, which the encodings expand."""
        facts: list[clingo.Symbol] = []
        for i, domain in enumerate(self.domains):
            facts.append(_fn("fact", i))
            if domain.space is not None:
                facts.append(_fn("span", i, len(domain)))
                facts.extend(_fn("region", i, r) for r in range(len(domain.space.regions)))
            else:
                facts.extend(_fn("value", i, v) for v in domain.indices())
            if with_cost:
                facts.append(_fn("cost", i, domain.fact.cost))
                if domain.fact.actionable:
                    facts.append(_fn("actionable", i))
        _add_facts(backend, facts)

    def emit_decide(self, backend: clingo.Backend, rows: Iterable[int] | None = None) -> None:
        """The instance for ``decide.lp``; with ``rows``, only those rows (numbered as in the
        table) and the criteria they depend on."""
        from clingo import Function
        self.emit_domains(backend)
        facts: list[clingo.Symbol] = []
        counter = iter(range(1 << 62))

        def node(formula: Formula) -> int:
            n = next(counter)
            if isinstance(formula, Lit):
                facts.append(_fn("lit", n, formula.fact))
                inside = touched_regions(self.domains[formula.fact], formula.allowed)
                if inside is None:
                    facts.extend(_fn("allow", n, v) for v in sorted(formula.allowed))
                else:
                    facts.extend(_fn("hasreg", n, r) for r in inside)
            elif isinstance(formula, Ref):
                facts.append(_fn("cref", n, formula.criterion))
            elif isinstance(formula, FNot):
                facts.append(_fn("neg", n, node(formula.item)))
            elif isinstance(formula, FAnd | FOr):
                facts.append(_fn("conj" if isinstance(formula, FAnd) else "disj", n))
                facts.extend(_fn("child", n, node(item)) for item in formula.items)
            elif isinstance(formula, FConst) and formula.value:
                facts.append(_fn("top", n))
            return n

        chosen = range(len(self.rows)) if rows is None else sorted(set(rows))
        used = (range(len(self.criteria)) if rows is None
                else sorted(set().union(*(self.criterion_closure[r] for r in chosen))))
        for c in used:
            facts.append(_fn("criterion", c, node(self.criteria[c])))
        for r in chosen:
            facts.append(_fn("row", r, Function(self.policy.rows[r].outcome), node(self.rows[r])))
            facts.append(_fn("rank", r, r))
        facts.append(Function("hit", [Function(self.policy.hit_policy)]))
        if self.policy.otherwise is None:
            facts.append(Function("no_otherwise"))
        else:
            facts.append(Function("otherwise", [Function(self.policy.otherwise.outcome)]))
        _add_facts(backend, facts)

    def emit_missing(self, backend: clingo.Backend, boxes: Sequence[Box]) -> None:
        """The instance for ``missing.lp``: domains, costs and the rejection boxes."""
        self.emit_domains(backend, with_cost=True)
        facts: list[clingo.Symbol] = []
        for t, box in enumerate(boxes):
            facts.append(_fn("blocker", t))
            for fact, allowed in box.items():
                facts.append(_fn("bfact", t, fact))
                facts.extend(_fn("ballow", t, fact, v) for v in sorted(allowed))
        _add_facts(backend, facts)


def touched_regions(domain: Domain, allowed: frozenset[int]) -> list[int] | None:
    """The regions of a codes fact's literal when it holds exactly on the lists touching
    them (``has``): the encodings expand ``hasreg`` into ``allow`` in the grounder. None for
    any other literal."""
    if domain.space is None:
        return None
    size = len(domain.space.regions)
    inside = [r for r in range(size) if 1 << r in allowed]
    mask = sum(1 << r for r in inside)
    if len(allowed) != (1 << size) - (1 << (size - len(inside))) or not all(
            v & mask for v in allowed):
        return None
    return inside


def _add_facts(backend: clingo.Backend, symbols: Iterable[clingo.Symbol]) -> None:
    for symbol in symbols:
        backend.add_rule([backend.add_atom(symbol)])


def known_literals(given: Sequence[int], value: int) -> list[int]:
    """Assumptions for a fact known with ``value``, from its ``given`` literals by value:
    that literal true, every other false."""
    return [lit if v == value else -lit for v, lit in enumerate(given)]


def literal_map(ctl: clingo.Control, name: str, arity: int) -> Mapping[tuple[int, ...], int]:
    """Program literals of the ground atoms ``name/arity`` whose arguments are numbers."""
    from clingo import SymbolType

    result: dict[tuple[int, ...], int] = {}
    for atom in ctl.symbolic_atoms.by_signature(name, arity):
        args = atom.symbol.arguments
        if all(a.type == SymbolType.Number for a in args):
            result[tuple(a.number for a in args)] = atom.literal
    return result
