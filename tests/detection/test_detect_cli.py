"""``markwatch detect`` over the real Elasticsearch: summary on stderr, exit 4 when ES is down."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from detection.vocabulary import read_vocabulary
from markwatch.cli import app
from shared_db.es.client import make_client
from shared_db.es.listings import ListingsIndex
from shared_db.repo.marks import upsert_mark
from shared_db.repo.vocabulary import current_vocabulary
from shared_db.schemas import MarkCreate
from shared_db.settings import Settings, reset_settings


def test_detect_command_runs_and_reports(settings: Settings, sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session, session.begin():
        upsert_mark(MarkCreate(text="Gucci", owner="Gucci", classes=[18]), session=session)
    index = ListingsIndex(make_client(settings), settings)
    index.ensure()
    index.bulk_upsert([{"marketplace": "demo", "listing_id": "1", "title": "Guccci handbag"}], refresh=True)
    result = CliRunner().invoke(app, ["detect", "--full"])
    assert result.exit_code == 0, result.stderr
    assert "1 listings scanned, 1 hits created" in result.stderr


def test_detect_command_exits_4_when_elasticsearch_is_down(settings: Settings, sqlite_engine: Engine,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("MARKWATCH_ES_URL", f"http://127.0.0.1:{port}")
    reset_settings()
    result = CliRunner().invoke(app, ["detect"])
    assert result.exit_code == 4 and "unreachable" in result.stderr


def test_slice_options_go_together() -> None:
    result = CliRunner().invoke(app, ["detect", "--slice", "1"])
    assert result.exit_code == 2


def test_vocabulary_learn_command_stores_the_words_used_across_brands(settings: Settings, sqlite_engine: Engine,
                                                                     tmp_path: Path) -> None:
    index = ListingsIndex(make_client(settings), settings)
    index.ensure()
    index.bulk_upsert([{"marketplace": "demo", "listing_id": str(n), "title": f"{brand} netbook", "brand": brand}
                       for n, brand in enumerate(["Acer", "Asus", "Dell"])], refresh=True)
    result = CliRunner().invoke(app, ["vocabulary", "learn"])
    assert result.exit_code == 0, result.stderr
    assert "1 words from 3 listings stored as vocabulary version 1" in result.stdout
    with Session(sqlite_engine) as session:
        assert current_vocabulary(session=session) == (1, {"netbook"})
    exported = tmp_path / "words.txt"
    assert CliRunner().invoke(app, ["vocabulary", "export", str(exported)]).exit_code == 0
    assert read_vocabulary(exported) == {"netbook"}  # what `markwatch match --vocabulary` reads
    assert CliRunner().invoke(app, ["vocabulary", "learn", "--min-brands", "4"]).exit_code == 0
    with Session(sqlite_engine) as session:
        assert current_vocabulary(session=session) == (2, frozenset())
