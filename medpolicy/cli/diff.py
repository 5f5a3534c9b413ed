"""``medpolicy diff OLD NEW``: which cases a policy change decides differently, and why."""

from __future__ import annotations

import click

from medpolicy.cli.app import EXIT_FAILURES, time_limit_option
from medpolicy.solver.diff.engine import DEFAULT_WITNESSES, diff_policies
from medpolicy.solver.diff.overlay_report import with_overlay
from medpolicy.solver.diff.report import render_json, render_markdown, render_text
from medpolicy.tables.loader import load_policy
from medpolicy.tables.overlay_summary import overlay_summary

_RENDER = {"text": render_text, "json": render_json, "markdown": render_markdown}


@click.command("diff")
@click.argument("old")
@click.argument("new")
@click.option("--format", "fmt", type=click.Choice(list(_RENDER)), default="text",
              show_default=True,
              help="text for terminals, json for programs, markdown for a change request.")
@click.option("--witnesses", type=click.IntRange(min=1), default=DEFAULT_WITNESSES,
              show_default=True, help="At most this many complete witness cases per kind.")
@click.option("--fail-on-change", is_flag=True,
              help="Exit with code 1 when some case gets a different verdict.")
@time_limit_option
@click.pass_context
def diff_command(ctx: click.Context, old: str, new: str, fmt: str, witnesses: int,
                 fail_on_change: bool, time_limit: float) -> None:
    """Compare two versions of a table (files or bundled names): every kind of verdict
    change, with witness cases and the rows responsible, or a proof that there is
    none; then what changed in the table's text. When NEW is an overlay of OLD
    (extends it, directly or through other layers), also the overlay's own edits:
    replaced, added and removed ids, and overridden settings.

    Exit code 0 whatever changed (1 with --fail-on-change when a verdict changes),
    2 on bad input.
    """
    before, after = load_policy(old), load_policy(new)
    result = diff_policies(before, after, max_witnesses=witnesses, time_limit=time_limit)
    summary = overlay_summary(before.id, after.layer_ids, new)
    click.echo(with_overlay(fmt, _RENDER[fmt](result), summary), nl=False)
    if fail_on_change and result.changed:
        ctx.exit(EXIT_FAILURES)
