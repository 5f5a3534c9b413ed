"""The ``check`` section of a table: reviewed findings it accepts, each with a reason.

```yaml
check:
  accept:
    - kind: conflict
      rows: [mild_without_symptoms, osa_confirmed]
      reason: priority resolves it as intended (reviewed 2026-03-01)
```

An entry names a finding kind, what the finding is about (``rows``, ``criteria`` or
``fact``; none for a kind about the whole table) and a required ``reason``. An
unknown kind, row, criterion or fact, or a missing reason, is a located problem.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from medpolicy.errors import did_you_mean
from medpolicy.tables.collect import Collector, describe, join
from medpolicy.tables.model import Acceptance

#: The finding kinds of ``medpolicy check`` that a table can accept (every kind a valid
#: table can yield; tests keep this equal to the checker's semantic kinds).
ACCEPTABLE_KINDS = (
    "conflict",
    "overlap",
    "gap",
    "dead_row",
    "shadowed_row",
    "redundant_row",
    "unreachable_outcome",
    "constant_criterion",
    "unused_fact",
    "unused_criterion",
    "irrelevant_fact",
    "band-island",
)
ENTRY_KEYS = ("kind", "rows", "criteria", "fact", "reason")


def read_acceptances(
    c: Collector,
    root: Mapping[object, object],
    facts: Mapping[str, object],
    criteria: Sequence[str],
    rows: Sequence[str],
) -> tuple[Acceptance, ...]:
    """The ``check.accept`` entries, every problem recorded with its location."""
    section = c.mapping(root, "check", "")
    if section is None:
        return ()
    c.check_keys(section, "check", ("accept",), what="check key")
    items = c.sequence(section, "accept", "check") or []
    result = []
    for index, spec in enumerate(items):
        path = join("check.accept", index)
        where = c.item(items, index, path)
        if not isinstance(spec, Mapping):
            c.wrong_type(where, "a mapping with kind and reason", spec)
            continue
        c.check_keys(spec, path, ENTRY_KEYS, ("kind", "reason"), what="accept key")
        kind = c.choice(spec, "kind", path, ACCEPTABLE_KINDS)
        reason = c.text(spec, "reason", path)
        named_rows = _names(c, spec, "rows", path, rows, "row")
        named_criteria = _names(c, spec, "criteria", path, criteria, "criterion")
        fact = c.text(spec, "fact", path)
        if fact is not None and fact not in facts:
            c.add(c.value(spec, "fact", join(path, "fact")), f"unknown fact {describe(fact)}",
                  expected="a fact of the table", found=describe(fact),
                  hint=did_you_mean(fact, list(facts)))
            fact = None
        if kind and reason and named_rows is not None and named_criteria is not None:
            result.append(Acceptance(kind, reason, named_rows, named_criteria, fact, where))
    return tuple(result)


def _names(
    c: Collector, spec: Mapping[object, object], key: str, path: str, known: Sequence[str],
    what: str,
) -> tuple[str, ...] | None:
    """The names listed under ``key``, each a known one (None when one is not)."""
    listed = c.text_list(spec, key, path) or []
    ok = True
    for name, where in listed:
        if name not in known:
            c.add(where, f"unknown {what} {describe(name)}", expected=f"a {what} of the table",
                  found=describe(name), hint=did_you_mean(name, list(known)))
            ok = False
    return tuple(name for name, _ in listed) if ok else None
