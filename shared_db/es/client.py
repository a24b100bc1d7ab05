"""The one place that decides how markwatch talks to Elasticsearch.

The ``elasticsearch`` 7.17 client refuses the embedded OSS 7.9.2 server in its product check,
so the check is marked as passed; 7.17 is also the client that speaks to an 8.x cluster in
compatibility mode.
"""

from __future__ import annotations

from elasticsearch import ConnectionError as EsConnectionError
from elasticsearch import Elasticsearch, TransportError

from shared_db.settings import Settings, get_settings


class IndexUnavailable(RuntimeError):
    """Elasticsearch cannot be reached or refused the request."""


def make_client(settings: Settings | None = None, *, timeout: float = 30, retries: int = 2) -> Elasticsearch:
    """A client for the configured cluster; does not connect until first used."""
    settings = settings or get_settings()
    client = Elasticsearch(
        settings.resolved_es_url,
        timeout=timeout,
        max_retries=retries,
        retry_on_timeout=True,
    )
    client.transport._verified_elasticsearch = True
    return client


def ping(client: Elasticsearch) -> bool:
    try:
        return bool(client.ping())
    except (EsConnectionError, TransportError):
        return False


def require_available(client: Elasticsearch) -> None:
    """Raise :class:`IndexUnavailable` with a next step when the cluster does not answer."""
    if not ping(client):
        hosts = ", ".join(str(h.get("host")) + ":" + str(h.get("port")) for h in client.transport.hosts)
        raise IndexUnavailable(
            f"Elasticsearch at {hosts} is unreachable: start it with `markwatch services up` "
            "or set MARKWATCH_ES_URL to a running cluster"
        )
