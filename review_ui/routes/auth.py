"""Login, logout, language choice and the trivial health endpoint."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Query, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response

from review_ui.deps import Db, Viewer, session_user
from review_ui.i18n import LOCALES
from review_ui.routes.common import client_ip, render, web_router
from review_ui.security import start_session
from shared_db.repo import audit
from shared_db.repo.users import authenticate, end_sessions

router = web_router()
MAX_PATH = 2048


def _safe_next(target: str | None) -> str:
    """Only same-site paths; ``//evil`` or ``https://evil`` fall back to the queue."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/queue"


@router.get("/healthz")
def healthz() -> PlainTextResponse:
    return PlainTextResponse("ok")


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/queue", status_code=303)


@router.get("/login")
def login_form(request: Request, next: Annotated[str | None, Query(max_length=MAX_PATH)] = None) -> Response:
    return render(request, "login.html", {"next": _safe_next(next), "error": None})


@router.post("/login")
def login(request: Request, db: Db, email: Annotated[str, Form(max_length=320)],
          password: Annotated[str, Form(max_length=1024)],
          next: Annotated[str | None, Form(max_length=MAX_PATH)] = None) -> Response:
    throttle, devices = request.app.state.login_throttle, request.app.state.known_devices
    email = email.strip().lower()
    address = client_ip(request)
    device = devices.device_for(request, email)
    keys = throttle.keys(email=email, address=address, device=device)
    wait = throttle.retry_after(keys, session=db)
    if wait:
        refused = render(request, "login.html", {"next": _safe_next(next), "error": "too_many", "wait": wait},
                         status_code=429)
        refused.headers["Retry-After"] = str(wait)
        return refused
    user = authenticate(email, password, session=db)
    if user is None:
        audit.record("user.login_failed", session=db, actor_id=None, object_type="login", object_id=email[:100],
                     after={"email": email, "address": address, "known_device": device is not None})
        for lockout in throttle.failed(keys, session=db):
            audit.record("user.login_lockout", session=db, actor_id=None, object_type="login",
                         object_id=lockout.key[:100],
                         after={"limit": lockout.kind, "key": lockout.key, "failures": lockout.failures,
                                "seconds": lockout.seconds})
        return render(request, "login.html", {"next": _safe_next(next), "error": "invalid"}, status_code=401)
    throttle.succeeded(keys, session=db)
    start_session(request, user)
    audit.record("user.login", session=db, actor_id=user.id, object_type="user", object_id=user.id)
    response = RedirectResponse(_safe_next(next), status_code=303)
    devices.remember(response, email, device)
    return response


@router.post("/logout")
def logout(request: Request, db: Db) -> RedirectResponse:
    """End the session here and in every other server process (and the user's other sessions)."""
    user = session_user(request, db)
    if user is not None:
        end_sessions(user, session=db)
        audit.record("user.logout", session=db, actor_id=user.id, object_type="user", object_id=user.id)
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.post("/account/locale")
def set_locale(request: Request, db: Db, scope: Viewer, locale: Annotated[str, Form(max_length=20)],
               next: Annotated[str | None, Form(max_length=MAX_PATH)] = None) -> RedirectResponse:
    """Store the user's interface language (English or Simplified Chinese)."""
    if locale in LOCALES:
        scope.user.locale = locale
        db.add(scope.user)
        request.session["locale"] = locale
    return RedirectResponse(_safe_next(next), status_code=303)
