"""Validating a parsed table and building the frozen ``Policy``.

``validate_policy`` checks the structure (keys, types) and the meaning
(references, cycles, expression types) of a table in one pass, collects every
problem and raises one ``ValidationError`` listing them all. A valid table
becomes a ``Policy`` whose expressions are normalized (enum values are text).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping

from medpolicy.errors import ValidationError, did_you_mean, single
from medpolicy.tables.collect import Collector, describe, join, sorted_problems
from medpolicy.tables.model import (
    HIT_POLICIES,
    OTHERWISE_ID,
    OUTCOMES,
    HitPolicy,
    Otherwise,
    Outcome,
    Policy,
    Row,
)
from medpolicy.tables.validate_accept import read_acceptances
from medpolicy.tables.validate_criteria import read_condition, read_criteria
from medpolicy.tables.validate_expr import ExpressionChecker
from medpolicy.tables.validate_facts import read_facts
from medpolicy.tables.valuesets import read_valuesets
from medpolicy.tables.yamlio import Document

TOP_KEYS = (
    "id",
    "title",
    "version",
    "effective",
    "description",
    "codes",
    "sources",
    "facts",
    "valuesets",
    "criteria",
    "rows",
    "hit_policy",
    "otherwise",
    "check",
)
REQUIRED_KEYS = ("id", "title", "version", "facts", "rows")
ROW_KEYS = ("id", "when", "outcome", "reason", "sources")
OTHERWISE_KEYS = ("outcome", "reason", "sources")
_ROW_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


def validate_policy(document: Document, sha256: str = "") -> Policy:
    """The Policy a parsed table describes; raises ValidationError with every problem."""
    c = Collector(document)
    root = document.root
    if not isinstance(root, Mapping):
        raise ValidationError(
            single(
                c.node(root, ""),
                "a policy table must be a mapping",
                expected="a mapping with id, title, version, facts and rows",
                found=describe(root),
            )
        )
    c.check_keys(root, "", TOP_KEYS, REQUIRED_KEYS, what="top-level key")
    sources = _sources(c, root)
    facts = read_facts(c, root)
    declared = root.get("facts")
    broken = (
        {str(k) for k in declared if k not in facts} if isinstance(declared, Mapping) else set()
    )
    criteria_section = c.mapping(root, "criteria", "") or {}
    names = [str(name) for name in criteria_section]
    systems = {f.system for f in facts.values() if f.type == "codes"}
    valuesets = read_valuesets(c, root, systems, sources)
    checker = ExpressionChecker(c, facts, names, ignore=broken, valuesets=valuesets)
    criteria = read_criteria(c, criteria_section, checker, [*facts, *broken])
    rows = _rows(c, root, checker, sources)
    otherwise = _otherwise(c, root, sources)
    hit_policy: HitPolicy = c.choice(root, "hit_policy", "", HIT_POLICIES) or "priority"
    header = _header(c, root)
    codes = c.text_list(root, "codes", "", allow_int=True, expected="a code (a text or a number)")
    accepted = read_acceptances(c, root, facts, names, [row.id for row in rows])
    if c.problems:
        raise ValidationError(sorted_problems(c.problems))
    return Policy(
        id=header["id"],
        title=header["title"],
        version=header["version"],
        facts=tuple(facts.values()),
        criteria=criteria,
        rows=rows,
        hit_policy=hit_policy,
        otherwise=otherwise,
        effective=header.get("effective"),
        codes=tuple(code for code, _ in codes or ()),
        sources=tuple(sources.items()),
        description=header.get("description", ""),
        path=document.file,
        sha256=sha256,
        accepted=accepted,
        valuesets=tuple(valuesets.values()),
    )


def _header(c: Collector, root: Mapping[object, object]) -> dict[str, str]:
    header: dict[str, str] = {}
    for key in ("id", "title", "version", "effective", "description"):
        value = c.text(root, key, "", allow_int=key == "version")
        if value is not None:
            header[key] = value
    effective = header.get("effective")
    if effective is not None:
        try:
            datetime.date.fromisoformat(effective)
        except ValueError:
            c.add(
                c.value(root, "effective", "effective"),
                "not a date",
                expected="a date written YYYY-MM-DD",
                found=describe(effective),
            )
    return header


def _sources(c: Collector, root: Mapping[object, object]) -> dict[str, str]:
    section = c.mapping(root, "sources", "") or {}
    sources: dict[str, str] = {}
    for key in section:
        text = c.text(section, str(key), "sources") if isinstance(key, str) else None
        if not isinstance(key, str):
            c.add(c.key(section, key, "sources"), f"a source key must be a text, got {key!r}")
        elif text is not None:
            sources[key] = text
    return sources


def _source_refs(
    c: Collector, mapping: Mapping[object, object], path: str, sources: Mapping[str, str]
) -> tuple[str, ...]:
    refs = c.text_list(mapping, "sources", path) or []
    for ref, where in refs:
        if ref not in sources:
            c.add(
                where,
                f"unknown source '{ref}'",
                expected="a key of the 'sources' section",
                hint=did_you_mean(ref, sources) or f"declare '{ref}' under 'sources'",
            )
    return tuple(ref for ref, _ in refs)


def _rows(
    c: Collector,
    root: Mapping[object, object],
    checker: ExpressionChecker,
    sources: Mapping[str, str],
) -> tuple[Row, ...]:
    items = c.sequence(root, "rows", "") or []
    rows: list[Row] = []
    first_line: dict[str, int | None] = {}
    for index, spec in enumerate(items):
        path = join("rows", index)
        where = c.item(items, index, path)
        if not isinstance(spec, Mapping):
            c.wrong_type(where, "a mapping with id, when, outcome and reason", spec)
            continue
        c.check_keys(spec, path, ROW_KEYS, ("id", "when", "outcome", "reason"), what="row key")
        row_id = _row_id(c, spec, path, first_line)
        cond = read_condition(c, spec, path, checker)
        outcome = c.choice(spec, "outcome", path, OUTCOMES)
        reason = c.text(spec, "reason", path)
        refs = _source_refs(c, spec, path, sources)
        expr = checker.check(cond.parsed, cond.locate) if cond and cond.parsed else None
        if row_id and cond and expr and outcome and reason:
            rows.append(Row(row_id, expr, cond.text, outcome, reason, refs, where))
    return tuple(rows)


def _row_id(
    c: Collector, spec: Mapping[object, object], path: str, first_line: dict[str, int | None]
) -> str | None:
    row_id = c.text(spec, "id", path)
    if row_id is None:
        return None
    where = c.value(spec, "id", join(path, "id"))
    if not _ROW_ID.fullmatch(row_id):
        c.add(
            where,
            f"invalid row id {describe(row_id)}",
            expected="letters, digits, '_', '-' or '.', without spaces",
        )
    elif row_id == OTHERWISE_ID:
        c.add(where, f"'{OTHERWISE_ID}' is reserved for the 'otherwise' clause; rename the row")
    elif row_id in first_line:
        c.add(where, f"duplicate row id '{row_id}' (first used on line {first_line[row_id]})")
    else:
        first_line[row_id] = where.line
        return row_id
    return None


def _otherwise(
    c: Collector, root: Mapping[object, object], sources: Mapping[str, str]
) -> Otherwise | None:
    spec = c.mapping(root, "otherwise", "")
    if spec is None:
        return None
    c.check_keys(spec, "otherwise", OTHERWISE_KEYS, ("outcome",), what="key")
    outcome: Outcome | None = c.choice(spec, "outcome", "otherwise", OUTCOMES)
    reason = c.text(spec, "reason", "otherwise")
    refs = _source_refs(c, spec, "otherwise", sources)
    if outcome == "deny" and reason is None and "reason" not in spec:
        c.add(
            c.node(spec, "otherwise.reason"),
            "a denial needs a specific reason (CMS-0057-F); add 'reason'",
        )
    if outcome is None:
        return None
    return Otherwise(outcome, reason or "", refs)
