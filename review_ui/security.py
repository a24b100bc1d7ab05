"""Session helpers and CSRF tokens."""

from __future__ import annotations

import hmac
import secrets
import time

from starlette.requests import Request
from starlette.responses import Response

from shared_db.models import User

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'")


def add_security_headers(response: Response, path: str) -> None:
    """CSP, nosniff, referrer and framing policy on every response (kept where a route set its own)."""
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    if not path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", "no-store")


class CSRFError(PermissionError):
    """The form was posted without the session's CSRF token (reload the page and try again)."""


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def verify_csrf(request: Request) -> None:
    """Reject unsafe requests whose form field or header does not carry the session's token."""
    if request.method not in UNSAFE_METHODS:
        return
    expected = request.session.get("csrf")
    sent = request.headers.get(CSRF_HEADER)
    if not sent:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
    if not expected or not sent or not hmac.compare_digest(str(expected), sent):
        raise CSRFError("the form's security token is missing or stale; reload the page and submit again")


def start_session(request: Request, user: User) -> None:
    """Log ``user`` in with a fresh session id and CSRF token (no fixation: nothing carries over).

    The session carries the user's ``session_version``: bumping it ends this session in every process.
    """
    locale = request.session.get("locale")
    request.session.clear()
    request.session.update(
        sid=secrets.token_urlsafe(24), user_id=user.id, ver=user.session_version, csrf=secrets.token_urlsafe(32),
        started=int(time.time()),
    )
    if locale:
        request.session["locale"] = locale
