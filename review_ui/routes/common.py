"""What every web route module shares: the CSRF-checked router and the render helper."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, UploadFile
from fastapi.responses import HTMLResponse
from starlette.datastructures import FormData

from review_ui.security import verify_csrf


class UploadTooLarge(ValueError):
    """The uploaded file is larger than the limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the file is larger than {limit} bytes")
        self.limit = limit


async def read_upload(request: Request, field: str, limit: int) -> tuple[FormData, UploadFile | None, bytes]:
    """The posted form, its file ``field`` (None when absent) and the file's bytes.

    Raises :class:`UploadTooLarge` past ``limit`` bytes, without reading much more than that.
    """
    if int(request.headers.get("content-length") or 0) > limit + 64 * 1024:
        raise UploadTooLarge(limit)
    form = await request.form(max_part_size=limit + 1)
    upload = form.get(field)
    if upload is None or isinstance(upload, str):
        return form, None, b""
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise UploadTooLarge(limit)
    return form, upload, data


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
