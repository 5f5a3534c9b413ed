"""``medpolicy list``: the bundled policies (an overlay with the table it extends)."""

from __future__ import annotations

import click

from medpolicy.tables.loader import bundled_policies, load_policy
from medpolicy.textsafe import visible


@click.command("list")
def list_command() -> None:
    """List the bundled policies: name, title and version; an overlay also names
    the table it extends."""
    policies = bundled_policies()
    width = max((len(name) for name, _, _ in policies), default=0)
    for name, title, version in policies:
        layers = load_policy(name).layer_ids
        base = f"  [overlay of {layers[-2]}]" if len(layers) > 1 else ""
        click.echo(visible(f"{name:<{width}}  {title}  ({version}){base}"))
