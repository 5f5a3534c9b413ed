"""Turning what the covering solves found into findings with messages and witnesses.

Rows: a row that matches no case is dead; one that matches but never decides
is shadowed; one that decides but is never needed (its removal would change
no outcome) is redundant. Pairs: a candidate pair that matches the same case
is a conflict (different outcomes) or, in a unique table, an overlap. A
case no row matches is a gap when there is no ``otherwise``. Findings about
the table as a whole are in ``table.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from medpolicy.errors import Location
from medpolicy.solver.check.evidence import Evidence, Target
from medpolicy.solver.check.findings import Finding, Severity, Witness, quote
from medpolicy.solver.check.rowindex import Point, RowIndex, bits
from medpolicy.tables.expr import Value
from medpolicy.tables.model import OUTCOME_RANK, OUTCOMES, Outcome, Row

_OUTCOME: dict[str, Outcome] = {o: o for o in OUTCOMES}


#: For each fact and abstract value, the fact's name and a concrete value.
_Named = Sequence[Sequence[tuple[str, Value]]]


class _Case:
    """A witness case read for people: concrete facts, verdict, deciding and matching rows."""

    def __init__(self, index: RowIndex, point: Point, named: _Named) -> None:
        self.facts: tuple[tuple[str, Value], ...] = tuple(
            named[f][v] for f, v in enumerate(point)
        )
        found = index.matching(point)
        result, decisive = index.outcome_of(found)
        self.verdict: Outcome = _OUTCOME.get(result, "pend")
        self.decisive = decisive
        self.matching = tuple(bits(found))


_Describe = Callable[[_Case], str]
#: Witness cases of a target (as many as asked for).
Points = Callable[[Target], list[Point]]


class Explainer:
    """Findings from the evidence: what holds (with witnesses) and what never does."""

    def __init__(
        self,
        index: RowIndex,
        evidence: Evidence,
        pairs: Sequence[tuple[int, int]],
        points: Points,
    ) -> None:
        self.index = index
        self.table = index.table
        self.policy = index.table.policy
        self.rows: tuple[Row, ...] = self.policy.rows
        self.evidence = evidence
        self.pairs = [p for p in pairs if evidence.holds(Target("overlap", *p))]
        self.points = points
        self._cases: dict[Point, _Case] = {}
        self._named: _Named = [[(d.fact.name, d.concrete(v)) for v in d.indices()]
                               for d in index.table.domains]

    # -- what holds ----------------------------------------------------------

    def _holds(self, kind: str, a: int = -1) -> bool:
        return self.evidence.holds(Target(kind, a))

    def dead(self) -> list[int]:
        return [r for r in range(len(self.rows)) if not self._holds("match", r)]

    def shadowed(self) -> list[int]:
        return [r for r in range(len(self.rows))
                if self._holds("match", r) and not self._holds("decisive", r)]

    def redundant(self) -> list[int]:
        return [r for r in range(len(self.rows))
                if self._holds("decisive", r) and not self._holds("needed", r)]

    def has_gap(self) -> bool:
        return self.policy.otherwise is None and self._holds("unmatched")

    # -- witnesses -----------------------------------------------------------

    def _case(self, point: Point) -> _Case:
        if point not in self._cases:
            self._cases[point] = _Case(self.index, point, self._named)
        return self._cases[point]

    def _witnesses(self, target: Target, ident: str, describe: _Describe) -> tuple[Witness, ...]:
        result = []
        for k, point in enumerate(self.points(target), start=1):
            case = self._case(point)
            result.append(
                Witness(
                    id=f"{ident}-{k}",
                    description=describe(case),
                    facts=case.facts,
                    verdict=case.verdict,
                    rows=tuple(self.rows[r].id for r in case.decisive),
                    matching=tuple(self.rows[r].id for r in case.matching),
                )
            )
        return tuple(result)

    def _decided_by(self, case: _Case) -> str:
        ids = [self.rows[r].id for r in case.decisive]
        if len(ids) == 1:
            return f"row '{ids[0]}' decides it ({case.verdict})"
        if ids:
            return f"rows {quote(ids)} decide it ({case.verdict})"
        return f"no row matches it ({case.verdict})"

    # -- findings ------------------------------------------------------------

    def findings(self) -> list[Finding]:
        result = [self._pair(a, b) for a, b in self.pairs]
        if self.has_gap():
            result.append(self._gap())
        result.extend(self._dead(r) for r in self.dead())
        result.extend(self._shadowed(r) for r in self.shadowed())
        result.extend(self._redundant(r) for r in self.redundant())
        return result

    def _row_locations(self, *rows: int) -> tuple[Location, ...]:
        return tuple(loc for r in rows if (loc := self.rows[r].location) is not None)

    def _ref(self, r: int) -> str:
        row = self.rows[r]
        line = f", line {row.location.line}" if row.location and row.location.line else ""
        return f"'{row.id}' ({row.outcome}{line})"

    def _pair(self, a: int, b: int) -> Finding:
        first, second = self.rows[a], self.rows[b]
        hit = self.policy.hit_policy
        same = first.outcome == second.outcome
        kind = "overlap" if same else "conflict"
        severity: Severity = "error" if hit == "unique" else "info"
        if hit == "first":
            winner = first
        else:
            winner = max(first, second, key=lambda row: OUTCOME_RANK[row.outcome])
        if same:
            message = (f"rows {self._ref(a)} and {self._ref(b)} both match some cases, "
                       "which a unique table forbids")
        else:
            message = f"rows {self._ref(a)} and {self._ref(b)} match the same case"
            if hit == "first":
                message += f"; under 'first' the earlier row '{winner.id}' wins"
            elif hit == "priority":
                message += f"; under 'priority' '{winner.id}' wins ({winner.outcome})"
            else:
                message += (f", which a unique table forbids; decide resolves it like "
                            f"'priority': '{winner.id}' wins ({winner.outcome})")

        def describe(case: _Case) -> str:
            return f"Rows '{first.id}' and '{second.id}' both match; {self._decided_by(case)}."

        hint = ("make the rows exclusive (e.g. add 'not ...' to one of them)"
                if hit == "unique" else "")
        return Finding(
            kind=kind,
            severity=severity,
            message=message,
            rows=(first.id, second.id),
            locations=self._row_locations(a, b),
            witnesses=self._witnesses(Target("overlap", a, b), f"{kind}-{first.id}-{second.id}",
                                      describe),
            hint=hint,
        )

    def _gap(self) -> Finding:
        return Finding(
            kind="gap",
            severity="error",
            message="some complete cases match no row, and the table has no 'otherwise'; "
            "decide pends them as a gap",
            locations=(Location(self.policy.path),),
            witnesses=self._witnesses(Target("unmatched"), "gap",
                                      lambda case: "No row matches this case; it pends as a gap."),
            hint="add an 'otherwise' clause, or rows that cover the witness cases",
        )

    def _dead(self, r: int) -> Finding:
        row = self.rows[r]
        return Finding(
            kind="dead_row",
            severity="error",
            message=f"row {self._ref(r)} can never match: no complete case satisfies "
            f"'{row.text}'",
            rows=(row.id,),
            locations=self._row_locations(r),
            hint="look for tests that contradict each other (e.g. 'weeks >= 6 and weeks < 4'), "
            "also inside the criteria the row uses",
        )

    def _shadowed(self, r: int) -> Finding:
        row = self.rows[r]
        target = Target("match", r)
        winners = sorted({w for p in self.points(target) for w in self._case(p).decisive})
        others = "an earlier row" if self.policy.hit_policy == "first" else \
            "a row with a stronger outcome"
        examples = quote([self.rows[w].id for w in winners])
        message = (f"row {self._ref(r)} matches some cases but never decides one: whenever it "
                   f"matches, {others} matches too (e.g. {examples})")

        def describe(case: _Case) -> str:
            return f"Row '{row.id}' matches, but {self._decided_by(case)}."

        return Finding(
            kind="shadowed_row",
            severity="warning",
            message=message,
            rows=(row.id,),
            locations=self._row_locations(r),
            witnesses=self._witnesses(target, f"shadowed_row-{row.id}", describe),
            hint="remove the row, or narrow the rows that always win over it",
        )

    def _takes_over(self, r: int, case: _Case) -> str:
        """Who gives the same outcome when row ``r`` is removed, in this case."""
        if self.policy.hit_policy == "first":
            later = [m for m in case.matching if m > r]
            others = later[:1]
        else:
            others = [d for d in case.decisive if d != r]
        if others:
            return f"row {quote([self.rows[o].id for o in others])}"
        return "'otherwise'"

    def _redundant(self, r: int) -> Finding:
        row = self.rows[r]
        target = Target("decisive", r)
        examples = sorted({self._takes_over(r, self._case(p)) for p in self.points(target)})
        message = (f"removing row {self._ref(r)} alone would never change a verdict: wherever it "
                   f"decides, the table gives {row.outcome} without it too "
                   f"(e.g. by {', '.join(examples)})")

        def describe(case: _Case) -> str:
            return (f"Row '{row.id}' decides this case ({case.verdict}); without it, "
                    f"{self._takes_over(r, case)} gives {row.outcome} too.")

        return Finding(
            kind="redundant_row",
            severity="warning",
            message=message,
            rows=(row.id,),
            locations=self._row_locations(r),
            witnesses=self._witnesses(target, f"redundant_row-{row.id}", describe),
            hint="remove the row, or merge it with the rows that cover it",
        )
