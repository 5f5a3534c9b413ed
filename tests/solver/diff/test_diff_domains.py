"""diff of two tables whose fact domains differ: int ranges, enum values, defaults.

A joint case documents only values both tables accept; an unknown fact is
completed by each table over its own values (as ``decide`` does), and a fact
left out takes each table's own default. Before this was so, these diffs
failed ("internal check failed": the diff completed unknown facts over the
common values only, decide over all of the table's) or were refused (a
default the other table does not accept).
"""

from __future__ import annotations

from medpolicy import policy_from_text
from medpolicy.solver.diff.engine import PolicyDiff, diff_policies
from medpolicy.tables.model import Policy


def _table(version: str, facts: str, when: str) -> Policy:
    return policy_from_text(
        f"id: t\ntitle: T\nversion: '{version}'\nfacts:\n{facts}"
        f"rows:\n  - {{id: r0, when: '{when}', outcome: deny, reason: R.}}\n"
        "otherwise: {outcome: approve}\n")


Shown = list[tuple[dict[str, object], tuple[str, ...]]]


def _kinds(diff: PolicyDiff) -> dict[tuple[str, str], Shown]:
    """Each kind of change with its witnesses: documented facts, facts left out."""
    return {(c.before, c.after): [(dict(w.facts), w.unknown) for w in c.witnesses]
            for c in diff.changes}


def test_int_ranges_and_enum_values_differ() -> None:
    """n 0..10 -> 5..20 and enum c -> d: the right kinds, witnesses only with shared values."""
    old = _table("1", "  n: {type: int, min: 0, max: 10}\n  e: {type: enum, values: [a, b, c]}\n",
                 "n >= 5 and e == c")
    new = _table("2", "  n: {type: int, min: 5, max: 20}\n  e: {type: enum, values: [a, b, d]}\n",
                 "n >= 7 or e == d")
    diff = diff_policies(old, new, max_witnesses=5)
    assert _kinds(diff) == {
        # complete cases (n in 5..10, e in a, b): old approves, new denies from 7 on
        ("approve", "deny"): [({"n": 7, "e": "a"}, ())],
        # n unknown: old approves whatever n is; new may deny (n >= 7) or approve
        ("approve", "pend"): [({"e": "a"}, ("n",))],
        # e unknown, n >= 7: old may deny (e == c) or approve; new denies
        ("pend", "deny"): [({"n": 7}, ("e",))],
    }
    change = next(c for c in diff.changes if c.on_complete)
    assert [(r.fact, r.values, r.among) for r in change.affected] == [("n", "7 to 10", "5 to 10")]


def test_witnesses_never_show_a_value_one_table_rejects() -> None:
    """A change that only values outside the other range would show is not reported."""
    old = _table("1", "  n: {type: int, min: 0, max: 10}\n", "n >= 3")
    new = _table("2", "  n: {type: int, min: 3, max: 20}\n", "n >= 3")
    diff = diff_policies(old, new, max_witnesses=5)
    # documented n is 3..10 in both: deny alike; n unknown: old pends (0..2 approve), new denies
    assert _kinds(diff) == {("pend", "deny"): [({}, ("n",))]}


def test_a_default_only_one_table_accepts() -> None:
    """A case that leaves n out gets the old default 8; the new table completes n over 0..5."""
    old = _table("1", "  n: {type: int, min: 0, max: 10, default: 8}\n", "n >= 7")
    new = _table("2", "  n: {type: int, min: 0, max: 5}\n", "n >= 3")
    diff = diff_policies(old, new, max_witnesses=5)
    assert _kinds(diff) == {
        ("approve", "deny"): [({"n": 3}, ())],
        ("deny", "pend"): [({}, ("n",))],
    }


def test_enum_value_removed() -> None:
    """Removing c (never a witness value): only b changes; e left out pends in both tables."""
    old = _table("1", "  e: {type: enum, values: [a, b, c]}\n", "e == c")
    new = _table("2", "  e: {type: enum, values: [a, b]}\n", "e == b")
    diff = diff_policies(old, new, max_witnesses=5)
    assert _kinds(diff) == {
        ("approve", "deny"): [({"e": "b"}, ())],
    }
