"""Shared fixtures: real Elasticsearch (embedded), real SQLite and PostgreSQL databases."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from shared_db.db import make_engine
from shared_db.migrate import upgrade
from shared_db.settings import Settings, reset_settings

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
