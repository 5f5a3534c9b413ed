"""The HTTP decision service and the analyst workbench (``medpolicy serve``).

A FastAPI app (``create_app``) on uvicorn: REST v1 under ``/v1`` (DESIGN.md,
"Decision service and workbench"), ``/openapi.json``, and the workbench page
at ``/`` served from ``static/``. Needs the ``serve`` extra (fastapi,
uvicorn); nothing else in medpolicy imports this package.

Modules: ``settings`` (limits), ``registry`` (the loaded tables),
``pool`` (worker threads, one Decider per thread and table), ``errors``
(the JSON error shape), ``bodies`` (request bodies to cases and tables),
``middleware`` (body limit, access log), ``openapi`` (schemas),
``fhir_extra`` (the fhir extra check, FHIR JSON answers), and one router per
resource under ``routes/`` (``routes/fhir``: the ``/fhir/...`` routes).
"""
