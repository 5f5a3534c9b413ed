"""Validation with ``fhir.resources`` (R4B models), imported only when used.

``validated(data)`` checks a resource (or an Extension) built here and returns
its JSON form; ``structure_problems(data)`` lists what is wrong with a resource
read from outside, each with the FHIR path of the element. Without the
``fhir`` extra both raise a ``LoadError`` that says how to install it.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Mapping
from typing import Any

from medpolicy.errors import LoadError, Location, single

#: Where the R4B model of each kind this package reads or writes lives.
_MODELS = {
    "Questionnaire": "fhir.resources.R4B.questionnaire",
    "QuestionnaireResponse": "fhir.resources.R4B.questionnaireresponse",
    "ClaimResponse": "fhir.resources.R4B.claimresponse",
    "Extension": "fhir.resources.R4B.extension",
}

INSTALL_HINT = "install the 'fhir' extra: pip install 'medpolicy[fhir]'"


def _model(kind: str, source: str) -> Any:
    try:
        module = importlib.import_module(_MODELS[kind])
    except ImportError:
        raise LoadError(
            single(
                Location(source),
                f"reading or writing a FHIR {kind} needs the fhir.resources package",
                hint=INSTALL_HINT,
            )
        ) from None
    return getattr(module, kind)


def available() -> bool:
    """Whether the ``fhir`` extra (``fhir.resources`` with its R4B models) is installed."""
    try:
        importlib.import_module("fhir.resources.R4B")
    except ImportError:
        return False
    return True


def validated(data: Mapping[str, Any], kind: str | None = None) -> dict[str, Any]:
    """``data`` checked against its R4B model and returned as FHIR JSON.

    ``kind`` defaults to ``data["resourceType"]``. A failure here is a bug in
    medpolicy (it only validates what it built), so it raises ``ValueError``.
    """
    name = kind or str(data["resourceType"])
    model = _model(name, "<medpolicy>")
    resource = model.model_validate(dict(data))
    result: dict[str, Any] = json.loads(resource.model_dump_json())
    return result


Loc = tuple[int | str, ...]


def structure_problems(data: Mapping[str, Any], kind: str, source: str) -> list[tuple[Loc, str]]:
    """What ``fhir.resources`` finds wrong with ``data``: (element location, message) pairs."""
    from pydantic import ValidationError as PydanticError

    model = _model(kind, source)
    try:
        model.model_validate(dict(data))
    except PydanticError as error:
        return [(tuple(e["loc"]), str(e["msg"])) for e in error.errors()]
    return []


def fhir_path(loc: Loc) -> str:
    """A pydantic location as a FHIR path: ``item[2].answer[0].valueInteger``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text
