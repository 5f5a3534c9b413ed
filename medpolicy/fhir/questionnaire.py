"""A table as a DTR-style R4 Questionnaire: one item per fact.

``linkId`` is the fact's name, ``text`` its question; the type-specific part
of each item comes from ``medpolicy.fhir.types``. The table's id, version and
sha256 travel in ``identifier`` and ``version``, so a response can be matched
to the exact table it was answered for. A table that counts windows
(``months_since(d)``) also asks the date of service: a required ``date``
item with linkId ``service_date``, last.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from medpolicy.fhir.resources import validated
from medpolicy.fhir.types import Context, mapping
from medpolicy.tables.model import Fact, Policy
from medpolicy.tables.windows import uses_windows

#: The linkId of the item that carries the case's date of service.
SERVICE_DATE = "service_date"
#: The item a table that counts windows adds: the date the windows count to.
SERVICE_DATE_ITEM: dict[str, Any] = {
    "linkId": SERVICE_DATE, "text": "What is the date of service?", "type": "date",
    "required": True,
}
#: The base of canonical URLs when the caller gives none (``.example`` is reserved).
DEFAULT_BASE_URL = "https://medpolicy.example/fhir"


def fhir_id(text: str) -> str:
    """``text`` as a FHIR id (letters, digits, '-' and '.', at most 64 characters)."""
    cleaned = re.sub(r"[^A-Za-z0-9.-]", "-", text)[:64]
    return cleaned or "policy"


def context(policy: Policy, base_url: str = DEFAULT_BASE_URL) -> Context:
    return Context(base_url.rstrip("/"), fhir_id(policy.id), policy)


def canonical_url(policy: Policy, base_url: str = DEFAULT_BASE_URL) -> str:
    """The Questionnaire's canonical URL (without version)."""
    ctx = context(policy, base_url)
    return f"{ctx.base_url}/Questionnaire/{ctx.policy_id}"


def versioned_url(policy: Policy, base_url: str = DEFAULT_BASE_URL) -> str:
    """The canonical URL with ``|version``, as a response or CRD refers to it."""
    return f"{canonical_url(policy, base_url)}|{policy.version}"


def identifiers(policy: Policy, base_url: str = DEFAULT_BASE_URL) -> list[dict[str, str]]:
    """The table's id and its sha256, as FHIR identifiers."""
    base = base_url.rstrip("/")
    found = [{"system": f"{base}/policy", "value": policy.id}]
    if policy.sha256:
        found.append({"system": f"{base}/policy-sha256", "value": policy.sha256})
    return found


def item(fact: Fact, policy: Policy, base_url: str = DEFAULT_BASE_URL) -> dict[str, Any]:
    """The Questionnaire item that asks for one fact."""
    return _item(fact, context(policy, base_url))


def _item(fact: Fact, ctx: Context) -> dict[str, Any]:
    built: dict[str, Any] = {"linkId": fact.name, "text": fact.question or fact.name}
    built.update(mapping(fact).item(fact, ctx))
    return built


def build_questionnaire(
    policy: Policy, base_url: str = DEFAULT_BASE_URL, *, facts: Sequence[Fact] | None = None,
    resource_id: str | None = None,
) -> dict[str, Any]:
    """The R4 Questionnaire of ``policy`` (every fact, or only ``facts``), validated."""
    chosen = policy.facts if facts is None else facts
    ctx = context(policy, base_url)
    data: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": resource_id or fhir_id(policy.id),
        "url": canonical_url(policy, base_url),
        "identifier": identifiers(policy, base_url),
        "version": policy.version,
        "name": _name(policy.id),
        "title": policy.title,
        "status": "active",
        "subjectType": ["Patient"],
        "item": [_item(f, ctx) for f in chosen],
    }
    if facts is None and uses_windows(policy) and SERVICE_DATE not in policy.fact_map:
        data["item"].append(SERVICE_DATE_ITEM)
    if policy.description:
        data["description"] = policy.description
    if policy.effective:
        data["effectivePeriod"] = {"start": policy.effective}
    if policy.codes:
        data["code"] = [{"code": code} for code in policy.codes]
    contained = _contained(chosen, ctx)
    if contained:
        data["contained"] = contained
    if not data["item"]:
        del data["item"]
    return validated(data)


def _contained(facts: Sequence[Fact], ctx: Context) -> list[dict[str, Any]]:
    """The resources the items refer to (value sets), each once, in order of first use."""
    found: dict[str, dict[str, Any]] = {}
    for fact in facts:
        for resource in mapping(fact).contained(fact, ctx):
            found.setdefault(str(resource["id"]), resource)
    return list(found.values())


def _name(policy_id: str) -> str:
    """A computable name (FHIR: starts with a capital letter, letters/digits/_ only)."""
    words = re.split(r"[^A-Za-z0-9]+", policy_id)
    name = "".join(w[:1].upper() + w[1:] for w in words if w)
    return name if name[:1].isalpha() else f"Policy{name}"
