"""The application factory: settings in, a FastAPI app out. Nothing connects until a request arrives."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import SQLAlchemyError
from starlette.middleware.sessions import SessionMiddleware

from review_ui.deps import Forbidden, NotAuthenticated, is_api
from review_ui.queries import MenuCache
from review_ui.security import CSRFError, LoginRateLimiter, RevokedSessions
from review_ui.templating import make_templates
from shared_db.db import make_engine, session_factory, transaction
from shared_db.models import utcnow
from shared_db.repo.hits import release_stale_claims
from shared_db.repo.marks import CuratedFieldError
from shared_db.settings import Settings, get_settings

logger = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).parent / "static"
SESSION_MAX_AGE = 12 * 60 * 60
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'")


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the review UI for ``settings`` (default: the process settings)."""
    from review_ui.api import router as api_router
    from review_ui.routes import ROUTERS

    settings = settings or get_settings()
    app = FastAPI(title="markwatch review API", version="1", docs_url=None, redoc_url=None,
                  lifespan=_lifespan)
    app.state.settings = settings
    app.state.engine = make_engine(settings.resolved_database_url)
    app.state.session_factory = session_factory(app.state.engine)
    app.state.templates = make_templates()
    app.state.login_limiter = LoginRateLimiter(settings.login_rate_limit)
    app.state.revoked = RevokedSessions(SESSION_MAX_AGE)
    app.state.menus = MenuCache()
    app.add_middleware(SessionMiddleware, secret_key=settings.secret_key, session_cookie="markwatch_session",
                       max_age=SESSION_MAX_AGE, same_site="lax", https_only=settings.https)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for router in ROUTERS:
        app.include_router(router)
    app.include_router(api_router)
    _install_handlers(app)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        response: Response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        if not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """At start, release claims older than the claim TTL (reviewers who closed the tab)."""
    ttl = timedelta(minutes=app.state.settings.claim_ttl_minutes)
    try:
        with transaction(app.state.engine) as session:
            released = release_stale_claims(session=session, older_than=utcnow() - ttl)
        if released:
            logger.info("released %d stale claims", released)
    except SQLAlchemyError as exc:
        logger.warning("could not release stale claims (is the database migrated? `markwatch db upgrade`): %s",
                       exc)
    yield
    app.state.engine.dispose()


def _install_handlers(app: FastAPI) -> None:
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
        return PlainTextResponse(f"Forbidden: {exc}", status_code=403)

    @app.exception_handler(CSRFError)
    async def _csrf(request: Request, exc: CSRFError) -> Response:
        return PlainTextResponse(f"Forbidden: {exc}", status_code=403)
