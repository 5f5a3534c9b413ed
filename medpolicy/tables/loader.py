"""Loading policy tables: from a path, from text, or by bundled name.

A bundled policy (``esi``) lives in ``medpolicy/tables/library/<name>.yaml``
and is found with ``importlib.resources``. An existing path always wins over a
bundled name of the same spelling.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from medpolicy.errors import LoadError, Location, did_you_mean, single
from medpolicy.tables.model import Policy
from medpolicy.tables.validate import validate_policy
from medpolicy.tables.yamlio import Document, decode_utf8, load_file, parse_text

_BUNDLED_NAME = re.compile(r"[A-Za-z0-9_-]+")


def folder_of(file: str) -> Path | None:
    """The folder a table file's relative ``extends`` resolves against (None: not a file)."""
    if file.startswith("<"):
        return None
    return Path(file).resolve().parent


def _library() -> Traversable:
    return resources.files("medpolicy.tables").joinpath("library")


def _bundled_names() -> list[str]:
    return sorted(
        entry.name.removesuffix(".yaml")
        for entry in _library().iterdir()
        if entry.is_file() and entry.name.endswith(".yaml")
    )


def _validated(document: Document, sha256: str, folder: Traversable | None) -> Policy:
    """A plain table validated as it is; an overlay (``extends:``) resolved first."""
    if isinstance(document.root, Mapping) and "extends" in document.root:
        from medpolicy.tables.overlay_policy import overlay_policy

        return overlay_policy(document, folder)
    return validate_policy(document, sha256)


@dataclass(frozen=True)
class TableSource:
    """A table file parsed but not yet validated: its document, SHA-256 and folder."""

    document: Document
    sha256: str
    #: Where its relative ``extends`` resolves (None: read from memory).
    folder: Traversable | None


def read_table(path_or_name: str | Path) -> TableSource:
    """The parsed table at a file path or of a bundled name; raises LoadError."""
    path = Path(path_or_name)
    if isinstance(path_or_name, Path) or path.exists():
        document, data = load_file(path)
        return TableSource(document, hashlib.sha256(data).hexdigest(), folder_of(document.file))
    name = str(path_or_name)
    names = _bundled_names()
    if _BUNDLED_NAME.fullmatch(name) and name in names:
        entry = _library().joinpath(f"{name}.yaml")
        data = entry.read_bytes()
        document = replace(parse_text(decode_utf8(data, str(entry)), str(entry)),
                           readable=frozenset({str(entry)}))
        return TableSource(document, hashlib.sha256(data).hexdigest(), _library())
    raise LoadError(
        single(
            Location(name),
            f"no such file or bundled policy '{name}' (bundled: {', '.join(names)})",
            hint=did_you_mean(name, names),
        )
    )


def load_policy(path_or_name: str | Path) -> Policy:
    """A validated Policy from a file path, or from a bundled name such as ``esi``.

    Raises LoadError (unreadable or unparsable file, unknown name) or
    ValidationError (every problem of the table).
    """
    source = read_table(path_or_name)
    return _validated(source.document, source.sha256, source.folder)


def policy_from_text(text: str, path: str = "<memory>") -> Policy:
    """A validated Policy from YAML text; ``path`` names it in messages.

    Text is not a file: an overlay in it may extend bundled tables only, never a
    file by relative path (text sent to the service reads no files).
    """
    document = parse_text(text, path)
    sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return _validated(document, sha256, None)


def bundled_policies() -> list[tuple[str, str, str]]:
    """Every bundled policy as (name, title, version), by name."""
    result = []
    for name in _bundled_names():
        policy = load_policy(name)
        result.append((name, policy.title, policy.version))
    return result
