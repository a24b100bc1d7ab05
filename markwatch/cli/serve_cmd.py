"""``markwatch serve``: run the review UI with uvicorn, in one or several worker processes."""

from __future__ import annotations

import typer

from markwatch.cli.common import clear_errors, console

APP_FACTORY = "review_ui.app:create_app"


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on (keep loopback unless behind a proxy)."),
    port: int = typer.Option(8000, help="TCP port."),
    workers: int = typer.Option(1, "--workers", min=1, max=64,
                                help="Worker processes; sessions, logouts and login limits hold across them."),
) -> None:
    """Serve the review UI (queue, marks, search, cases, dashboard, admin, JSON API)."""
    import uvicorn

    from review_ui.app import create_app
    from shared_db.settings import get_settings

    with clear_errors():
        settings = get_settings()
        app = create_app(settings)  # fails here, with a clear message, on bad settings
    console.print(f"review UI on http://{host}:{port}/login" + (f" ({workers} workers)" if workers > 1 else ""))
    # The app itself honours X-Forwarded-* from MARKWATCH_TRUSTED_PROXIES only; uvicorn's own trust stays off.
    if workers == 1:
        uvicorn.run(app, host=host, port=port, proxy_headers=False, log_level="info")
    else:
        # Each worker process builds its own app (and database pool) from the same settings.
        uvicorn.run(APP_FACTORY, factory=True, workers=workers, host=host, port=port, proxy_headers=False,
                    log_level="info")


def register(app: typer.Typer) -> None:
    """Add ``serve`` to ``app``."""
    app.command("serve")(serve)
