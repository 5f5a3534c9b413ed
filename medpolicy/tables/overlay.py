"""Resolving policy overlays (``extends:``) into one table.

An overlay names the table it starts from, a bundled id (``extends: esi``) or
a path relative to the overlay's own file (``extends: ../esi.yaml``), and says
what it changes (``overlay_merge``). ``resolve_overlay`` follows the chain down
to a table without ``extends`` (a cycle is an error naming the chain), merges
the layers' parsed mappings base first, and returns one ``Document`` for the
normal validation. Every node keeps the file it came from, so every problem,
even one found after merging, names the layer file and line of its text.

A table read from memory (not from a file) may extend bundled tables only:
text sent to the service never reads files by relative path.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import NoReturn

from medpolicy.errors import Location, Problem, ValidationError, did_you_mean
from medpolicy.tables import loader
from medpolicy.tables.collect import Collector, describe, join, sorted_problems
from medpolicy.tables.expr import (
    And,
    Count,
    Expr,
    Has,
    Not,
    Or,
    ParseError,
    names_in,
    parse_expression,
)
from medpolicy.tables.overlay_merge import Edit, LayerMerge, MergeState
from medpolicy.tables.yamlio import Document, Span, YamlList, YamlMap, decode_utf8, parse_text

_BUNDLED_NAME = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class Resolved:
    """A flattened overlay: the merged document, its layers and their edits."""

    document: Document
    #: Layer ids, base first, the overlay's own id last.
    layers: tuple[str, ...]
    #: The layer each row id comes from.
    row_layers: Mapping[str, str]
    #: The layer that set ``otherwise`` ("" when no layer has one).
    otherwise_layer: str
    replaced: tuple[Edit, ...]
    added: tuple[Edit, ...]
    removed: tuple[Edit, ...]
    overridden: tuple[Edit, ...]


def is_overlay(document: Document) -> bool:
    """The table says ``extends:``."""
    return isinstance(document.root, Mapping) and "extends" in document.root


def resolve_overlay(document: Document, folder: Traversable | None) -> Resolved:
    """Flatten an overlay document; raises LoadError or ValidationError, located."""
    state = MergeState()
    sources: dict[str, str] = {}
    root, layers = _resolve(document, folder, (_identity(document.file, folder),), state, sources)
    # Every base layer was read from a file (bundled or beside the overlay).
    merged = Document(document.file, document.text, root, sources,
                      document.readable | frozenset(sources))
    _check_references(merged, state)
    return Resolved(
        merged, layers, dict(state.row_layers), state.otherwise_layer,
        tuple(state.replaced), tuple(state.added), tuple(state.removed), tuple(state.overridden),
    )


def _identity(file: str, folder: Traversable | None) -> str:
    if folder is None or file.startswith("<"):
        return file
    return str(Path(file).resolve()) if isinstance(folder, Path) else file


def _layer_id(root: Mapping[object, object], file: str) -> str:
    value = root.get("id")
    return value if isinstance(value, str) and value else Path(file).stem


def _resolve(
    document: Document,
    folder: Traversable | None,
    chain: tuple[str, ...],
    state: MergeState,
    sources: dict[str, str],
) -> tuple[YamlMap, tuple[str, ...]]:
    root = document.root
    assert isinstance(root, YamlMap)
    c = Collector(document)
    layer = _layer_id(root, document.file)
    target = root["extends"]
    where = c.value(root, "extends", "extends")
    if not isinstance(target, str) or not target.strip():
        _raise(where, "wrong type", expected="a bundled table id or a relative path",
               found=describe(target))
    base_doc, base_folder, identity = _find_base(target, folder, where)
    if identity in chain:
        names = " -> ".join([*(_short(i) for i in chain), _short(identity)])
        _raise(where, f"extends cycle: {names}", hint="a table cannot extend itself, "
               "directly or through other overlays")
    base_root = base_doc.root
    if not isinstance(base_root, YamlMap):
        _raise(where, f"'{target}' is not a table", expected="a mapping",
               found=describe(base_root))
    sources[base_doc.file] = base_doc.text
    if "extends" in base_root:
        base, layers = _resolve(base_doc, base_folder, (*chain, identity), state, sources)
    else:
        base, layers = base_root, (_layer_id(base_root, base_doc.file),)
        base_layer = layers[0]
        state.row_layers.update({row_id: base_layer for row_id in _row_ids(base)})
        state.otherwise_layer = base_layer if "otherwise" in base else ""
    merged = LayerMerge(c, layer, state).merge(base, root)
    if c.problems:
        raise ValidationError(sorted_problems(c.problems))
    return merged, (*layers, layer)


def _row_ids(root: Mapping[object, object]) -> list[str]:
    rows = root.get("rows")
    if not isinstance(rows, list):
        return []
    ids = (row.get("id") for row in rows if isinstance(row, Mapping))
    return [i for i in ids if isinstance(i, str)]


def _short(identity: str) -> str:
    return Path(identity).name if "/" in identity else identity


def _raise(where: Location, message: str, **details: str | None) -> NoReturn:
    raise ValidationError([Problem(where, message, **details)])


def _find_base(
    target: str, folder: Traversable | None, where: Location
) -> tuple[Document, Traversable | None, str]:
    """The base table's parsed document, its folder and its identity (for cycles)."""
    path_like = "/" in target or "\\" in target or target.endswith((".yaml", ".yml", ".json"))
    if path_like:
        if folder is None:
            _raise(where, f"cannot extend '{target}' by path: this table was not read "
                   "from a file", expected="a bundled table id", found=repr(target))
        entry = folder.joinpath(target)
        if not entry.is_file():
            _raise(where, f"extends a missing table: no file '{target}' next to this table")
        file = str(entry)
        identity = str(Path(file).resolve()) if isinstance(entry, Path) else file
        parent: Traversable | None = entry.parent if isinstance(entry, Path) else folder
    else:
        names = loader._bundled_names()
        if not _BUNDLED_NAME.fullmatch(target) or target not in names:
            _raise(where, f"extends a missing table: no bundled table '{target}'",
                   expected="a bundled id (" + ", ".join(names) + ") or a relative path",
                   hint=did_you_mean(target, names))
        entry = loader._library().joinpath(f"{target}.yaml")
        file = identity = str(entry)
        parent = loader._library()
    try:
        data = entry.read_bytes()
    except OSError as error:
        _raise(where, f"cannot read '{target}' ({error.strerror or error})")
    document = replace(parse_text(decode_utf8(data, file), file), readable=frozenset({file}))
    tag_spans(document.root, file)
    return document, parent, identity


