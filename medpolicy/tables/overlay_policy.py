"""The Policy of an overlay table: resolve its layers, validate once, mark each row's layer."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from importlib.resources.abc import Traversable

from medpolicy.errors import ValidationError
from medpolicy.tables.model import Policy
from medpolicy.tables.overlay import Resolved, replaced_hints, resolve_overlay
from medpolicy.tables.validate import validate_policy
from medpolicy.tables.yamlio import Document


def layered_sha256(resolved: Resolved) -> str:
    """The SHA-256 of every layer's text, base first: a change to any layer changes it."""
    digest = hashlib.sha256()
    document = resolved.document
    for text in (*document.sources.values(), document.text):
        digest.update(text.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def overlay_policy(document: Document, folder: Traversable | None) -> Policy:
    """The validated, flattened Policy of an overlay; raises LoadError or ValidationError."""
    resolved = resolve_overlay(document, folder)
    try:
        policy = validate_policy(resolved.document, layered_sha256(resolved))
    except ValidationError as error:
        raise ValidationError(replaced_hints(list(error.problems), resolved)) from None
    rows = tuple(replace(r, layer=resolved.row_layers.get(r.id, policy.id)) for r in policy.rows)
    otherwise = policy.otherwise
    if otherwise is not None:
        otherwise = replace(otherwise, layer=resolved.otherwise_layer or policy.id)
    return replace(policy, rows=rows, otherwise=otherwise, layers=resolved.layers)
