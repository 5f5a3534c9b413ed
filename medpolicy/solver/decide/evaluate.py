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
    if isinstance(formula, FAnd):
        parts = tuple(_compile(item) for item in formula.items)
        return lambda known, criteria: all(p(known, criteria) for p in parts)
    if isinstance(formula, FOr):
        parts = tuple(_compile(item) for item in formula.items)
        return lambda known, criteria: any(p(known, criteria) for p in parts)
    assert isinstance(formula, FConst)
    value = formula.value
    return lambda _known, _criteria: value


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
        match = [r for r, test in enumerate(self._rows) if test(known, values)]
        decisive = self._decisive(match)
        result = Consequences(
            met=met, unmet=unmet, match=set(match), miss=set(self._all_rows.difference(match)),
            decisive=decisive, idle=set(self._all_rows - decisive), fallback=not match,
        )
        outcomes = self._outcomes
        result.outcomes = {outcomes[r] for r in decisive} if match else {self._fallback}
        return result

    def _decisive(self, match: list[int]) -> set[int]:
        """The matching rows that decide: the first, or those of the strongest outcome."""
        if not match:
            return set()
        if self._first:
            return {match[0]}
        outcomes = self._outcomes
        best = max(OUTCOME_RANK[outcomes[r]] for r in match)
        return {r for r in match if OUTCOME_RANK[outcomes[r]] == best}
