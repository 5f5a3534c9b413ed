"""``GET /healthz``."""

from __future__ import annotations

from fastapi import APIRouter

from medpolicy.service.openapi import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, summary="The service is up")
def healthz() -> Health:
    """Always ``{"status": "ok"}`` once the tables are loaded."""
    return Health(status="ok")
