"""What every web route module shares: the CSRF-checked router and the render helper."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from review_ui.security import verify_csrf


def web_router() -> APIRouter:
    """A router whose unsafe requests must carry the session's CSRF token; hidden from OpenAPI."""
    return APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)


def render(request: Request, name: str, context: dict[str, Any] | None = None,
           status_code: int = 200) -> HTMLResponse:
    return request.app.state.templates.TemplateResponse(request, name, context or {}, status_code=status_code)


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def parse_int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def parse_float(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None
