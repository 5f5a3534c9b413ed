"""The interval abstraction: intervals in words, values outside a domain, joint cuts."""

from __future__ import annotations

import pytest

from medpolicy import policy_from_text
from medpolicy.logic.domain import Interval, build_domains, joint_domains
from medpolicy.tables.model import Fact

TABLE = """\
id: t
title: T
version: "1"
facts:
  n: {type: int, min: 0, max: 20}
  e: {type: enum, values: [a, "62320"]}
  free: {type: int}
rows:
  - {id: r, when: "n >= 5 and n != 9 and e in [62320]", outcome: deny, reason: R.}
"""


def test_intervals_in_words() -> None:
    """An interval reads as one value, a range, a bound, or any value."""
    assert Interval(7, 7).describe() == "7"
    assert Interval(4, 5).describe() == "4 to 5"
    assert Interval(None, 24).describe() == "<= 24"
    assert Interval(4, None).describe() == ">= 4"
    assert Interval(None, None).describe() == "any value"


def test_int_cut_at_every_threshold_within_the_range() -> None:
    """n >= 5 and n != 9 cut 0..20 into 0-4, 5-8, 9, 10-20; an untouched int is one interval."""
    n, _, free = build_domains(policy_from_text(TABLE))
    assert [n.label(i) for i in n.indices()] == ["0 to 4", "5 to 8", "9", "10 to 20"]
    assert [n.index_of(v) for v in (0, 4, 5, 9, 20)] == [0, 0, 1, 2, 3]
    assert [free.label(i) for i in free.indices()] == ["any value"]
    assert free.index_of(-10**9) == free.index_of(10**9) == 0


def test_values_outside_a_domain_are_refused() -> None:
    """index_of names the fact when a value lies outside its domain (int or enum)."""
    n, e, _ = build_domains(policy_from_text(TABLE))
    with pytest.raises(ValueError, match="21 is outside the domain of n"):
        n.index_of(21)
    with pytest.raises(ValueError, match="-1 is outside the domain of n"):
        n.index_of(-1)
    with pytest.raises(ValueError, match="'b' is outside the domain of e"):
        e.index_of("b")
    assert e.index_of(62320) == e.index_of("62320") == 1


def test_joint_domains_cut_at_the_ranges_given() -> None:
    """The ranges of both tables' declarations cut the joint interval (diff)."""
    policy = policy_from_text(TABLE)
    hull = Fact("n", "int", minimum=0, maximum=30)
    other = Fact("n", "int", minimum=3, maximum=25)
    (n,) = joint_domains([hull], policy, ranges=[other])
    assert [n.label(i) for i in n.indices()] == [
        "0 to 2", "3 to 4", "5 to 8", "9", "10 to 25", "26 to 30"]
