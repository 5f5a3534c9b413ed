"""``create_app``: the FastAPI app of ``medpolicy serve``, its routers, limits and errors.

Every error becomes ``{"error": {...}}`` JSON (``errors.ApiError``); a
request FastAPI itself rejects (a bad query parameter) is a 422 naming the
parameter; anything unexpected is a JSON 500 with no traceback (and the
traceback goes to the server's log only).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.staticfiles import StaticFiles

from medpolicy import __version__
from medpolicy.service.errors import ApiError
from medpolicy.service.middleware import AccessLog, BodyLimit, HostCheck
from medpolicy.service.openapi import components
from medpolicy.service.pool import DecisionPool
from medpolicy.service.registry import Registry
from medpolicy.service.routes import fhir, health, policies, tables, workbench
from medpolicy.service.settings import Settings
from medpolicy.service.state import ServiceState

_LOG = logging.getLogger("medpolicy.service")

DESCRIPTION = (
    "Decide prior-authorization cases against medpolicy decision tables. Answers are "
    "identical to the CLI's JSON; errors are `{\"error\": {\"code\", \"message\", "
    "\"field\"?, \"line\"?}}` with 400, 404, 413, 422 or 504."
)


def create_app(settings: Settings | None = None, registry: Registry | None = None) -> FastAPI:
    """The service app: the tables of ``settings.policy_dirs`` (plus the bundled ones) loaded.

    Raises InputError when a table does not load, before anything is served.
    """
    settings = settings or Settings()
    registry = registry or Registry.load(settings.policy_dirs)
    pool = DecisionPool(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await pool.warm([entry.policy for entry in registry.entries()])
        yield
        pool.close()

    # No /docs or /redoc: FastAPI's pages load Swagger UI from a CDN; /openapi.json stays.
    app = FastAPI(title="medpolicy decision service", version=__version__,
                  description=DESCRIPTION, lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.service = ServiceState(settings, registry, pool)
    for module in (health, policies, tables, workbench, fhir):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(packages=[("medpolicy.service", "static")]), name="static")
    _handle_errors(app)
    app.add_middleware(BodyLimit, max_body=settings.max_body)
    app.add_middleware(HostCheck, allowed=settings.allowed_hosts)
    app.add_middleware(AccessLog)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema is None:
        schema = get_openapi(title=app.title, version=app.version,
                             description=app.description, routes=app.routes)
        schema.setdefault("components", {}).setdefault("schemas", {}).update(components())
        app.openapi_schema = schema
    return app.openapi_schema


def _json(error: ApiError) -> JSONResponse:
    return JSONResponse(error.body(), status_code=error.status)


def _handle_errors(app: FastAPI) -> None:
    async def api_error(_request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, ApiError)
        return _json(error)

    async def invalid_request(_request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, RequestValidationError)
        problems = [{"message": str(e.get("msg", "")),
                     "field": ".".join(str(part) for part in e.get("loc", ())[1:])}
                    for e in error.errors()]
        first = problems[0] if problems else {"field": None, "message": "invalid request"}
        where = f"{first['field']}: " if first["field"] else ""
        return _json(ApiError(422, "invalid_request", f"{where}{first['message']}",
                              field=first["field"] or None, problems=problems))

    async def http_error(_request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, StarletteHTTPException)
        code = {404: "not_found", 405: "method_not_allowed"}.get(error.status_code, "http_error")
        return _json(ApiError(error.status_code, code, str(error.detail)))

    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        _LOG.error("unexpected error on %s %s", request.method, request.url.path,
                   exc_info=error)
        return _json(ApiError(500, "internal",
                              f"internal error ({type(error).__name__}); see the server log"))

    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected)
