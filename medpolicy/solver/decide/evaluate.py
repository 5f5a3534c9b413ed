"""The complete-case fast path: a table's abstraction evaluated without clingo.

When the known facts settle every criterion and every row (each is true in
every completion of the unknown facts, or false in every one), all
completions agree on everything ``decide.lp`` shows, and its brave
consequences are those of any one completion. Evaluating the compiled
formulas (the same ``Lit``/``Ref``/``FNot``/``FAnd``/``FOr``/``FConst`` the
solver's instance is emitted from) in three-valued logic decides this
exactly: a formula is reported settled only when it is (Kleene evaluation is
sound), and whatever it leaves open (including ``x or not x``, which every
completion makes true) goes to the solver.

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

#: A compiled formula: known abstract values and criterion values -> holds (None: unsettled).
Test = Callable[[Mapping[int, int], Sequence[bool | None]], bool | None]


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
    """A closure giving ``formula``'s value when the known facts settle it, else None.

    Three-valued (Kleene) evaluation: True or False only when every
    completion of the unknown facts agrees, None otherwise, also in the rare
    cases where they would agree (``x or not x``); None sends the case to
    the solver.
    """
    if isinstance(formula, Lit):
        fact, allowed = formula.fact, formula.allowed

        def lit(known: Mapping[int, int], _criteria: Sequence[bool | None]) -> bool | None:
            value = known.get(fact)
            return None if value is None else value in allowed

        return lit
    if isinstance(formula, Ref):
        criterion = formula.criterion
        return lambda _known, criteria: criteria[criterion]
    if isinstance(formula, FNot):
        inner = _compile(formula.item)

        def negation(known: Mapping[int, int], criteria: Sequence[bool | None]) -> bool | None:
            value = inner(known, criteria)
            return None if value is None else not value

        return negation
    if isinstance(formula, FAnd | FOr):
        return _junction(tuple(_compile(item) for item in formula.items),
                         isinstance(formula, FAnd))
    assert isinstance(formula, FConst)
    constant = formula.value
    return lambda _known, _criteria: constant


def _junction(parts: tuple[Test, ...], conjunction: bool) -> Test:
    """``and`` (or ``or``): settled by one settling part, else by all parts settled."""
    decisive = not conjunction  # False settles an and, True settles an or

    def junction(known: Mapping[int, int], criteria: Sequence[bool | None]) -> bool | None:
        result: bool | None = conjunction
        for part in parts:
            value = part(known, criteria)
            if value is decisive:
                return decisive
            if value is None:
                result = None
        return result

    return junction


RowIndex = tuple[tuple[int, dict[int, tuple[int, ...]], tuple[int, ...]], ...]
#: Criterion tests by number, row tests, rows without a key literal, the row index.
Compiled = tuple[tuple[Test, ...], tuple[Test, ...], tuple[int, ...], RowIndex]


class Evaluator:
    """Brave consequences of cases whose read facts are all known, without a solve."""

    def __init__(self, table: CompiledTable) -> None:
        policy = table.policy
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

    def compiled(self) -> Compiled:
        """The closures and the row index, for evaluation of partial cases to share."""
        tests: list[Test] = [test for _, test in sorted(self._criteria, key=lambda ct: ct[0])]
        return tuple(tests), self._rows, self._always, self._index

    def consequences(self, known: Mapping[int, int]) -> Consequences | None:
        """The consequences when the known facts settle every criterion and row, else None.

        Then every completion has the same criterion values and row matches,
        hence the same outcome and decisive rows: the consequences are those
        of any one completion.
        """
        values: list[bool | None] = [None] * len(self._criteria)
        met: set[int] = set()
        for c, test in self._criteria:
            value = test(known, values)
            if value is None:
                return None
            values[c] = value
            if value:
                met.add(c)
        unmet = set(range(len(values))) - met
        tests = self._rows
        match = []
        for r in self._candidates(known):
            value = tests[r](known, values)
            if value is None:
                return None
            if value:
                match.append(r)
        decisive = self._decisive(match)
        result = Consequences(
            met=met, unmet=unmet, match=set(match), miss=set(self._all_rows.difference(match)),
            decisive=decisive, idle=set(self._all_rows - decisive), fallback=not match,
        )
        outcomes = self._outcomes
        result.outcomes = {outcomes[r] for r in decisive} if match else {self._fallback}
        return result

    def _candidates(self, known: Mapping[int, int]) -> list[int]:
        """The rows whose key literal the case may satisfy, and the rows without one, in order.

        Every other row's key literal is false on the case, so it cannot match.
        """
        return candidate_rows(self._always, self._index, known)

    def _decisive(self, match: list[int]) -> set[int]:
        """The matching rows that decide: the first, or those of the strongest outcome."""
        if not match:
            return set()
        if self._first:
            return {match[0]}
        outcomes = self._outcomes
        best = max(OUTCOME_RANK[outcomes[r]] for r in match)
        return {r for r in match if OUTCOME_RANK[outcomes[r]] == best}


def candidate_rows(always: tuple[int, ...], index: RowIndex, known: Mapping[int, int]
                   ) -> list[int]:
    """The rows without a key literal and those whose key literal ``known`` may satisfy."""
    rows = list(always)
    for fact, by_value, every in index:
        value = known.get(fact)
        rows.extend(every if value is None else by_value.get(value, ()))
    rows.sort()
    return rows


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
) -> tuple[tuple[int, ...], tuple[tuple[int, dict[int, tuple[int, ...]], tuple[int, ...]], ...]]:
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
        (fact, {v: tuple(rows) for v, rows in by_value.items()},
         tuple(sorted({r for rows in by_value.values() for r in rows})))
        for fact, by_value in sorted(index.items())
    )
