"""The diff program: ``diff.lp`` grounded once with both tables, solved in a few ways.

Both tables' criteria and rows go in as instance symbols tagged ``old`` and
``new``, over the joint domains; the two share the joint case (``doc/2``,
``absent/1``). Solving modes:

- ``kinds``: clingo's brave consequences over ``changed/2`` (every kind of
  verdict change some case shows; an empty set is the proof that there is
  none), on complete cases only or on all cases;
- ``brave``: what holds in some case under assumptions (the rows responsible
  for a kind, the values affected cases take);
- ``witness``: one optimal case under assumptions (fewest unknown facts,
  fewest deciding rows, ordinary values).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import clingo

from medpolicy.logic.compiler import encoding
from medpolicy.logic.escapes import escape_boxes
from medpolicy.logic.formula import FAnd, FConst, FNot, FOr, Formula, Lit, Ref
from medpolicy.solver.control import new_control, solve_models
from medpolicy.solver.diff.joint import JointSpace, TableView

Function = clingo.Function
Number = clingo.Number
TAGS = ("old", "new")
#: The atoms whose literals the diff looks up (assumptions and goals).
_LOOKED_UP = (("changed", 2), ("resp", 2), ("fell", 1), ("verdict", 2), ("undet", 1))


def _fn(name: str, *args: int | str | clingo.Symbol) -> clingo.Symbol:
    return Function(name, [Number(a) if isinstance(a, int) else
                           Function(a) if isinstance(a, str) else a for a in args])


@dataclass(frozen=True)
class JointCase:
    """A case of the joint space: documented abstract values; the other facts are absent."""

    values: dict[int, int]
    absent: frozenset[int]
    verdicts: dict[str, str]


def _table_symbols(tag: str, view: TableView) -> list[clingo.Symbol]:
    facts: list[clingo.Symbol] = [_fn("table", tag)]
    facts += [_fn("reads", tag, f) for f in sorted(view.reads)]
    facts += [_fn("default", tag, f, v) for f, v in sorted(view.defaults.items())]
    facts += [_fn("accepts", tag, f, v) for f, values in sorted(view.accepts.items())
              for v in sorted(values)]
    counter = iter(range(1 << 62))

    def node(formula: Formula) -> int:
        n = next(counter)
        if isinstance(formula, Lit):
            facts.append(_fn("lit", tag, n, formula.fact))
            facts.extend(_fn("allow", tag, n, v) for v in sorted(formula.allowed))
        elif isinstance(formula, Ref):
            facts.append(_fn("cref", tag, n, formula.criterion))
        elif isinstance(formula, FNot):
            facts.append(_fn("neg", tag, n, node(formula.item)))
        elif isinstance(formula, FAnd | FOr):
            facts.append(_fn("conj" if isinstance(formula, FAnd) else "disj", tag, n))
            facts.extend(_fn("child", tag, n, node(item)) for item in formula.items)
        elif isinstance(formula, FConst) and formula.value:
            facts.append(_fn("top", tag, n))
        return n

    for c, formula in enumerate(view.criteria):
        facts.append(_fn("criterion", tag, c, node(formula)))
    policy = view.policy
    for r, (row, formula) in enumerate(zip(policy.rows, view.rows, strict=True)):
        facts.append(_fn("row", tag, r, row.outcome, node(formula)))
        facts.append(_fn("rank", tag, r, r))
    facts.append(_fn("hit", tag, policy.hit_policy))
    if policy.otherwise is None:
        facts.append(_fn("no_otherwise", tag))
    else:
        facts.append(_fn("otherwise", tag, policy.otherwise.outcome))
    return facts


def _escapes(tag: str, view: TableView, space: JointSpace) -> list[clingo.Symbol] | None:
    """A table's escape boxes (see escapes.py), None when there are too many."""
    found = escape_boxes(space.domains, view.policy, view.criteria, view.rows)
    if found is None:
        return None
    facts: list[clingo.Symbol] = []
    for outcome, boxes in found.items():
        for b, box in enumerate(boxes):
            facts.append(_fn("escape", tag, outcome, b))
            for f, allowed in box.items():
                facts.append(_fn("ebfact", tag, outcome, b, f))
                facts += [_fn("eballow", tag, outcome, b, f, v) for v in sorted(allowed)]
    return facts


