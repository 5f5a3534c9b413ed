"""The click command group and how errors become messages and exit codes.

Commands live one per module (``cli/validate.py``, ``cli/schema.py`` ...),
each a ``click.command``; the group imports a command's module only when that
command runs (or help lists it), so ``medpolicy decide`` loads what deciding
needs and nothing else. Commands call the library and print; they hold no
logic.

Exit codes: 0 success, 1 a check or test found failures, 2 bad input or usage,
130 interrupted (Ctrl-C; 143 for SIGTERM where a command keeps partial work).
When the reader of stdout goes away (``| head``) a command ends quietly with 1.
An ``InputError`` prints each problem on its own stderr line, prefixed
``error:``; a ``SolverError`` prints its message. Neither shows a traceback.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from medpolicy import __version__
from medpolicy.cli.streams import EXIT_INTERRUPTED, Interrupted, stdout_closed
from medpolicy.errors import InputError, SolverError
from medpolicy.solver.limits import DEFAULT_TIME_LIMIT
from medpolicy.tables.nesting import NESTING_VARIABLE

#: Exit code for bad input or usage.
EXIT_INPUT = 2
#: Exit code when a check or test finds failures.
EXIT_FAILURES = 1


def report(error: InputError) -> None:
    """Every problem of an input error on its own stderr line."""
    for problem in error.problems:
        click.echo(f"error: {problem}", err=True)


#: Each command's name and where it lives, imported on first use.
COMMANDS = {
    "batch": "medpolicy.cli.batch:batch_command",
    "check": "medpolicy.cli.check:check_command",
    "decide": "medpolicy.cli.decide:decide_command",
    "diff": "medpolicy.cli.diff:diff_command",
    "explain": "medpolicy.cli.explain:explain_command",
    "fhir": "medpolicy.cli.fhir:fhir_command",
    "impact": "medpolicy.cli.impact:impact_command",
    "list": "medpolicy.cli.listing:list_command",
    "next-question": "medpolicy.cli.next_question:next_question_command",
    "schema": "medpolicy.cli.schema:schema_command",
    "serve": "medpolicy.cli.serve:serve_command",
    "show": "medpolicy.cli.show:show_command",
    "test": "medpolicy.cli.test:test_command",
    "validate": "medpolicy.cli.validate:validate_command",
}


class _Group(click.Group):
    """A group that loads commands lazily and turns medpolicy errors into exit code 2."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        module, name = target.split(":")
        command = getattr(importlib.import_module(module), name)
        assert isinstance(command, click.Command)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InputError as error:
            report(error)
            ctx.exit(EXIT_INPUT)
        except SolverError as error:
            click.echo(f"error: {error}", err=True)
            ctx.exit(EXIT_INPUT)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except Interrupted as signal_:
            click.echo("interrupted", err=True)
            ctx.exit(signal_.exit_code)
        except BrokenPipeError:
            stdout_closed()
        except RecursionError:
            click.echo(
                "error: the table nests too deeply for this command; "
                f"lower {NESTING_VARIABLE} or flatten its criteria",
                err=True,
            )
            ctx.exit(EXIT_INPUT)


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    import clingo

    click.echo(f"medpolicy {__version__} (clingo {clingo.__version__})")
    ctx.exit()


@click.group(cls=_Group)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the medpolicy and clingo versions and exit.",
)
def cli() -> None:
    """Decision tables for prior-authorization criteria, decided exactly with clingo."""


def _whole_command_budget(ctx: click.Context, _param: click.Parameter, value: float) -> float:
    """Enter a time budget that lasts as long as the command (``medpolicy.budget``)."""
    from medpolicy.budget import time_budget

    ctx.with_resource(time_budget(value))
    return value


#: ``--time-limit``, shared by every command that solves: it bounds the whole
#: command (compiling, grounding, solving and Python search), not one call.
time_limit_option = click.option(
    "--time-limit",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULT_TIME_LIMIT,
    show_default=True,
    callback=_whole_command_budget,
    help="Seconds the whole command may take (compiling, solving, searching) "
         "before it stops with exit code 2.",
)
