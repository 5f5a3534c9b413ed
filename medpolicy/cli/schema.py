"""``medpolicy schema``: print the JSON Schema of the table format."""

from __future__ import annotations

import json

import click

from medpolicy.tables.schema import policy_schema


@click.command("schema")
def schema_command() -> None:
    """Print the JSON Schema (draft 2020-12) of a policy table."""
    click.echo(json.dumps(policy_schema(), indent=2))
