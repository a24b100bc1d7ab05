"""The one place that decides how markwatch talks to Elasticsearch, and what its errors mean.

The ``elasticsearch`` 7.17 client refuses the embedded OSS 7.9.2 server in its product check,
so the check is marked as passed; 7.17 is also the client that speaks to an 8.x cluster in
compatibility mode (``MARKWATCH_ES_COMPATIBILITY``), with an API key or basic auth and a CA file.

Failures come in two kinds. :class:`IndexUnavailable` (no connection, a timeout, 429 or 5xx) is
worth retrying later: crawls spool, detection fails its run and keeps its watermark.
:class:`IndexRefused` (401, 403, 400, 404 …) will fail again until someone fixes a setting or a
mapping, so it is raised with the server's own message and never spooled.
"""

from __future__ import annotations

from typing import Any

from elasticsearch import ConnectionError as EsConnectionError
from elasticsearch import Elasticsearch, Transport, TransportError

from shared_db.settings import Settings, get_settings

_COMPATIBLE = {
    "application/json": "application/vnd.elasticsearch+json;compatible-with=7",
    "application/x-ndjson": "application/vnd.elasticsearch+x-ndjson;compatible-with=7",
}


class IndexUnavailable(RuntimeError):
    """Elasticsearch cannot be reached or is overloaded (connection error, timeout, 429, 5xx): retry later."""


class IndexRefused(RuntimeError):
    """Elasticsearch answered and refused the request (authentication, authorisation, mapping, missing index)."""

    def __init__(self, message: str, *, status: int | None = None, error_type: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.error_type = error_type


def is_retryable(status: Any) -> bool:
    """Whether an HTTP status from Elasticsearch is worth retrying (429 and 5xx)."""
    return isinstance(status, int) and (status == 429 or status >= 500)


def server_reason(info: Any) -> tuple[str | None, str]:
    """(error type, reason) from an Elasticsearch error body, or its text."""
    error = info.get("error") if isinstance(info, dict) else None
    if isinstance(error, dict):
        cause = (error.get("root_cause") or [error])[0]
        return str(cause.get("type") or error.get("type")), str(cause.get("reason") or error.get("reason"))
    return None, str(error or info)


def es_failure(exc: Exception, doing: str) -> IndexUnavailable | IndexRefused:
    """The markwatch error for an ``elasticsearch`` exception raised while ``doing`` something."""
    if isinstance(exc, EsConnectionError):
        return IndexUnavailable(f"{doing}: Elasticsearch is unreachable ({exc}); it is retried later")
    status = getattr(exc, "status_code", None)
    error_type, reason = server_reason(getattr(exc, "info", None))
    if isinstance(exc, TransportError) and is_retryable(status):
        return IndexUnavailable(f"{doing}: Elasticsearch answered {status} {error_type}: {reason}; "
                                "it is retried later")
    hint = {401: "check MARKWATCH_ES_API_KEY or MARKWATCH_ES_USERNAME/MARKWATCH_ES_PASSWORD",
            403: "give this API key or user the index privileges markwatch needs (docs/elasticsearch.md)",
            404: "run `markwatch services up` to create the listings index, or check MARKWATCH_ES_INDEX_PREFIX",
            }.get(status if isinstance(status, int) else 0, "fix the request or the mapping; nothing was retried")
    return IndexRefused(f"{doing}: Elasticsearch refused it with {status} {error_type}: {reason}; {hint}",
                        status=status if isinstance(status, int) else None, error_type=error_type)


class CompatibleTransport(Transport):
    """Sends 7.x compatibility media types, as an 8.x cluster needs from a 7.x client."""

    def perform_request(self, method: str, url: str, headers: dict[str, str] | None = None,
                        params: Any = None, body: Any = None) -> Any:
        headers = {key.lower(): value for key, value in (headers or {}).items()}
        for key in ("accept", "content-type"):
            headers[key] = _COMPATIBLE.get(headers.get(key) or "application/json", headers.get(key) or "")
        return super().perform_request(method, url, headers=headers, params=params, body=body)


def make_client(settings: Settings | None = None, *, timeout: float = 30, retries: int = 2) -> Elasticsearch:
    """A client for the configured cluster; does not connect until first used.

    Only connection errors, timeouts, 429 and 5xx are retried by the client.
    """
    settings = settings or get_settings()
    options: dict[str, Any] = {}
    if settings.es_api_key is not None:
        options["api_key"] = settings.es_api_key.get_secret_value()
    elif settings.es_username:
        password = settings.es_password.get_secret_value() if settings.es_password else ""
        options["http_auth"] = (settings.es_username, password)
    if settings.es_ca_certs is not None:
        options.update(ca_certs=str(settings.es_ca_certs), verify_certs=True)
    if settings.es_compatibility:
        options["transport_class"] = CompatibleTransport
    client = Elasticsearch(
        settings.resolved_es_url,
        timeout=timeout,
        max_retries=retries,
        retry_on_timeout=True,
        retry_on_status=(429, 502, 503, 504),
        **options,
    )
    client.transport._verified_elasticsearch = True
    return client


def ping(client: Elasticsearch) -> bool:
    try:
        return bool(client.ping())
    except (EsConnectionError, TransportError):
        return False


def require_available(client: Elasticsearch) -> None:
    """Raise :class:`IndexUnavailable` with a next step when the cluster does not answer.

    Raises :class:`IndexRefused` with the server's message when it answers but refuses (e.g. 401).
    """
    try:
        client.info()
    except EsConnectionError as exc:
        hosts = ", ".join(str(h.get("host")) + ":" + str(h.get("port")) for h in client.transport.hosts)
        raise IndexUnavailable(
            f"Elasticsearch at {hosts} is unreachable: start it with `markwatch services up` "
            "or set MARKWATCH_ES_URL to a running cluster"
        ) from exc
    except TransportError as exc:
        raise es_failure(exc, "connecting to Elasticsearch") from exc
