"""Session helpers, CSRF tokens and the login rate limiter."""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import defaultdict, deque

from starlette.requests import Request
from starlette.responses import Response

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


def start_session(request: Request, user_id: int) -> None:
    """Log ``user_id`` in with a fresh session id and CSRF token (no fixation: nothing carries over)."""
    locale = request.session.get("locale")
    request.session.clear()
    request.session.update(
        sid=secrets.token_urlsafe(24), user_id=user_id, csrf=secrets.token_urlsafe(32),
        started=int(time.time()),
    )
    if locale:
        request.session["locale"] = locale


class RevokedSessions:
    """Session ids ended by logout; a replayed cookie with one of them is treated as logged out."""

    def __init__(self, ttl_seconds: int) -> None:
        self.ttl = ttl_seconds
        self._ended: dict[str, float] = {}
        self._lock = threading.Lock()

    def revoke(self, sid: str) -> None:
        now = time.monotonic()
        with self._lock:
            self._ended = {k: v for k, v in self._ended.items() if now - v < self.ttl}
            self._ended[sid] = now

    def is_revoked(self, sid: str) -> bool:
        with self._lock:
            return sid in self._ended


class LoginRateLimiter:
    """At most ``limit`` failed logins per (IP, e-mail) in a sliding window (in-process memory)."""

    def __init__(self, limit: int, window_seconds: float = 15 * 60) -> None:
        self.limit = limit
        self.window = window_seconds
        self._failures: dict[tuple[str, str], deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _prune(self, key: tuple[str, str], now: float) -> deque[float]:
        failures = self._failures[key]
        while failures and now - failures[0] >= self.window:
            failures.popleft()
        return failures

    def blocked(self, ip: str, email: str) -> bool:
        """True when this (IP, e-mail) pair has used up its attempts for the window."""
        with self._lock:
            return len(self._prune((ip, email.strip().lower()), time.monotonic())) >= self.limit

    def failed(self, ip: str, email: str) -> None:
        with self._lock:
            key = (ip, email.strip().lower())
            self._prune(key, time.monotonic()).append(time.monotonic())

    def succeeded(self, ip: str, email: str) -> None:
        with self._lock:
            self._failures.pop((ip, email.strip().lower()), None)
