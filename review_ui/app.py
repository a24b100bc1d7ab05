"""The application factory: settings in, a FastAPI app out. Nothing connects until a request arrives."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import SQLAlchemyError
from starlette.middleware.sessions import SessionMiddleware
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from review_ui.errors import install_error_handlers
from review_ui.login_limits import KnownDevices, LoginThrottle
from review_ui.queries import MenuCache
from review_ui.security import add_security_headers
from review_ui.templating import make_templates
from shared_db.db import make_engine, session_factory, transaction
from shared_db.models import utcnow
from shared_db.repo.hits import release_stale_claims
from shared_db.secret_key import session_secret
from shared_db.settings import Settings, get_settings

logger = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).parent / "static"
SESSION_MAX_AGE = 12 * 60 * 60


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the review UI for ``settings`` (default: the process settings)."""
    from review_ui.api import router as api_router
    from review_ui.api.enforcement import router as api_enforcement_router
    from review_ui.routes import ROUTERS

    settings = settings or get_settings()
    app = FastAPI(title="markwatch review API", version="1", docs_url=None, redoc_url=None,
                  lifespan=_lifespan)
    app.state.settings = settings
    app.state.engine = make_engine(settings.resolved_database_url)
    app.state.session_factory = session_factory(app.state.engine)
    app.state.templates = make_templates()
    secret = session_secret(settings)
    app.state.login_throttle = LoginThrottle(account_limit=settings.login_rate_limit,
                                             address_limit=settings.login_address_limit)
    app.state.known_devices = KnownDevices(secret, https=settings.https)
    app.state.menus = MenuCache()
    app.add_middleware(SessionMiddleware, secret_key=secret, session_cookie="markwatch_session",
                       max_age=SESSION_MAX_AGE, same_site="lax", https_only=settings.https)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for router in ROUTERS:
        app.include_router(router)
    app.include_router(api_router)
    app.include_router(api_enforcement_router)
    install_error_handlers(app)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        response: Response = await call_next(request)
        add_security_headers(response, request.url.path)
        return response

    if settings.trusted_proxies:
        # Outermost: the client address and scheme are the proxy's X-Forwarded-For/-Proto, only from these peers.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
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

