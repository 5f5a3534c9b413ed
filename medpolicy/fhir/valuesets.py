"""The ValueSet a ``codes`` fact's Questionnaire item answers from (``answerValueSet``).

A codes fact is read by ``has(fact, VS)`` and ``has(fact, [...])``; its item
gets ``answerValueSet: "#<id>"`` and the Questionnaire contains that ValueSet
(SDC: a contained ValueSet referred to by ``#id``). The item stays
``open-choice``: a code outside every set is still an answer (it can matter,
through ``not has(...)``).

- A fact read with one named value set only: that value set, id
  ``vs-<value set id>``, with ``title`` = its id, ``description`` = its
  description and ``purpose`` = its source ("Source NCD-100.1: <text>").
- Otherwise (two or more sets, or an inline list): their union, id
  ``codes-<fact>``, whose ``description`` names each set (id, description,
  source).

Patterns become ``compose.include`` entries as ``codepatterns`` says.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from medpolicy.fhir.codepatterns import includes
from medpolicy.fhir.codes import system_uri
from medpolicy.fhir.questionnaire import fhir_id
from medpolicy.fhir.types import NONE_CODING
from medpolicy.logic.regions import CodeSet, code_sets
from medpolicy.tables.model import Fact, Policy
from medpolicy.tables.valuesets import ValueSet

#: The answer "None" (no code documented), offered by every answer ValueSet.
_NONE_INCLUDE = {"system": NONE_CODING["system"],
                 "concept": [{"code": NONE_CODING["code"], "display": NONE_CODING["display"]}]}


def answer_valuesets(policy: Policy, base_url: str, policy_id: str) -> dict[str, dict[str, Any]]:
    """For each codes fact some ``has(...)`` reads, its answer ValueSet (FHIR JSON)."""
    named = {v.id: v for v in policy.valuesets}
    found: dict[str, dict[str, Any]] = {}
    for fact_name, sets in code_sets(policy).items():
        unique = list({s.name: s for s in sets}.values())
        if not unique:
            continue
        fact = policy.fact_map[fact_name]
        if len(unique) == 1 and unique[0].name in named:
            found[fact_name] = _single(fact, named[unique[0].name], policy, base_url, policy_id)
        else:
            found[fact_name] = _union(fact, unique, named, policy, base_url, policy_id)
    return found


def _name(text: str) -> str:
    """A computable name: starts with a capital letter, letters, digits and '_' only."""
    words = re.split(r"[^A-Za-z0-9]+", text)
    name = "".join(w[:1].upper() + w[1:] for w in words if w)
    return name if name[:1].isalpha() else f"ValueSet{name}"


def _source(valueset: ValueSet, sources: Mapping[str, str]) -> str:
    if not valueset.source:
        return ""
    text = sources.get(valueset.source, "")
    return f"Source {valueset.source}: {text}" if text else f"Source {valueset.source}"


def _resource(resource_id: str, title: str, fact: Fact, patterns: list[Any],
              base_url: str, policy_id: str) -> dict[str, Any]:
    uri = system_uri(fact, base_url)
    return {
        "resourceType": "ValueSet",
        "id": resource_id,
        "url": f"{base_url}/ValueSet/{policy_id}/{resource_id}",
        "name": _name(resource_id),
        "title": title,
        "status": "active",
        "compose": {"include": [*includes(fact.system, uri, patterns), _NONE_INCLUDE]},
    }


def _single(fact: Fact, valueset: ValueSet, policy: Policy, base_url: str,
            policy_id: str) -> dict[str, Any]:
    resource = _resource(fhir_id(f"vs-{valueset.id}"), valueset.id, fact,
                         list(valueset.patterns), base_url, policy_id)
    if valueset.description:
        resource["description"] = valueset.description
    purpose = _source(valueset, dict(policy.sources))
    if purpose:
        resource["purpose"] = purpose
    return resource


def _union(fact: Fact, sets: list[CodeSet], named: Mapping[str, ValueSet], policy: Policy,
           base_url: str, policy_id: str) -> dict[str, Any]:
    patterns = [p for s in sets for p in s.patterns]
    resource = _resource(fhir_id(f"codes-{fact.name}"), f"Codes the table reads in {fact.name}",
                         fact, patterns, base_url, policy_id)
    lines = []
    for code_set in sets:
        valueset = named.get(code_set.name)
        if valueset is None:
            lines.append(f"- the inline list {code_set.name}")
            continue
        parts = [part for part in (valueset.description, _source(valueset, dict(policy.sources)))
                 if part]
        lines.append(f"- {valueset.id}" + (f": {'; '.join(parts)}" if parts else ""))
    resource["description"] = "The union of:\n\n" + "\n".join(lines)
    return resource
