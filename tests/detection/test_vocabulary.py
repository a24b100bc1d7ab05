"""The domain vocabulary: learned from listings of several brands, written and read back, used by detection."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from detection.batch import run_detection
from detection.vocabulary import learn_vocabulary, read_vocabulary, write_vocabulary
from markwatch.jobs.vocabulary import learn_vocabulary as learn_from_index
from shared_db.es.client import make_client
from shared_db.es.listings import ListingsIndex
from shared_db.models import Hit
from shared_db.repo.marks import upsert_mark
from shared_db.repo.vocabulary import current_vocabulary, store_vocabulary
from shared_db.schemas import MarkCreate
from shared_db.settings import Settings


def test_words_count_once_per_brand_and_generic_brands_do_not_vouch() -> None:
    records = [
        ("Acer netbook 10 inch", "Acer"), ("Asus netbook sleeve", "ASUS"), ("netbook bag", "Targus"),
        ("Addidas shoes", "Generic"), ("Addidas trainers", "Unbranded"), ("addidas cap", None),
        ("addidas socks", "addidas"), ("addidas runner", "addidas"),
        ("usb 2.0 hub", "a"), ("usb 2.0 cable", "b"), ("usb 2.0 dock", "c"),
    ]
    assert learn_vocabulary(records) == {"netbook", "usb"}  # "2" and "0" are no words; addidas has 1 brand
    assert learn_vocabulary(records, min_brands=4) == set()


def test_written_vocabulary_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "vocabulary.txt"
    assert read_vocabulary(path) == frozenset() and read_vocabulary(None) == frozenset()
    assert write_vocabulary({"netbook", "sata"}, path) == 2
    assert path.read_text().startswith("#") and read_vocabulary(path) == {"netbook", "sata"}
    assert not path.with_suffix(".txt.partial").exists()


def test_learned_from_the_index_and_used_by_the_next_detection(settings: Settings, engine: Engine) -> None:
    index = ListingsIndex(make_client(settings), settings)
    index.ensure()
    listings = [{"marketplace": "demo", "listing_id": str(n), "title": f"{brand} zentrobook 10 inch", "brand": brand,
                 "category": "computers"} for n, brand in enumerate(["Acer", "Asus", "Samsung"])]
    listings.append({"marketplace": "demo", "listing_id": "9", "title": "Zentrabok tablet 8 inch",
                     "category": "computers"})
    index.bulk_upsert(listings, refresh=True)
    with Session(engine) as session, session.begin():
        upsert_mark(MarkCreate(text="ZentraBook", owner="Yuntab"), session=session)

    before = run_detection(settings=settings, engine=engine, full=True)
    assert before.hits_created == 4  # three genuine zentrobooks and one misspelt ZentraBook
    report = learn_from_index(settings=settings, engine=engine)
    assert (report.listings, report.words) == (4, 2)  # "zentrobook" and "inch", each under three brands
    with Session(engine) as session:
        version, words = current_vocabulary(session=session)
    assert version == report.version and "zentrobook" in words
    with Session(engine) as session:
        session.execute(Hit.__table__.delete())
        session.commit()
    run_detection(settings=settings, engine=engine, full=True)
    with Session(engine) as session:
        assert session.scalars(select(Hit.listing_id)).all() == ["demo:9"]


def test_every_worker_reads_the_same_version_whatever_its_data_dir(settings: Settings, engine: Engine,
                                                                     tmp_path: Path) -> None:
    """The vocabulary is in the shared database: a worker with another (empty) data dir sees the same words,
    and a relearnt version replaces what a process had read before."""
    index = ListingsIndex(make_client(settings), settings)
    index.ensure()
    index.bulk_upsert([{"marketplace": "demo", "listing_id": str(n), "title": f"{brand} zentrobook", "brand": brand}
                       for n, brand in enumerate(["Acer", "Asus", "Samsung"])], refresh=True)
    learn_from_index(settings=settings, engine=engine)
    other_worker = settings.model_copy(update={"data_dir": tmp_path / "elsewhere"})
    with Session(engine) as session:
        mine = current_vocabulary(session=session)
    with Session(engine) as session, session.begin():
        upsert_mark(MarkCreate(text="ZentraBook", owner="Yuntab"), session=session)
    index.bulk_upsert([{"marketplace": "demo", "listing_id": "9", "title": "Zentrobook case"}], refresh=True)
    assert run_detection(settings=other_worker, engine=engine, full=True).hits_created == 0
    assert not (tmp_path / "elsewhere" / "vocabulary.txt").exists()
    with Session(engine) as session, session.begin():
        newer = store_vocabulary({"netbook"}, session=session, listings=1, min_brands=3)
    with Session(engine) as session:
        assert current_vocabulary(session=session) == (newer, {"netbook"}) != mine
