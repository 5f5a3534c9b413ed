"""Witnesses of ``check`` dated at another service date than the reference one.

The check engine concretizes a windowed date counted back from
``REFERENCE_SERVICE_DATE`` (``logic.dates``). At another service date ``S`` the
same abstract case has each windowed date moved so that its window is unchanged:
``date_at(unit, since(unit, d, reference), S)`` has exactly as many whole units
before ``S`` as ``d`` has before the reference date, so every row matches as it
did and the witness keeps its verdict. Dates compared with literals are absolute
and stay as they are.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from medpolicy.logic.dates import REFERENCE_SERVICE_DATE
from medpolicy.solver.check.findings import Finding, Witness
from medpolicy.tables.calendar import Unit, date_at, since
from medpolicy.tables.model import Policy
from medpolicy.tables.windows import windows


def _moved(witness: Witness, units: dict[str, Unit], service: date) -> Witness:
    facts = tuple(
        (name, date_at(units[name], since(units[name], value, REFERENCE_SERVICE_DATE), service)
         if name in units and isinstance(value, date) else value)
        for name, value in witness.facts)
    return replace(witness, facts=facts, service_date=service)


def redated(policy: Policy, findings: tuple[Finding, ...], service: date) -> tuple[Finding, ...]:
    """The findings with every witness dated at ``service``."""
    units = windows(policy)
    return tuple(replace(f, witnesses=tuple(_moved(w, units, service) for w in f.witnesses))
                 for f in findings)
