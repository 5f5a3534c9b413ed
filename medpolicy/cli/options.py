"""Options shared by commands that read cases: ``--service-date``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import click

from medpolicy.tables.validate_facts import parse_date

F = TypeVar("F", bound=Callable[..., Any])


def parse_service_date(_ctx: click.Context, _param: click.Parameter,
                       value: str | None) -> date | None:
    """The callback of every ``--service-date``: a date that exists, else a usage error."""
    if value is None:
        return None
    parsed = parse_date(value)
    if parsed is None:
        raise click.BadParameter(f"expected a date YYYY-MM-DD that exists, got {value!r}")
    return parsed


def service_date_option(command: F) -> F:
    """``--service-date DATE``: the service date of every case (replaces the files')."""
    return click.option(
        "--service-date", "service_date", callback=parse_service_date, metavar="YYYY-MM-DD",
        help="The date of service of every case: the window functions (months_since ...) "
             "count to it. Replaces the cases' own service_date.")(command)
