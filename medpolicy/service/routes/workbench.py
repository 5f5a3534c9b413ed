"""``GET /``: the analyst workbench, one page and its assets from the package's ``static/``."""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter(tags=["workbench"])

#: Only the service itself: no CDN, no inline script, nothing fetched elsewhere.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)


@router.get("/", response_class=HTMLResponse, summary="The analyst workbench")
def workbench() -> HTMLResponse:
    """The workbench page (its script and style come from ``/static/``)."""
    page = resources.files("medpolicy.service").joinpath("static", "index.html")
    return HTMLResponse(page.read_text("utf-8"),
                        headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY})
