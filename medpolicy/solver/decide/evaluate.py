"""The complete-case fast path: a table's abstraction evaluated without clingo.

When every fact that a row or a criterion reads has a known abstract value,
every completion of the case agrees on everything ``decide.lp`` shows: the
unknown facts are read by nothing. The brave consequences are then those of
the one relevant completion, and evaluating the compiled formulas (the same
``Lit``/``Ref``/``FNot``/``FAnd``/``FOr``/``FConst`` the solver's instance is
emitted from) on the known values gives them directly, rule for rule as
``decide.lp`` derives them.

The test is exact and conservative: a fact read anywhere and unknown sends the
case to the solver, even when the outcome would not depend on it.

The evaluator is built from the compiled table as Python closures over
abstract value indices, so it covers every fact type that compiles to the
abstraction (no per-type code, and no source text is generated).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from medpolicy.logic.compiler import CompiledTable
from medpolicy.logic.formula import FAnd, FConst, FNot, FOr, Formula, Lit, Ref
from medpolicy.logic.outcomes import no_match_outcome
from medpolicy.tables.model import OUTCOME_RANK

#: A compiled formula: known abstract values and criterion values -> holds.
Test = Callable[[Mapping[int, int], Sequence[bool]], bool]


@dataclass
class Consequences:
    """What holds in some completion of a case (clingo's brave consequences)."""

    outcomes: set[str] = field(default_factory=set)
    met: set[int] = field(default_factory=set)
    unmet: set[int] = field(default_factory=set)
    match: set[int] = field(default_factory=set)
    miss: set[int] = field(default_factory=set)
    decisive: set[int] = field(default_factory=set)
    idle: set[int] = field(default_factory=set)
    fallback: bool = False


def _compile(formula: Formula) -> Test:
    """A closure evaluating ``formula`` as ``decide.lp``'s ``holds/1`` does."""
    if isinstance(formula, Lit):
        fact, allowed = formula.fact, formula.allowed
        return lambda known, _criteria: known[fact] in allowed
    if isinstance(formula, Ref):
        criterion = formula.criterion
        return lambda _known, criteria: criteria[criterion]
    if isinstance(formula, FNot):
        inner = _compile(formula.item)
        return lambda known, criteria: not inner(known, criteria)
    if isinstance(formula, FAnd | FOr):
        return _junction(tuple(_compile(item) for item in formula.items),
                         isinstance(formula, FAnd))
    assert isinstance(formula, FConst)
    value = formula.value
    return lambda _known, _criteria: value


def _junction(parts: tuple[Test, ...], conjunction: bool) -> Test:
    """``and`` (or ``or``) of compiled parts; two parts without a generator (the common case)."""
    if len(parts) == 2:
        first, second = parts
        if conjunction:
            return lambda known, criteria: first(known, criteria) and second(known, criteria)
        return lambda known, criteria: first(known, criteria) or second(known, criteria)
    if conjunction:
        return lambda known, criteria: all(p(known, criteria) for p in parts)
    return lambda known, criteria: any(p(known, criteria) for p in parts)


class Evaluator:
    """Brave consequences of cases whose read facts are all known, without a solve."""

    def __init__(self, table: CompiledTable) -> None:
        policy = table.policy
        read: set[int] = set()
        for c in range(len(table.criteria)):
            read |= table.criterion_facts[c]
        for r in range(len(table.rows)):
            read |= table.row_facts(r)
        #: Every fact some row or criterion reads: all must be known for the fast path.
        self.read = frozenset(read)
        depends = table.criterion_depends
        # A criterion's transitive dependencies are a strict superset of each
        # dependency's own, so sorting by their number is a topological order.
        self._criteria = tuple(
            (c, _compile(table.criteria[c]))
            for c in sorted(range(len(table.criteria)), key=lambda c: len(depends[c]))
        )
        self._rows = tuple(_compile(formula) for formula in table.rows)
        self._always, self._index = _row_index(table)
        self._outcomes = tuple(row.outcome for row in policy.rows)
        self._first = policy.hit_policy == "first"
        self._fallback = no_match_outcome(policy.otherwise)
        self._all_rows = frozenset(range(len(self._rows)))

    def covers(self, known: Mapping[int, int]) -> bool:
        """Whether every fact a row or criterion reads is known (the fast path applies)."""
        return self.read.issubset(known)

    def consequences(self, known: Mapping[int, int]) -> Consequences:
        """The consequences of a covered case: those of its one relevant completion."""
        values = [False] * len(self._criteria)
        met: set[int] = set()
        for c, test in self._criteria:
            if test(known, values):
                values[c] = True
                met.add(c)
        unmet = set(range(len(values))) - met
        tests = self._rows
        match = [r for r in self._candidates(known) if tests[r](known, values)]
        decisive = self._decisive(match)
        result = Consequences(
            met=met, unmet=unmet, match=set(match), miss=set(self._all_rows.difference(match)),
            decisive=decisive, idle=set(self._all_rows - decisive), fallback=not match,
        )
        outcomes = self._outcomes
        result.outcomes = {outcomes[r] for r in decisive} if match else {self._fallback}
        return result

    def _candidates(self, known: Mapping[int, int]) -> list[int]:
        """The rows whose key literal the case satisfies, and the rows without one, in order."""
        rows = list(self._always)
        for fact, by_value in self._index:
            rows.extend(by_value.get(known[fact], ()))
        rows.sort()
        return rows

    def _decisive(self, match: list[int]) -> set[int]:
        """The matching rows that decide: the first, or those of the strongest outcome."""
        if not match:
            return set()
        if self._first:
            return {match[0]}
        outcomes = self._outcomes
        best = max(OUTCOME_RANK[outcomes[r]] for r in match)
        return {r for r in match if OUTCOME_RANK[outcomes[r]] == best}


def _key_literal(formula: Formula, table: CompiledTable) -> Lit | None:
    """A literal every match of the row satisfies: the row, or its most selective conjunct."""
    if isinstance(formula, Lit):
        return formula
    if isinstance(formula, FAnd):
        literals = [item for item in formula.items if isinstance(item, Lit)]
        if literals:
            return min(literals,
                       key=lambda lit: len(lit.allowed) / len(table.domains[lit.fact]))
    return None


def _row_index(
    table: CompiledTable,
) -> tuple[tuple[int, ...], tuple[tuple[int, dict[int, tuple[int, ...]]], ...]]:
    """Rows without a key literal, and per fact the rows each of its values may match.

    A row whose key literal the case's value of that fact does not satisfy
    cannot match, so only the others need evaluating (large tables test a
    procedure code first, and each row a few codes).
    """
    always: list[int] = []
    index: dict[int, dict[int, list[int]]] = {}
    for r, formula in enumerate(table.rows):
        key = _key_literal(formula, table)
        if key is None:
            always.append(r)
            continue
        by_value = index.setdefault(key.fact, {})
        for value in key.allowed:
            by_value.setdefault(value, []).append(r)
    return tuple(always), tuple(
        (fact, {v: tuple(rows) for v, rows in by_value.items()})
        for fact, by_value in sorted(index.items())
    )
