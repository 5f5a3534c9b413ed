"""``medpolicy schema``: print the JSON Schema of the table format, or of a decide result."""

from __future__ import annotations

import json

import click

from medpolicy.solver.decide.schema import result_schema
from medpolicy.tables.schema import policy_schema


@click.command("schema")
@click.option("--result", is_flag=True,
              help="Print the schema of one 'decide --format json' result instead.")
def schema_command(result: bool) -> None:
    """Print the JSON Schema (draft 2020-12) of a policy table (or, with --result, of a
    decide result: the same schema the service's /openapi.json uses)."""
    click.echo(json.dumps(result_schema() if result else policy_schema(), indent=2))
