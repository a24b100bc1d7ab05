"""Marks store their distinctiveness when they change; detection uses the stored one; a refresh reassesses."""

from __future__ import annotations

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from detection.marks import MarkSpec
from detection.matcher import Matcher
from markwatch.cli import app
from shared_db.models import Mark
from shared_db.repo.distinctiveness import refresh_distinctiveness
from shared_db.repo.marks import update_mark, upsert_mark
from shared_db.schemas import MarkCreate, MarkPublic, MarkUpdate
from shared_db.settings import Settings, reset_settings


def _create(session: Session, mark: str, **extra: object) -> Mark:
    return upsert_mark(MarkCreate(text=mark, owner="Owner", **extra), session=session)[0]


def test_new_marks_store_their_distinctiveness(engine) -> None:
    with Session(engine) as session, session.begin():
        ids = {mark: _create(session, mark).id for mark in ("Black", "Panasonic", "HP")}
    with Session(engine) as session:  # read back through the database's JSON column
        stored = {mark: session.get(Mark, mark_id) for mark, mark_id in ids.items()}
        assert {mark: row.distinctiveness["level"] for mark, row in stored.items()} == {
            "Black": "ordinary", "Panasonic": "strong", "HP": "weak"}
        assert all(row.distinctiveness_at is not None for row in stored.values())
        black = MarkPublic.model_validate(stored["Black"]).distinctiveness
        assert black is not None and black.reasons == ["an ordinary word"]
        assert black.requirements.startswith("ordinary word: written plainly, hits need the mark in a brand position")
        assert MarkPublic.model_validate(stored["HP"]).distinctiveness.length == 2


def test_a_change_to_the_text_or_aliases_reassesses_and_other_changes_do_not(engine) -> None:
    with Session(engine) as session, session.begin():
        mark = _create(session, "Panasonic")
        assessed_at = mark.distinctiveness_at
        update_mark(mark, MarkUpdate(classes=[9]), session=session, actor_id=None)
        assert mark.distinctiveness_at == assessed_at
        mark.text = "Black"  # as a correction of the word applies it, with the next change
        update_mark(mark, MarkUpdate(aliases=["Blk"]), session=session, actor_id=None)
        assert mark.distinctiveness["level"] == "ordinary" and mark.distinctiveness_at > assessed_at


def test_a_refresh_stores_what_changed_without_touching_updated_at(engine) -> None:
    with Session(engine) as session, session.begin():
        panasonic, black = _create(session, "Panasonic").id, _create(session, "Black").id
        session.execute(text("UPDATE marks SET distinctiveness = NULL WHERE id = :id"), {"id": black})
        stale = {"level": "weak", "reasons": ["assessed by older rules"], "length": 9}
        session.execute(update(Mark).where(Mark.id == panasonic).values(distinctiveness=stale))
    with Session(engine) as session, session.begin():
        before = {m.id: m.updated_at for m in session.scalars(select(Mark))}
        assert refresh_distinctiveness(session=session) == 2  # Black's NULL and Panasonic's stale level
        assert session.get(Mark, panasonic).distinctiveness["level"] == "strong"
        assert session.get(Mark, black).distinctiveness["level"] == "ordinary"
        assert refresh_distinctiveness(session=session) == 0
    with Session(engine) as session:
        assert {m.id: m.updated_at for m in session.scalars(select(Mark))} == before


def test_a_mark_not_yet_assessed_is_assessed_by_its_next_change(engine) -> None:
    with Session(engine) as session, session.begin():
        mark = _create(session, "HP")
        session.execute(text("UPDATE marks SET distinctiveness = NULL WHERE id = :id"), {"id": mark.id})
        session.expire(mark)
        assert mark.distinctiveness is None
        update_mark(mark, MarkUpdate(classes=[2]), session=session, actor_id=None)
        assert mark.distinctiveness["level"] == "weak"


def test_the_stored_level_is_what_the_matcher_uses(engine) -> None:
    """A stored 'ordinary' makes Panasonic need a brand position, which its text alone would not."""
    title = "Camera battery for Panasonic"
    with Session(engine) as session, session.begin():
        mark = _create(session, "Panasonic")
        assert Matcher([MarkSpec.from_model(mark)]).match(title), "strong: found anywhere in the title"
        mark.distinctiveness = {"level": "ordinary", "reasons": ["an ordinary word"], "length": 9}
    with Session(engine) as session:
        spec = MarkSpec.from_model(session.scalar(select(Mark)))
        assert spec.distinctiveness is not None and spec.distinctiveness.level == "ordinary"
        assert Matcher([spec]).match(title) == []
        assert Matcher([spec]).match("Panasonic camera battery", context={"brand": "Panasonic"})


def test_refresh_command_stores_the_assessment_of_marks_without_one(settings: Settings, sqlite_engine) -> None:
    with Session(sqlite_engine) as session, session.begin():
        mark_id = _create(session, "Black").id
        session.execute(text("UPDATE marks SET distinctiveness = NULL"))
    reset_settings()
    runner = CliRunner()
    listed = runner.invoke(app, ["marks", "list"], env={"COLUMNS": "200"})
    assert "not assessed" in listed.output
    result = runner.invoke(app, ["marks", "refresh-distinctiveness"])
    assert result.exit_code == 0 and "1 mark(s) reassessed" in result.output, result.output
    with Session(sqlite_engine) as session:
        assert session.get(Mark, mark_id).distinctiveness["level"] == "ordinary"
    assert "ordinary" in runner.invoke(app, ["marks", "list"], env={"COLUMNS": "200"}).output
