"""Benchmark: a new mark backfilled against the whole index, against the full run it replaces.

Before backfills, a mark registered after its listings were collected met them only when someone
ran ``markwatch detect --full``: every listing against the whole register. Here the real register
(``bench/realdata.py``: 5,305 marks besides the new one, or ``--marks`` of them) is in a fresh SQLite database, the real
genuine texts (``--listings``, Walmart–Amazon and WDC-PAVE titles and sentences, each with its
brand and category; in one of eight a look-alike of the new mark put first: a typo, omission,
insertion, transposition, homoglyph or leetspeak of ``realdata.own_variant``, seed 7) are in a
fresh index, and a full run has detected them. Then one more real mark is registered (``--mark``)
and timed two ways on the same data: ``markwatch detect --backfill`` (a matcher for that mark
alone, one scan of the index) and the full run. Both must find the same (listing, mark) pairs for
the new mark (exit 1 otherwise). Prints seconds, listings/s and the ratio.

Elasticsearch: ``MARKWATCH_BENCH_ES_URL``, else http://127.0.0.1:9200 when it answers, else an
embedded one started for the run.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

from benchenv import bench_elasticsearch
from realdata import build_register, build_titles, own_variant
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from detection.backfill import run_backfills
from detection.batch import run_detection
from shared_db.db import make_engine
from shared_db.es.client import make_client
from shared_db.es.listings import ListingsIndex
from shared_db.migrate import upgrade
from shared_db.models import Hit, MarkBackfill
from shared_db.repo.marks import upsert_mark
from shared_db.schemas import MarkCreate
from shared_db.settings import Settings

KINDS = ("typo", "omission", "insertion", "transposition", "homoglyph", "leet")


def pairs(engine, mark_id: int) -> set[str]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return set(session.scalars(select(Hit.listing_id).where(Hit.mark_id == mark_id)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--marks", type=int, default=None, help="marks of the real register registered first "
                        "(default: all of it)")
    parser.add_argument("--listings", type=int, default=20000, help="real texts indexed")
    parser.add_argument("--mark", default="Panasonic", help="the mark registered afterwards")
    args = parser.parse_args()
    register = [mark for mark in build_register() if mark.text.lower() != args.mark.lower()][:args.marks]
    rng = random.Random(7)
    texts = [t for split in build_titles().__dict__.values() if isinstance(split, list) for t in split]
    listings = []
    for n, text in enumerate(texts[:args.listings]):
        title = text.text[:300]
        if n % 8 == 0:
            variant = own_variant(rng.choice(KINDS), args.mark, rng) or args.mark
            title = f"{variant} {title}"[:300]
        listings.append({"marketplace": "bench", "listing_id": str(n), "title": title, "brand": text.brand,
                         "category": text.category})

    with tempfile.TemporaryDirectory(prefix="markwatch-bench-backfill-") as tmp, \
            bench_elasticsearch(Path(tmp), port=9288) as es_url:
        settings = Settings(data_dir=Path(tmp) / "var", database_url=f"sqlite:///{tmp}/bench.sqlite3", es_url=es_url,
                            es_index_prefix=f"bench-{uuid.uuid4().hex[:8]}", detection_skew_seconds=0)
        engine = make_engine(settings.resolved_database_url)
        upgrade(engine)
        index = ListingsIndex(make_client(settings), settings)
        try:
            index.ensure()
            index.bulk_upsert(listings, refresh=True)
            with Session(engine) as session, session.begin():
                for mark in register:
                    upsert_mark(MarkCreate(text=mark.text, owner=f"Owner of {mark.text}"[:200],
                                           aliases=list(mark.aliases)[:200]), session=session)
            run_detection(settings=settings, engine=engine, full=True)  # the register has met every listing
            print(f"{len(register)} marks, {len(listings)} listings indexed and detected", flush=True)

            with Session(engine) as session, session.begin():
                new_id = upsert_mark(MarkCreate(text=args.mark, owner=f"Owner of {args.mark}"), session=session)[0].id
            began = time.perf_counter()
            summary = run_backfills(settings=settings, engine=engine)
            backfill_seconds = time.perf_counter() - began
            found = pairs(engine, new_id)
            assert summary.marks == [new_id] and summary.listings_scanned == len(listings)

            with Session(engine) as session, session.begin():
                session.execute(Hit.__table__.delete().where(Hit.mark_id == new_id))
                session.execute(update(MarkBackfill).values(status="done"))
            began = time.perf_counter()
            full = run_detection(settings=settings, engine=engine, full=True)
            full_seconds = time.perf_counter() - began
            if pairs(engine, new_id) != found:
                print(f"the backfill found {len(found)} hits for {args.mark}, the full run "
                      f"{len(pairs(engine, new_id))}: they differ", file=sys.stderr)
                return 1
        finally:
            index.delete_all()
            engine.dispose()
    print(f"new mark {args.mark}: {len(found)} hits over {len(listings)} listings")
    print(f"full run (every mark, {len(register) + 1}) {full_seconds:7.1f} s  "
          f"{full.listings_scanned / full_seconds:9,.0f} listings/s")
    print(f"backfill (the new mark)   {backfill_seconds:7.1f} s  "
          f"{summary.listings_scanned / backfill_seconds:9,.0f} listings/s   {full_seconds / backfill_seconds:5.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
