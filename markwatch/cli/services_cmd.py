"""``markwatch services up|down|status``: the embedded Elasticsearch (or the configured cluster)."""

from __future__ import annotations

import time

import typer

from markwatch.cli.common import EXIT_FAILURE, EXIT_UNAVAILABLE, clear_errors, console, fail

services = typer.Typer(help="Start, stop and inspect the services markwatch needs (Elasticsearch).",
                       no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add ``services`` to ``app``."""
    app.add_typer(services, name="services")


@services.command()
def up(
    timeout: float = typer.Option(120.0, help="Seconds to wait for the cluster to become healthy."),
) -> None:
    """Start the embedded Elasticsearch (a no-op when it runs) and prepare the listings index."""
    from markwatch.embedded_es import EmbeddedElasticsearch, EmbeddedElasticsearchError
    from shared_db.settings import get_settings

    with clear_errors():
        settings = get_settings()
        if not settings.embedded_es:
            console.print(f"MARKWATCH_ES_URL is set: using {settings.es_url}, nothing to start.")
        else:
            server = EmbeddedElasticsearch(settings)
            current = server.status()
            if current.running:
                console.print(f"Elasticsearch is already running at {current.url} "
                              f"(pid {current.pid}, health {current.health}).")
            else:
                started = time.monotonic()
                try:
                    status = server.start(timeout=timeout)
                except EmbeddedElasticsearchError as exc:
                    raise fail(str(exc), EXIT_FAILURE) from exc
                console.print(f"Elasticsearch started at {status.url} (pid {status.pid}, health "
                              f"{status.health}) in {time.monotonic() - started:.1f}s; "
                              f"data and logs under {server.root}.")
        index = _ensure_listings(settings)
        console.print(f"Listings index ready: alias {settings.listings_alias} -> {index}.")


@services.command()
def down() -> None:
    """Stop the embedded Elasticsearch started by ``services up`` (a no-op when it is not running)."""
    from markwatch.embedded_es import EmbeddedElasticsearch
    from shared_db.settings import get_settings

    with clear_errors():
        settings = get_settings()
        if not settings.embedded_es:
            console.print(f"MARKWATCH_ES_URL is set ({settings.es_url}): markwatch did not start it, "
                          "nothing to stop.")
            return
        server = EmbeddedElasticsearch(settings)
        if server.stop():
            console.print(f"Elasticsearch on port {server.port} stopped.")
        else:
            console.print(f"Elasticsearch on port {server.port} was not running.")


@services.command()
def status() -> None:
    """Show whether Elasticsearch runs and its health; exit code 4 when it does not answer."""
    from markwatch.embedded_es import EmbeddedElasticsearch
    from shared_db.es.client import make_client
    from shared_db.settings import get_settings

    with clear_errors():
        settings = get_settings()
        if not settings.embedded_es:
            health = _cluster_health(make_client(settings, timeout=5, retries=0))
            if health is None:
                raise fail(f"Elasticsearch at {settings.es_url} (MARKWATCH_ES_URL) does not answer.",
                           EXIT_UNAVAILABLE)
            console.print(f"external Elasticsearch at {settings.es_url}: health {health['status']}, "
                          f"{health['number_of_nodes']} node(s), cluster {health['cluster_name']}")
            return
        server = EmbeddedElasticsearch(settings)
        current = server.status()
        if current.running:
            console.print(f"embedded Elasticsearch running at {current.url}: pid {current.pid}, "
                          f"health {current.health}")
            return
        if current.health is not None:
            raise fail(f"something answers at {current.url} (health {current.health}) but markwatch did not "
                       "start it; set MARKWATCH_ES_URL to use it, or MARKWATCH_ES_PORT to another port",
                       EXIT_UNAVAILABLE)
        raise fail(f"embedded Elasticsearch is not running on port {server.port}; start it with "
                   "`markwatch services up`", EXIT_UNAVAILABLE)


def _cluster_health(client) -> dict | None:  # type: ignore[no-untyped-def]
    from elasticsearch import ConnectionError as EsConnectionError
    from elasticsearch import TransportError

    try:
        return dict(client.cluster.health())
    except (EsConnectionError, TransportError):
        return None


def _ensure_listings(settings) -> str:  # type: ignore[no-untyped-def]
    from shared_db.es.client import make_client, require_available
    from shared_db.es.listings import ListingsIndex

    client = make_client(settings)
    require_available(client)
    return ListingsIndex(client, settings).ensure()
