"""Marks store their distinctiveness when they change; detection uses the stored one; a refresh reassesses."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from detection.marks import MarkSpec
from detection.matcher import Matcher
from markwatch.cli import app
from shared_db.es.client import make_client
from shared_db.es.listings import ListingsIndex
from shared_db.models import Mark
from shared_db.repo.distinctiveness import learned_vocabulary, refresh_distinctiveness
from shared_db.repo.marks import update_mark, upsert_mark
from shared_db.schemas import MarkCreate, MarkPublic, MarkUpdate
from shared_db.settings import Settings, reset_settings


def _create(session: Session, mark: str, **extra: object) -> Mark:
    return upsert_mark(MarkCreate(text=mark, owner="Owner", **extra), session=session, vocabulary=())[0]


def test_new_marks_store_their_distinctiveness(engine) -> None:
    with Session(engine) as session, session.begin():
        ids = {mark: _create(session, mark).id for mark in ("Black", "Panasonic", "HP")}
    with Session(engine) as session:  # read back through the database's JSON column
        stored = {mark: session.get(Mark, mark_id) for mark, mark_id in ids.items()}
        assert {mark: row.distinctiveness["level"] for mark, row in stored.items()} == {
            "Black": "ordinary", "Panasonic": "strong", "HP": "weak"}
        assert all(row.distinctiveness_at is not None for row in stored.values())
        black = MarkPublic.model_validate(stored["Black"]).distinctiveness
        assert black is not None and black.reasons == ["'black' is an ordinary word"]
        assert black.requirements.startswith("ordinary word: hits need the exact mark as a whole word")
        assert MarkPublic.model_validate(stored["HP"]).distinctiveness.length == 2


def test_a_change_to_the_text_or_aliases_reassesses_and_other_changes_do_not(engine) -> None:
    with Session(engine) as session, session.begin():
        mark = _create(session, "Panasonic")
        assessed_at = mark.distinctiveness_at
        update_mark(mark, MarkUpdate(classes=[9]), session=session, actor_id=None, vocabulary=())
        assert mark.distinctiveness_at == assessed_at
        mark.text = "Black"  # as a correction of the word applies it, with the next change
        update_mark(mark, MarkUpdate(aliases=["Blk"]), session=session, actor_id=None, vocabulary=())
        assert mark.distinctiveness["level"] == "ordinary" and mark.distinctiveness_at > assessed_at


def test_the_domain_vocabulary_counts_and_a_refresh_reassesses_without_touching_updated_at(engine) -> None:
    with Session(engine) as session, session.begin():
        yuntab, black = _create(session, "Yuntab").id, _create(session, "Black").id
        session.execute(text("UPDATE marks SET distinctiveness = NULL WHERE id = :id"), {"id": black})
    with Session(engine) as session, session.begin():
        before = {m.id: m.updated_at for m in session.scalars(select(Mark))}
        assert session.get(Mark, yuntab).distinctiveness["level"] == "strong"
        assert refresh_distinctiveness(session=session, vocabulary={"yuntab"}) == 2  # Yuntab, and Black's NULL
        assert session.get(Mark, yuntab).distinctiveness["level"] == "ordinary"
        assert session.get(Mark, black).distinctiveness["level"] == "ordinary"
        assert refresh_distinctiveness(session=session, vocabulary={"yuntab"}) == 0
    with Session(engine) as session:
        assert {m.id: m.updated_at for m in session.scalars(select(Mark))} == before


def test_a_mark_not_yet_assessed_is_assessed_by_its_next_change(engine) -> None:
    with Session(engine) as session, session.begin():
        mark = _create(session, "HP")
        session.execute(text("UPDATE marks SET distinctiveness = NULL WHERE id = :id"), {"id": mark.id})
        session.expire(mark)
        assert mark.distinctiveness is None
        update_mark(mark, MarkUpdate(classes=[2]), session=session, actor_id=None, vocabulary=())
        assert mark.distinctiveness["level"] == "weak"


def test_the_stored_level_is_what_the_matcher_uses(engine) -> None:
    """A stored 'ordinary' makes Panasonic need a brand position, which its text alone would not."""
    title = "Camera battery for Panasonic"
    with Session(engine) as session, session.begin():
        mark = _create(session, "Panasonic")
        assert Matcher([MarkSpec.from_model(mark)]).match(title), "strong: found anywhere in the title"
        mark.distinctiveness = {"level": "ordinary", "reasons": ["'panasonic' is an ordinary word"], "length": 9}
    with Session(engine) as session:
        spec = MarkSpec.from_model(session.scalar(select(Mark)))
        assert spec.distinctiveness is not None and spec.distinctiveness.level == "ordinary"
        assert Matcher([spec]).match(title) == []
        assert Matcher([spec]).match("Panasonic camera battery", context={"brand": "Panasonic"})


def test_learned_vocabulary_is_reread_when_the_file_changes(tmp_path: Path) -> None:
    path = tmp_path / "vocabulary.txt"
    assert learned_vocabulary(path) == frozenset()
    path.write_text("# header\nyuntab\n", encoding="utf-8")
    assert learned_vocabulary(path) == {"yuntab"}
    path.write_text("# header\nyuntab\nnetbook\n", encoding="utf-8")
    os.utime(path, ns=(1, 1))
    assert learned_vocabulary(path) == {"yuntab", "netbook"}


def test_relearning_the_vocabulary_reassesses_the_marks(settings: Settings, sqlite_engine) -> None:
    from markwatch.jobs.vocabulary import learn_vocabulary

    index = ListingsIndex(make_client(settings), settings)
    index.ensure()
    index.bulk_upsert([{"marketplace": "demo", "listing_id": str(n), "title": f"{brand} yuntab 10 inch",
                        "brand": brand} for n, brand in enumerate(["Acer", "Asus", "Samsung"])], refresh=True)
    with Session(sqlite_engine) as session, session.begin():
        mark_id = _create(session, "Yuntab").id
    report = learn_vocabulary(settings=settings, engine=sqlite_engine)
    assert report.marks_reassessed == 1
    with Session(sqlite_engine) as session:
        assert session.get(Mark, mark_id).distinctiveness["level"] == "ordinary"


def test_refresh_command_stores_the_assessment_of_marks_without_one(settings: Settings, sqlite_engine) -> None:
    with Session(sqlite_engine) as session, session.begin():
        mark_id = _create(session, "Yuntab").id
        session.execute(text("UPDATE marks SET distinctiveness = NULL"))
    settings.vocabulary_path.parent.mkdir(parents=True, exist_ok=True)
    settings.vocabulary_path.write_text("yuntab\n", encoding="utf-8")
    reset_settings()
    runner = CliRunner()
    listed = runner.invoke(app, ["marks", "list"], env={"COLUMNS": "200"})
    assert "not assessed" in listed.output
    result = runner.invoke(app, ["marks", "refresh-distinctiveness"])
    assert result.exit_code == 0 and "1 mark(s) reassessed" in result.output, result.output
    with Session(sqlite_engine) as session:
        assert session.get(Mark, mark_id).distinctiveness["level"] == "ordinary"
    assert "ordinary" in runner.invoke(app, ["marks", "list"], env={"COLUMNS": "200"}).output
