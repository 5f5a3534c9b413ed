"""``medpolicy list``: the bundled policies."""

from __future__ import annotations

import click

from medpolicy.tables.loader import bundled_policies


@click.command("list")
def list_command() -> None:
    """List the bundled policies: name, title and version."""
    policies = bundled_policies()
    width = max((len(name) for name, _, _ in policies), default=0)
    for name, title, version in policies:
        click.echo(f"{name:<{width}}  {title}  ({version})")
