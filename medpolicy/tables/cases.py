"""Loading cases: what a chart documents, checked against a policy's facts.

A case file (YAML or JSON) has ``id`` (optional; the file name without its
extension by default), ``policy`` (optional; the id of the policy it is
written for), ``description``, ``facts`` (a mapping) and ``expect`` (optional:
``verdict``, for a pend ``missing`` as a list of alternatives, each a list of
fact names, and ``rows``, the ids of the rows expected among the reasons).

Unknown facts, wrong types and values outside a fact's domain are errors that
name the fact, the file, the line and column, what was expected and what was
given. Nothing is coerced or dropped; an enum value written as a number whose
text is listed (``cpt: 62321``) is stored as that text. Defaults of
closed-world facts are not filled in here: the solver applies them.

A JSON case whose top level has a ``resourceType`` is a FHIR resource: a
QuestionnaireResponse is read by ``medpolicy.fhir.response`` (imported only
then; it needs the ``fhir`` extra), any other resource is an error.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path

from medpolicy.errors import InputError, LoadError, Location, Problem, ValidationError, did_you_mean
from medpolicy.tables.collect import Collector, describe, join, sorted_problems
from medpolicy.tables.expr import Value
from medpolicy.tables.model import OTHERWISE_ID, OUTCOMES, Case, Expectation, Policy
from medpolicy.tables.validate_facts import DomainIssue, check_value, parse_date
from medpolicy.tables.windows import uses_windows
from medpolicy.tables.yamlio import Document, load_file

CASE_KEYS = ("id", "policy", "description", "service_date", "facts", "expect")
EXPECT_KEYS = ("verdict", "missing", "rows")


def load_case(path: str | Path, policy: Policy, *, service_date: date | None = None) -> Case:
    """A case file checked against ``policy``; raises LoadError or ValidationError.

    ``service_date`` (the CLI's ``--service-date``) replaces the file's.
    """
    path = Path(path)
    document, _ = load_file(path)
    return _case(Collector(document), policy, "stdin" if str(path) == "-" else path.stem,
                 service_date)


def load_cases(paths: Iterable[str | Path], policy: Policy, *,
               service_date: date | None = None) -> list[Case]:
    """Every case file, in order; one InputError lists the problems of all bad files.

    The error is a LoadError when every bad file failed to load, otherwise a
    ValidationError. Two files with the same case id are an error too.
    """
    cases: list[Case] = []
    problems: list[Problem] = []
    only_load_errors = True
    first_file: dict[str, str] = {}
    for path in paths:
        try:
            case = load_case(path, policy, service_date=service_date)
        except InputError as error:
            problems.extend(error.problems)
            only_load_errors = only_load_errors and isinstance(error, LoadError)
            continue
        if case.id in first_file:
            problems.append(
                Problem(
                    Location(case.path, path="id"),
                    f"duplicate case id '{case.id}' (also in {first_file[case.id]})",
                )
            )
            only_load_errors = False
        first_file.setdefault(case.id, case.path)
        cases.append(case)
    if problems:
        raise (LoadError if only_load_errors else ValidationError)(problems)
    return cases


def case_from_mapping(
    data: Mapping[str, object],
    policy: Policy,
    source: str = "<memory>",
    line: int | None = None,
    *,
    service_date: date | None = None,
) -> Case:
    """A case from already-parsed data (a JSON Lines record, a CSV row turned into a dict).

    ``source`` and ``line`` say where it came from, for messages; the default
    id is the source's name without extension, with ``:line`` when given.
    """
    stem = Path(source).stem if source != "<memory>" else source
    default_id = f"{stem}:{line}" if line is not None else stem
    return _case(Collector(Document(source, "", data), line), policy, default_id, service_date)


def _service_date(c: Collector, root: Mapping[object, object], policy: Policy,
                  override: date | None) -> date | None:
    """The case's service date: the override, else the file's; required by windows."""
    if override is not None:
        return override
    if "service_date" not in root:
        if uses_windows(policy):
            c.add(c.node(root, "service_date"),
                  f"the policy '{policy.id}' counts time since dates, so the case needs a "
                  "'service_date'", expected="service_date: YYYY-MM-DD",
                  hint="add it to the case, or give --service-date DATE")
        return None
    value = root["service_date"]
    parsed = parse_date(value)
    if parsed is None:
        c.add(c.value(root, "service_date", "service_date"), "malformed service date",
              expected="a date YYYY-MM-DD that exists", found=describe(value))
    return parsed


def _case(c: Collector, policy: Policy, default_id: str,
          service_override: date | None = None) -> Case:
    root = c.document.root
    if not isinstance(root, Mapping):
        c.add(c.node(root, ""), "a case must be a mapping", expected="a mapping with 'facts'")
        raise ValidationError(c.problems)
    if "resourceType" in root:
        # A FHIR resource: a QuestionnaireResponse is a case (DESIGN.md, FHIR).
        from medpolicy.fhir.response import read_response

        return read_response(c, policy, default_id, service_date=service_override)
    c.check_keys(root, "", CASE_KEYS, ("facts",), what="case key")
    case_id = c.text(root, "id", "") or default_id
    policy_id = c.text(root, "policy", "")
    # A case written for a table also runs against its overlays (any layer's id).
    if policy_id is not None and policy_id not in policy.layer_ids:
        c.add(
            c.value(root, "policy", "policy"),
            f"this case is written for the policy '{policy_id}', not '{policy.id}'",
            expected=repr(policy.id),
            found=repr(policy_id),
        )
    description = c.text(root, "description", "") or ""
    service_date = _service_date(c, root, policy, service_override)
    facts, locations = _facts(c, root, policy)
    expect = _expect(c, root, policy, facts)
    if c.problems:
        raise ValidationError(sorted_problems(c.problems))
    return Case(case_id, facts, policy_id, description, expect, c.file, locations,
                service_date)


def _facts(
    c: Collector, root: Mapping[object, object], policy: Policy
) -> tuple[dict[str, Value], dict[str, Location]]:
    facts: dict[str, Value] = {}
    locations: dict[str, Location] = {}
    section = c.mapping(root, "facts", "") or {}
    for name, value in section.items():
        path = join("facts", str(name))
        fact = policy.fact_map.get(name) if isinstance(name, str) else None
        if fact is None:
            c.add(
                c.key(section, name, path),
                f"unknown fact {describe(name)} (not in policy '{policy.id}')",
                hint=did_you_mean(str(name), policy.fact_map),
            )
            continue
        where = c.value(section, name, path)
        checked = check_value(fact, value)
        if isinstance(checked, DomainIssue):
            hint = checked.hint
            if value is None:
                hint = "leave the fact out of the case when the chart does not document it"
            c.add(where, checked.message, expected=checked.expected, found=checked.found, hint=hint)
            continue
        facts[fact.name] = checked
        locations[fact.name] = where
    return facts, locations


def _expect(
    c: Collector, root: Mapping[object, object], policy: Policy, given: Mapping[str, Value]
) -> Expectation | None:
    expect = c.mapping(root, "expect", "")
    if expect is None:
        return None
    c.check_keys(expect, "expect", EXPECT_KEYS, ("verdict",), what="key")
    verdict = c.choice(expect, "verdict", "expect", OUTCOMES)
    missing = _missing(c, expect, policy, given)
    if missing and verdict is not None and verdict != "pend":
        c.add(
            c.value(expect, "missing", "expect.missing"),
            f"missing facts are expected only for a pend, and the verdict is {verdict}",
            expected="no 'missing', or 'missing: []'",
        )
    rows = c.text_list(expect, "rows", "expect")
    # 'otherwise' names what happens when no row matches: the otherwise clause,
    # or, in a table without one, the gap that pends (decide reports it so).
    known_rows = [*policy.row_map, OTHERWISE_ID]
    for row, where in rows or ():
        if row not in known_rows:
            c.add(where, f"unknown row '{row}'", hint=did_you_mean(row, known_rows))
    if verdict is None:
        return None
    return Expectation(
        verdict,
        tuple(missing) if missing is not None else None,
        tuple(row for row, _ in rows) if rows is not None else None,
    )


def _missing(
    c: Collector, expect: Mapping[object, object], policy: Policy, given: Mapping[str, Value]
) -> list[frozenset[str]] | None:
    items = c.sequence(expect, "missing", "expect")
    if items is None:
        return None
    alternatives: list[frozenset[str]] = []
    for index, alternative in enumerate(items):
        path = join("expect.missing", index)
        if not isinstance(alternative, list) or not alternative:
            c.wrong_type(c.item(items, index, path), "a non-empty list of fact names", alternative)
            continue
        names: set[str] = set()
        for position, name in enumerate(alternative):
            where = c.item(alternative, position, join(path, position))
            if not isinstance(name, str):
                c.wrong_type(where, "a fact name", name)
            elif name not in policy.fact_map:
                c.add(where, f"unknown fact '{name}'", hint=did_you_mean(name, policy.fact_map))
            elif name in given:
                c.add(where, f"'{name}' is given in the case, so it cannot be missing")
            elif name in names:
                c.add(where, f"'{name}' is listed twice in this alternative")
            if isinstance(name, str):
                names.add(name)
        if frozenset(names) in alternatives:
            c.add(c.item(items, index, path), "the same alternative is listed twice")
        alternatives.append(frozenset(names))
    return alternatives
