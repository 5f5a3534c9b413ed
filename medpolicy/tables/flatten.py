"""A table written back as one YAML file without ``extends`` (``show --resolved``).

The flattened text is the merged mapping of every layer, dumped as YAML that
the table loader reads back to an equal ``Policy``: strings that either YAML
1.1 or the loader's YAML 1.2 rules would read as something else are quoted,
and decimals keep their exact digits.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

import yaml

from medpolicy.tables.loader import load_policy, read_table
from medpolicy.tables.yamlio import StrictLoader
from medpolicy.textsafe import comment_text


class _Dumper(yaml.SafeDumper):
    """SafeDumper that also quotes what the loader's YAML 1.2 rules would not read as text."""


for _first, _resolvers in StrictLoader.yaml_implicit_resolvers.items():
    for _tag, _pattern in _resolvers:
        _Dumper.add_implicit_resolver(_tag, _pattern, [_first])


def _decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:float", str(value))


class _FlowList(list[object]):
    """A list of scalars, written on one line: ``[a, b]``."""


def _flow(dumper: yaml.SafeDumper, value: _FlowList) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)


_Dumper.add_representer(Decimal, _decimal)
_Dumper.add_representer(_FlowList, _flow)


def _plain(node: object) -> object:
    """The parsed tree as plain dicts and lists (no positions)."""
    if isinstance(node, Mapping):
        return {key: _plain(value) for key, value in node.items()}
    if isinstance(node, list):
        items = [_plain(item) for item in node]
        scalars = not any(isinstance(item, dict | list) for item in items)
        return _FlowList(items) if scalars else items
    return node


def flattened_yaml(path_or_name: str | Path) -> str:
    """The table (an overlay flattened over all its layers) as YAML text.

    Validates the table first, so a broken layer raises its located errors.
    """
    policy = load_policy(path_or_name)
    source = read_table(path_or_name)
    root = source.document.root
    if isinstance(root, Mapping) and "extends" in root:
        from medpolicy.tables.overlay import resolve_overlay

        root = resolve_overlay(source.document, source.folder).document.root
    layers = " -> ".join(policy.layer_ids)
    header = f"# {comment_text(policy.id)}: resolved from layers {comment_text(layers)}\n"
    body = yaml.dump(_plain(root), Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=100)
    return header + body
