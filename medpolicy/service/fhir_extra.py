"""What the service's FHIR side shares: the ``fhir`` extra check and the FHIR JSON media type.

``fhir.resources`` (the ``fhir`` extra) is imported only when a FHIR
resource arrives or is asked for; without it, every such request is a 422
``fhir_unavailable`` that names the extra to install.
"""

from __future__ import annotations

from fastapi.responses import JSONResponse

from medpolicy.service.errors import ApiError

#: The media type of FHIR resources in JSON (sent with answers, accepted with bodies).
FHIR_JSON = "application/fhir+json"


class FhirResponse(JSONResponse):
    """A JSON answer whose content type is ``application/fhir+json``."""

    media_type = FHIR_JSON


def require_fhir(field: str | None = None) -> None:
    """Raise a 422 ``fhir_unavailable`` naming the extra when ``fhir.resources`` is missing."""
    from medpolicy.fhir.resources import INSTALL_HINT, available

    if not available():
        raise ApiError(422, "fhir_unavailable",
                       f"FHIR needs the fhir extra, which this service does not have: "
                       f"{INSTALL_HINT}; or send a case object ({{\"facts\": {{...}}}})",
                       field=field)
