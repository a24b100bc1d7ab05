"""Error answers: an HTML page in the user's language on the web pages, JSON under /api/.

A 500 never shows the exception: the page says the request changed nothing (its transaction was rolled
back) and the traceback goes to the server log only.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from review_ui.deps import Forbidden, NotAuthenticated, is_api
from review_ui.security import CSRFError, add_security_headers
from review_ui.templating import tr
from shared_db.messages import translate
from shared_db.repo.marks import CuratedFieldError

logger = logging.getLogger(__name__)


def error_page(request: Request, status_code: int, title: str, message: str, *,
               errors: Sequence[str] = (), headers: dict[str, str] | None = None) -> Response:
    """The error page; a bare page (no menu) if the full one cannot be rendered."""
    context = {"title": title, "message": message, "errors": list(errors)}
    try:
        return request.app.state.templates.TemplateResponse(request, "error.html", context,
                                                            status_code=status_code, headers=headers)
    except Exception:  # noqa: BLE001 - the error page must not fail in turn
        logger.exception("could not render the %d page; answering a bare one", status_code)
        body = f"<!doctype html><title>{html.escape(title)}</title><h1>{html.escape(title)}</h1>" \
               f"<p>{html.escape(message)}</p>"
        return HTMLResponse(body, status_code=status_code, headers=headers)


def problem(error: dict[str, Any], _: Any) -> str:
    """One validation error as "field: what is wrong", in the user's language (forms use it too)."""
    loc = [str(part) for part in error.get("loc", ()) if not isinstance(part, int)]
    field = loc[1] if len(loc) > 1 else (loc[0] if loc else "?")
    kind, ctx = str(error.get("type", "")), error.get("ctx") or {}
    if kind == "missing":
        what = _("required")
    elif kind in ("less_than_equal", "less_than"):
        what = _("too large (at most {limit})", limit=ctx.get("le", ctx.get("lt")))
    elif kind in ("greater_than_equal", "greater_than"):
        what = _("too small (at least {limit})", limit=ctx.get("ge", ctx.get("gt")))
    elif kind in ("int_parsing", "int_from_float"):
        what = _("not a whole number")
    elif kind in ("float_parsing", "finite_number", "decimal_parsing"):
        what = _("not a finite number")
    elif kind in ("string_too_long", "too_long"):
        what = _("too long (at most {limit})", limit=ctx.get("max_length"))
    elif kind in ("date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"):
        what = _("not a date (YYYY-MM-DD)")
    elif kind == "value_error" and ctx.get("error") is not None:
        what = translate(str(ctx["error"]), _)
    elif kind == "literal_error":
        what = _("not one of: {choices}", choices=ctx.get("expected", ""))
    else:
        what = _("not a valid value")
    return f"{field}: {what}"


def install_error_handlers(app: FastAPI) -> None:
    """Answer every error of a web page as an HTML page, of the API as JSON."""

    @app.exception_handler(NotAuthenticated)
    async def _login_first(request: Request, exc: NotAuthenticated) -> Response:
        if is_api(request):
            return JSONResponse({"detail": str(exc)}, status_code=401, headers={"WWW-Authenticate": "Bearer"})
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(Forbidden)
    @app.exception_handler(CuratedFieldError)
    async def _forbidden(request: Request, exc: PermissionError) -> Response:
        if is_api(request):
            return JSONResponse({"detail": str(exc)}, status_code=403)
        _ = tr(request)
        user = getattr(request.state, "user", None)
        role = _(user.role) if user is not None else "—"
        return error_page(request, 403, _("Not allowed"), _("Your role ({role}) does not allow this.", role=role))

    @app.exception_handler(CSRFError)
    async def _csrf(request: Request, exc: CSRFError) -> Response:
        if is_api(request):
            return JSONResponse({"detail": str(exc)}, status_code=403)
        _ = tr(request)
        return error_page(request, 403, _("Not allowed"),
                          _("The form's security token is missing or stale. Reload the page and submit again."))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        if is_api(request):
            return await request_validation_exception_handler(request, exc)
        _ = tr(request)
        problems = sorted({problem(error, _) for error in exc.errors()})
        return error_page(request, 422, _("Invalid request"), _("Some values in this request are not valid:"),
                          errors=problems)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        if is_api(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        _ = tr(request)
        if exc.status_code == 404:
            title, message = _("Not found"), _("There is no page at this address.")
        elif exc.status_code == 405:
            title, message = _("Method not allowed"), _("This page does not accept that kind of request.")
        else:
            title, message = _("Request refused"), _("The request could not be handled (HTTP {status}).",
                                                     status=exc.status_code)
        return error_page(request, exc.status_code, title, message, headers=exc.headers)

    @app.exception_handler(500)
    async def _server_error(request: Request, exc: Exception) -> Response:
        # Outside the other middleware: the session may be gone, the user's row unreadable. Use only the
        # language remembered at login and the session id, and add the security headers here.
        if is_api(request):
            response: Response = JSONResponse(
                {"detail": "internal server error; the request changed nothing, try again later"}, status_code=500)
        else:
            request.state.user = None
            _ = tr(request)
            response = error_page(request, 500, _("Something went wrong"), _(
                "The server could not answer this request; it changed nothing. Try again, and tell an "
                "administrator if it keeps happening."))
        add_security_headers(response, request.url.path)
        return response
