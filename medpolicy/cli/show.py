"""``medpolicy show T [--resolved]``: a table's YAML, as written or flattened."""

from __future__ import annotations

import click

from medpolicy.tables.flatten import flattened_yaml
from medpolicy.tables.loader import read_table


@click.command("show")
@click.argument("table")
@click.option("--resolved", is_flag=True,
              help="Flatten an overlay (extends:) over all its layers into one table "
                   "that loads back to the same policy.")
def show_command(table: str, resolved: bool) -> None:
    """Print a table (a file or a bundled name) as YAML: as written, or with
    --resolved as one flattened table without 'extends'.

    Exit code 0, or 2 when the table cannot be read (or, with --resolved, does
    not validate).
    """
    if resolved:
        click.echo(flattened_yaml(table), nl=False)
    else:
        click.echo(read_table(table).document.text, nl=False)
