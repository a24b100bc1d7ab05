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


def test_learned_from_the_index_and_used_by_the_next_detection(settings: Settings, sqlite_engine: Engine) -> None:
    index = ListingsIndex(make_client(settings), settings)
    index.ensure()
    listings = [{"marketplace": "demo", "listing_id": str(n), "title": f"{brand} zentrobook 10 inch", "brand": brand,
                 "category": "computers"} for n, brand in enumerate(["Acer", "Asus", "Samsung"])]
    listings.append({"marketplace": "demo", "listing_id": "9", "title": "Zentrabok tablet 8 inch",
                     "category": "computers"})
    index.bulk_upsert(listings, refresh=True)
    with Session(sqlite_engine) as session, session.begin():
        upsert_mark(MarkCreate(text="ZentraBook", owner="Yuntab"), session=session)

    before = run_detection(settings=settings, engine=sqlite_engine, full=True)
    assert before.hits_created == 4  # three genuine zentrobooks and one misspelt ZentraBook
    report = learn_from_index(settings=settings)
    assert (report.listings, report.path) == (4, settings.vocabulary_path)
    assert "zentrobook" in read_vocabulary(settings.vocabulary_path)
    with Session(sqlite_engine) as session:
        session.execute(Hit.__table__.delete())
        session.commit()
    run_detection(settings=settings, engine=sqlite_engine, full=True)
    with Session(sqlite_engine) as session:
        assert session.scalars(select(Hit.listing_id)).all() == ["demo:9"]