def _odd(space: JointSpace) -> list[clingo.Symbol]:
    """Values a witness had better not show, with how much that matters (``odd(F,V,P)``).

    A witness should look ordinary: facts at their default (3), enums at
    their first listed value (2), bools false and ints in their lowest
    interval (1), as far as the change it shows allows.
    """
    odd = []
    for f, domain in enumerate(space.domains):
        defaults = [view.defaults[f] for view in (space.old, space.new) if f in view.defaults]
        if defaults:
            preferred, weight = defaults[0], 3
        elif domain.fact.type == "enum":
            preferred, weight = 0, 2
        elif domain.fact.type == "bool":
            preferred, weight = domain.index_of(False), 1
        else:
            preferred, weight = 0, 1
        odd += [_fn("odd", f, v, weight) for v in domain.indices() if v != preferred]
    return odd


class DiffProgram:
    """``diff.lp`` with both tables' instance, grounded once."""

    def __init__(self, space: JointSpace, time_limit: float,
                 extra: Sequence[clingo.Symbol] = (), encodings: Sequence[str] = ()) -> None:
        """``extra`` instance symbols and static ``encodings`` join the program (refine.py)."""
        self.space = space
        self.time_limit = time_limit
        ctl = new_control()
        symbols: list[clingo.Symbol] = []
        for f, domain in enumerate(space.domains):
            symbols.append(_fn("fact", f))
            symbols += [_fn("value", f, v) for v in domain.indices()]
        symbols += _table_symbols("old", space.old) + _table_symbols("new", space.new)
        # A free codes fact needs no copy per list where its table has escape boxes.
        codes = {f for f, domain in enumerate(space.domains) if domain.space is not None}
        symbols += [_fn("codes", f) for f in sorted(codes)]
        enumerated: set[int] = set()
        for tag, view in (("old", space.old), ("new", space.new)):
            escapes = _escapes(tag, view, space) if codes & view.reads else []
            free = view.reads - view.defaults.keys()
            if escapes is None:
                symbols.append(_fn("ucodes", tag))
                enumerated |= free
            else:
                symbols += escapes
                enumerated |= free - codes
        widest = max((len(space.domains[f]) for f in enumerated), default=1)
        symbols += [_fn("ucopy", k) for k in range(widest)]
        symbols += [_fn("ecopy", widest + e) for e in range(2)]
        symbols += _odd(space)
        symbols += extra
        with ctl.backend() as backend:
            for symbol in symbols:
                backend.add_rule([backend.add_atom(symbol)])
        ctl.add("base", [], encoding("diff.lp"))
        for text in encodings:
            ctl.add("base", [], text)
        ctl.ground([("base", [])])
        self.ctl = ctl
        self._complete = Function("complete")
        self.literals = {a.symbol: a.literal for name, arity in _LOOKED_UP
                         for a in ctl.symbolic_atoms.by_signature(name, arity)}

    def literal(self, name: str, *args: str | int) -> int | None:
        """The program literal of a shown atom, None when it cannot hold."""
        return self.literals.get(_fn(name, *args))

    def _configure(self, complete: bool, brave: bool) -> None:
        self.ctl.assign_external(self._complete, complete)
        config: Any = self.ctl.configuration.solve
        config.enum_mode = "brave" if brave else "auto"
        config.opt_mode = "ignore" if brave else "opt"
        config.models = "0"

    def brave(self, assumptions: Sequence[int], complete: bool) -> list[clingo.Symbol]:
        """Every shown atom that holds in some case under the assumptions ([] when none)."""
        self._configure(complete, brave=True)
        last: list[Sequence[clingo.Symbol]] = [[]]

        def keep(model: clingo.Model) -> bool:
            last[0] = model.symbols(shown=True)
            return True

        solve_models(self.ctl, assumptions, keep, self.time_limit, "comparing the tables")
        return list(last[0])

    def kinds(self, complete: bool) -> set[tuple[str, str]]:
        """Every (old verdict, new verdict) pair that differs on some case."""
        return {(s.arguments[0].name, s.arguments[1].name)
                for s in self.brave([], complete) if s.name == "changed"}

    def witness(self, assumptions: Iterable[int], complete: bool) -> JointCase | None:
        """An optimal case under the assumptions, or None when there is none."""
        self._configure(complete, brave=False)
        best: list[Sequence[clingo.Symbol]] = []

        def keep(model: clingo.Model) -> bool:
            best[:] = [model.symbols(shown=True)]
            return True

        solve_models(self.ctl, list(assumptions), keep, self.time_limit,
                     "finding a witness case")
        if not best:
            return None
        values: dict[int, int] = {}
        absent: set[int] = set()
        verdicts: dict[str, str] = {}
        for symbol in best[0]:
            args = symbol.arguments
            if symbol.name == "doc":
                values[args[0].number] = args[1].number
            elif symbol.name == "absent":
                absent.add(args[0].number)
            elif symbol.name == "verdict":
                verdicts[args[0].name] = args[1].name
        return JointCase(values, frozenset(absent), verdicts)