def tag_spans(node: object, file: str) -> None:
    """Mark every span under ``node`` as coming from ``file``."""
    if isinstance(node, YamlMap):
        node.span = _tagged(node.span, file)
        for key in node:
            node.key_spans[key] = _tagged(node.key_spans[key], file)
            node.value_spans[key] = _tagged(node.value_spans[key], file)
            tag_spans(node[key], file)
    elif isinstance(node, YamlList):
        node.span = _tagged(node.span, file)
        node.item_spans = [_tagged(span, file) for span in node.item_spans]
        for item in node:
            tag_spans(item, file)


def _tagged(span: Span, file: str) -> Span:
    return span if span.file else replace(span, file=file)


def _check_references(document: Document, state: MergeState) -> None:
    """A removed fact, criterion or value set that some condition still reads is an error."""
    removed = {(e.section, e.id): e for e in state.removed
               if e.section in ("facts", "criteria", "valuesets")}
    if not removed:
        return
    root = document.root
    assert isinstance(root, Mapping)
    c = Collector(document)
    users: dict[tuple[str, str], list[str]] = {}
    for path, spec in _conditions(root):
        try:
            expr = parse_expression(str(spec["when"]))
        except ParseError:
            continue
        locate = c.text_locator(spec, "when", join(path, "when"))
        for key, offset in _reads(expr):
            if key in removed:
                place = replace(locate(offset), path="")
                users.setdefault(key, []).append(f"{path} ({place})")
    problems = [
        Problem(
            removed[key].location,
            f"cannot remove {_kind(removed[key])} '{key[1]}': still used by "
            + ", ".join(places),
            hint="remove or replace what uses it in this overlay too",
        )
        for key, places in users.items()
    ]
    if problems:
        raise ValidationError(problems)


def _reads(expr: Expr) -> list[tuple[tuple[str, str], int]]:
    """Every (section, id) a condition reads, with its offset: a name may be a
    fact or a criterion, so it is reported under both; ``has(f, VS)`` reads VS."""
    found: list[tuple[tuple[str, str], int]] = []
    for name, offset in names_in(expr):
        found += [(("facts", name), offset), (("criteria", name), offset)]
    found += [(("valuesets", node.valueset), node.arg_pos) for node in _has_nodes(expr)
              if node.valueset]
    return found


def _has_nodes(expr: Expr) -> list[Has]:
    """Every ``has(...)`` inside an expression."""
    if isinstance(expr, Has):
        return [expr]
    if isinstance(expr, Not):
        return _has_nodes(expr.operand)
    if isinstance(expr, And | Or | Count):
        return [node for operand in expr.operands for node in _has_nodes(operand)]
    return []


def _kind(edit: Edit) -> str:
    return {"facts": "fact", "criteria": "criterion"}.get(edit.section, "value set")


def _conditions(root: Mapping[object, object]) -> list[tuple[str, Mapping[object, object]]]:
    """Every (path, mapping) with a ``when`` text: criteria, then rows."""
    found: list[tuple[str, Mapping[object, object]]] = []
    criteria = root.get("criteria")
    if isinstance(criteria, Mapping):
        for name, spec in criteria.items():
            if isinstance(spec, Mapping) and isinstance(spec.get("when"), str):
                found.append((join("criteria", str(name)), spec))
    rows = root.get("rows")
    if isinstance(rows, list):
        for index, spec in enumerate(rows):
            if isinstance(spec, Mapping) and isinstance(spec.get("when"), str):
                row_id = spec.get("id")
                found.append((f"rows '{row_id}'" if isinstance(row_id, str) else
                              join("rows", index), spec))
    return found


def replaced_hints(problems: list[Problem], resolved: Resolved) -> list[Problem]:
    """Problems in a lower layer that name a fact or criterion a later layer replaced,
    with a hint saying which layer replaced it and where."""
    edits = [e for e in resolved.replaced if e.section in ("facts", "criteria", "valuesets")]
    result = []
    for problem in problems:
        text = " ".join(t for t in (problem.message, problem.expected, problem.found) if t)
        for edit in edits:
            if problem.location.file != edit.location.file and f"'{edit.id}'" in text:
                what = {"facts": "fact", "criteria": "criterion"}.get(edit.section, "value set")
                note = f"{what} '{edit.id}' was replaced by layer '{edit.layer}' ({edit.location})"
                hint = f"{problem.hint}; {note}" if problem.hint else note
                problem = replace(problem, hint=hint)
                break
        result.append(problem)
    return result
