"""Settings for a scheduled task: markwatch settings, overridden by Airflow Connections and Variables.

Only called inside running tasks (Airflow reads Variables and Connections through its task
runtime); importing this module imports nothing from Airflow.

- Connection ``markwatch_es`` (optional) replaces ``MARKWATCH_ES_URL``.
- Variable ``markwatch_detect_slices`` (optional, an integer) sets how many mapped detection
  tasks split the index between them.
- Variable ``markwatch_crawl_timeout`` (optional, seconds) bounds one profile's crawl subprocess.
- Variable ``markwatch_crawl_targets`` (optional, a JSON list) replaces the enabled profiles as the
  crawls of a scheduled run (it may name spiders too).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any
from urllib.parse import quote

from shared_db.settings import Settings, get_settings

ES_CONNECTION_ID = "markwatch_es"
DETECT_SLICES_VARIABLE = "markwatch_detect_slices"
CRAWL_TIMEOUT_VARIABLE = "markwatch_crawl_timeout"
CRAWL_TARGETS_VARIABLE = "markwatch_crawl_targets"
DEFAULT_DETECT_SLICES = 2
MAX_DETECT_SLICES = 64


class JobConfigurationError(ValueError):
    """An Airflow Variable or Connection for markwatch holds a value that cannot be used."""


def es_url_from_connection(conn: Any) -> str:
    """The Elasticsearch URL described by an Airflow Connection (host, port, schema, login)."""
    host = (conn.host or "").strip()
    if not host:
        raise JobConfigurationError(
            f"Airflow Connection {conn.conn_id!r} has no host; set it to the Elasticsearch address, "
            "e.g. `airflow connections add markwatch_es --conn-uri http://es.internal:9200`"
        )
    if "://" in host:
        return host.rstrip("/")
    scheme = conn.schema if conn.schema in ("http", "https") else (conn.conn_type if conn.conn_type in (
        "http", "https") else "http")
    auth = ""
    if conn.login:
        auth = quote(conn.login, safe="")
        if conn.password:
            auth += ":" + quote(conn.password, safe="")
        auth += "@"
    port = f":{conn.port}" if conn.port else ""
    return f"{scheme}://{auth}{host}{port}"


def task_settings(base: Settings | None = None) -> Settings:
    """markwatch settings for the running task, with the ``markwatch_es`` Connection applied if defined."""
    from airflow.sdk import Connection
    from airflow.sdk.exceptions import AirflowNotFoundException

    settings = base or get_settings()
    try:
        conn = Connection.get(ES_CONNECTION_ID)
    except AirflowNotFoundException:
        return settings
    return settings.model_copy(update={"es_url": es_url_from_connection(conn)})


def parse_slices(value: Any) -> int:
    """Validate a slice count from a Variable, a param or the command line."""
    try:
        slices = int(value)
    except (TypeError, ValueError) as exc:
        raise JobConfigurationError(
            f"{DETECT_SLICES_VARIABLE} must be an integer between 1 and {MAX_DETECT_SLICES}, got {value!r}"
        ) from exc
    if not 1 <= slices <= MAX_DETECT_SLICES:
        raise JobConfigurationError(
            f"{DETECT_SLICES_VARIABLE} must be between 1 and {MAX_DETECT_SLICES}, got {slices}"
        )
    return slices


def variable(key: str, default: Any, *, deserialize_json: bool = False) -> Any:
    """An Airflow Variable's value, or ``default`` when it is not defined."""
    from airflow.sdk import Variable

    return Variable.get(key, default=default, deserialize_json=deserialize_json)


def jsonable(value: Any) -> Any:
    """``value`` turned into plain JSON types so it can travel as an XCom or be printed."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Enum):
        return jsonable(value.value)
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if hasattr(value, "model_dump"):
        return jsonable(value.model_dump())
    if hasattr(value, "__dataclass_fields__"):
        return {name: jsonable(getattr(value, name)) for name in value.__dataclass_fields__}
    if hasattr(value, "_asdict"):
        return jsonable(value._asdict())
    if hasattr(value, "__dict__"):
        return {k: jsonable(v) for k, v in vars(value).items() if not k.startswith("_")}
    return json.loads(json.dumps(value, default=str))
