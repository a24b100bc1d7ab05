"""Shared fixtures: real Elasticsearch (embedded), real SQLite and PostgreSQL databases."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import tempfile
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import Engine

from shared_db.db import make_engine
from shared_db.migrate import upgrade
from shared_db.settings import Settings, reset_settings

# CI runs the property tests on Hypothesis's fixed seed so a result can be reproduced from its log;
# elsewhere each run draws new examples, which is how counterexamples are found.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

TEST_ES_PORT = int(os.environ.get("MARKWATCH_TEST_ES_PORT", "9201"))
PG_ADMIN_URL = os.environ.get("MARKWATCH_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
SHARED_DATA = Path(os.environ.get("MARKWATCH_SHARED_DATA")
                   or Path(__file__).resolve().parents[1].parent / "shared" / "data")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real third-party data in ../shared/data."""
    if not SHARED_DATA.exists():
        pytest.fail(f"{SHARED_DATA} is missing: the test suite needs ../shared/data beside the checkout")
    return SHARED_DATA


@pytest.fixture(scope="session")
def es_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A running Elasticsearch: MARKWATCH_TEST_ES_URL, or an embedded one started for this session."""
    url = os.environ.get("MARKWATCH_TEST_ES_URL")
    if url:
        yield url
        return
    from markwatch.embedded_es import EmbeddedElasticsearch

    # Not under pytest's 0700 basetemp: as root the server runs as `nobody`, which must reach its data dir.
    data_dir = Path(tempfile.mkdtemp(prefix="markwatch-test-es-"))
    data_dir.chmod(0o755)
    server = EmbeddedElasticsearch(Settings(data_dir=data_dir, es_port=TEST_ES_PORT))
    status = server.start()
    try:
        yield status.url
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture
def settings(tmp_path: Path, es_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """Settings for one test: its own data dir, SQLite file and Elasticsearch index prefix.

    The same values are exported as MARKWATCH_* variables so code that calls get_settings() agrees.
    """
    values = {
        "data_dir": str(tmp_path / "var"),
        "database_url": f"sqlite:///{tmp_path / 'markwatch.sqlite3'}",
        "es_url": es_url,
        "es_index_prefix": f"test-{uuid.uuid4().hex[:10]}",
        "allowed_private_hosts": '["127.0.0.1:8800", "localhost:8800"]',  # as the demo: one port
        "detection_skew_seconds": "0",  # detect what a test has just indexed (tests of the skew set their own)
    }
    for key, value in values.items():
        monkeypatch.setenv(f"MARKWATCH_{key.upper()}", value)
    reset_settings()
    current = Settings()
    yield current
    reset_settings()
    try:
        from shared_db.es.client import make_client
        from shared_db.es.listings import ListingsIndex

        ListingsIndex(make_client(current), current).delete_all()
        from crawlers.fetchlog import FetchLog

        FetchLog(make_client(current), current).delete()
    except Exception:  # noqa: BLE001 - cleanup must not mask the test's own result
        pass


@pytest.fixture
def sqlite_engine(settings: Settings) -> Iterator[Engine]:
    """A migrated SQLite database in the test's data dir."""
    engine = make_engine(settings.resolved_database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def pg_database_url() -> Iterator[str]:
    """A throwaway PostgreSQL database for this test session, dropped at the end."""
    import psycopg

    name = f"markwatch_test_{uuid.uuid4().hex[:10]}"
    admin = PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_engine(pg_database_url: str) -> Iterator[Engine]:
    """A migrated, empty PostgreSQL database (tables are emptied after each test)."""
    from shared_db.models import Base

    engine = make_engine(pg_database_url)
    upgrade(engine)
    yield engine
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> Engine:
    """Each test using this runs once on SQLite and once on PostgreSQL."""
    return request.getfixturevalue("sqlite_engine" if request.param == "sqlite" else "pg_engine")


class ImageFactory:
    """Image bytes for tests: product photos drawn like the demo marketplace's, and hostile files."""

    @staticmethod
    def photo(name: str, fmt: str = "JPEG", *, side: int | None = None, quality: int = 90) -> bytes:
        import io

        from markwatch.demo_market.images import draw_photo

        image = draw_photo(name)
        if side is not None:
            image = image.resize((side, side))
        buffer = io.BytesIO()
        image.save(buffer, format=fmt, **({"quality": quality} if fmt == "JPEG" else {}))
        return buffer.getvalue()

    @staticmethod
    def bomb(side: int = 50_000) -> bytes:
        """A 1×1 PNG whose header claims ``side``×``side`` pixels (decoding it would need gigabytes)."""
        import struct
        import zlib

        png = ImageFactory.photo("bomb", "PNG", side=1)
        header = b"IHDR" + struct.pack(">II", side, side) + png[24:29]
        return png[:12] + header + struct.pack(">I", zlib.crc32(header)) + png[33:]


@pytest.fixture(scope="session")
def images() -> type[ImageFactory]:
    return ImageFactory


@pytest.fixture
def demo_site(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):  # type: ignore[no-untyped-def]
    """``demo_site(settings, base_url)``: a demo marketplace served at ``base_url`` (a free port) is the demo's site.

    Its origin joins the allow-list (in the returned settings and MARKWATCH_ALLOWED_PRIVATE_HOSTS), and the
    packaged site profiles name it instead of http://127.0.0.1:8800, so a reported URL on it matches the demo
    profile as one on the real demo port would (profiles match host *and* port).
    """
    import json

    import crawlers.profile

    def use(settings: Settings, base_url: str) -> Settings:
        profiles = tmp_path / "profiles"
        profiles.mkdir(exist_ok=True)
        for packaged in crawlers.profile.PROFILES_DIR.glob("*.toml"):
            text = packaged.read_text(encoding="utf-8").replace("http://127.0.0.1:8800", base_url)
            (profiles / packaged.name).write_text(text, encoding="utf-8")
        monkeypatch.setattr(crawlers.profile, "PROFILES_DIR", profiles)
        allowed = [*settings.allowed_private_hosts, base_url]
        monkeypatch.setenv("MARKWATCH_ALLOWED_PRIVATE_HOSTS", json.dumps(allowed))
        reset_settings()
        return settings.model_copy(update={"allowed_private_hosts": allowed})

    return use


# An Elasticsearch that refuses: used by tests/foundation/test_es_errors.py and tests/crawlers/test_crawl.py.
_ES_PLAIN = {"application/vnd.elasticsearch+json;compatible-with=7": "application/json",
             "application/vnd.elasticsearch+x-ndjson;compatible-with=7": "application/x-ndjson"}


def _es_error(status: int, error_type: str, reason: str) -> tuple[int, dict[str, Any]]:
    return status, {"error": {"root_cause": [{"type": error_type, "reason": reason}], "type": error_type,
                              "reason": reason}, "status": status}


class EsGate(ThreadingHTTPServer):
    """Plays an 8.x cluster in front of the embedded 7.9 OSS server (which has no security).

    With ``credentials`` set it answers 401 as Elasticsearch does to any other ``Authorization``;
    ``answers`` maps a path fragment to a fixed (status, body); it accepts the 7.x compatibility media
    types, records every request's headers in ``seen`` and forwards the rest to the real server.
    """

    daemon_threads = True

    def __init__(self, upstream: str) -> None:
        super().__init__(("127.0.0.1", 0), _EsGateHandler)
        self.upstream = urlsplit(upstream)
        self.credentials: set[str] = set()
        self.answers: dict[str, tuple[int, dict[str, Any]]] = {}  # path fragment → fixed answer
        self.seen: list[dict[str, str]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _EsGateHandler(BaseHTTPRequestHandler):
    server: EsGate

    def log_message(self, *args: Any) -> None:
        pass

    def _handle(self) -> None:
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.server.seen.append({"path": self.path, "method": self.command, **headers})
        body = self.rfile.read(int(headers.get("content-length") or 0))
        fixed = next((a for fragment, a in self.server.answers.items() if fragment in self.path), None)
        if fixed is None and self.server.credentials and headers.get("authorization") not in self.server.credentials:
            fixed = _es_error(401, "security_exception",
                           f"missing authentication credentials for REST request [{self.path}]")
        if fixed is not None:
            payload = json.dumps(fixed[1]).encode()
            self.send_response(fixed[0])
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            return
        forwarded = {k: _ES_PLAIN.get(v, v) for k, v in headers.items()
                     if k in ("content-type", "accept")}
        upstream = http.client.HTTPConnection(self.server.upstream.hostname, self.server.upstream.port, timeout=60)
        upstream.request(self.command, self.path, body=body or None, headers=forwarded)
        response = upstream.getresponse()
        payload = response.read()
        self.send_response(response.status)
        for key, value in response.getheaders():
            if key.lower() in ("content-type", "x-elastic-product"):
                self.send_header(key, value)
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle


@pytest.fixture
def es_gate(es_url: str) -> Iterator[EsGate]:
    """A loopback gate in front of the test Elasticsearch that plays an 8.x cluster (see :class:`EsGate`)."""
    server = EsGate(es_url)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
