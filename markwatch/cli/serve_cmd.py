"""``markwatch serve``: run the review UI with uvicorn."""

from __future__ import annotations

import typer

from markwatch.cli.common import clear_errors, console


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on (keep loopback unless behind a proxy)."),
    port: int = typer.Option(8000, help="TCP port."),
) -> None:
    """Serve the review UI (queue, marks, search, cases, dashboard, admin, JSON API)."""
    import uvicorn

    from review_ui.app import create_app
    from shared_db.settings import get_settings

    with clear_errors():
        settings = get_settings()
        app = create_app(settings)
    console.print(f"review UI on http://{host}:{port}/login")
    # The app itself honours X-Forwarded-* from MARKWATCH_TRUSTED_PROXIES only; uvicorn's own trust stays off.
    uvicorn.run(app, host=host, port=port, proxy_headers=False, log_level="info")


def register(app: typer.Typer) -> None:
    """Add ``serve`` to ``app``."""
    app.command("serve")(serve)
