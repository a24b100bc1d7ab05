"""Hit writes: the batched upsert and set-based re-prioritisation against the row-by-row path they replace.

On a fresh SQLite file and a throwaway PostgreSQL database (``--pg-url``, the server's admin URL;
``--no-pg`` skips it) it writes ``--rows`` detection hits twice, as detection does (a transaction per
500), once with the old row-by-row upsert reproduced below (an INSERT … DO NOTHING, then an UPDATE,
then another UPDATE for a decided hit) and once with :func:`shared_db.repo.hits.upsert_hits` (one
INSERT … ON CONFLICT DO UPDATE per batch), on separate listing ids of the same table; a tenth of the
hits are decided between the passes. Then it re-prioritises every open hit after a weight change,
loading ORM objects (old) and with one UPDATE (new). Both paths must give the same outcome counts and
the same stored rows; it prints rows/s and the ratio (exit 1 when the results differ).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, and_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from detection.batch import reprioritise
from shared_db.db import make_engine
from shared_db.migrate import upgrade
from shared_db.models import Hit, HitStatus, Mark, utcnow
from shared_db.repo.hits import HitCandidate, bounded_values, upsert_hits
from shared_db.repo.marks import upsert_mark
from shared_db.schemas import MarkCreate

BATCH = 500
PG_ADMIN_URL = os.environ.get("MARKWATCH_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def old_upsert_hit(candidate: HitCandidate, *, session: Session) -> str:
    """The row-by-row upsert this replaces (shared_db/repo/hits.py before issue 16, item 7)."""
    now = utcnow()
    values = bounded_values(candidate)
    insert = (postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert)(Hit)
    inserted = session.execute(
        insert.values(**values, status=HitStatus.NEW.value, version=1, first_seen_at=now, last_seen_at=now,
                      created_at=now, updated_at=now)
        .on_conflict_do_nothing(index_elements=["listing_id", "mark_id"]).returning(Hit.id)).first()
    if inserted is not None:
        return "created"
    key = and_(Hit.listing_id == values["listing_id"], Hit.mark_id == candidate.mark_id)
    refreshed = session.execute(update(Hit).where(key, Hit.status == HitStatus.NEW.value)
                                .values(**values, last_seen_at=now, updated_at=now)
                                .execution_options(synchronize_session=False))
    if refreshed.rowcount == 1:
        return "updated"
    session.execute(update(Hit).where(key).values(last_seen_at=now).execution_options(synchronize_session=False))
    return "kept_decision"


def old_reprioritise(*, session: Session) -> int:
    """The ORM re-prioritisation this replaces: every open hit loaded as an object."""
    changed = 0
    query = select(Hit, Mark.weight).join(Mark, Hit.mark_id == Mark.id).where(Hit.status == HitStatus.NEW.value)
    for hit, weight in session.execute(query):
        priority = (hit.probability if hit.probability is not None else hit.score / 100) * float(weight)
        if hit.priority != priority:
            hit.priority = priority
            changed += 1
    session.flush()
    return changed


def candidates(prefix: str, mark_id: int, rows: int, generation: int) -> list[HitCandidate]:
    return [HitCandidate(listing_id=f"{prefix}:{i}", mark_id=mark_id, marketplace="bench",
                         listing_title=f"s0ny wireless headphones {i}", score=80.0 + (i + generation) % 20,
                         kind="leet", reasons=["'s0ny' reads as 'sony'"], seller_id=f"seller-{i % 97}",
                         seller_name=f"Seller {i % 97}", listing_url=f"http://shop.test/{i}",
                         matched_text="s0ny", span_start=0, span_end=4, probability=((i * 7919) % 1000) / 1000,
                         priority=0.5, model_version="bench", features={"score": 80.0 + i % 20})
            for i in range(rows)]


def timed(engine: Engine, items: list[HitCandidate], write: Callable[[list[HitCandidate], Session], Counter[str]]
          ) -> tuple[float, Counter[str]]:
    outcome: Counter[str] = Counter()
    began = time.perf_counter()
    for start in range(0, len(items), BATCH):
        with Session(engine) as session, session.begin():
            outcome.update(write(items[start:start + BATCH], session))
    return time.perf_counter() - began, outcome


def row_by_row(batch: list[HitCandidate], session: Session) -> Counter[str]:
    return Counter(old_upsert_hit(candidate, session=session) for candidate in batch)


def batched(batch: list[HitCandidate], session: Session) -> Counter[str]:
    return upsert_hits(batch, session=session)


def stored(engine: Engine, prefix: str) -> list[tuple]:
    with Session(engine) as session:
        rows = session.execute(select(Hit.listing_id, Hit.score, Hit.status, Hit.priority, Hit.version,
                                      Hit.seller_name).where(Hit.listing_id.like(f"{prefix}:%")))
        return sorted((listing.split(":", 1)[1], *rest) for listing, *rest in rows)


def measure(engine: Engine, rows: int) -> dict[str, tuple[float, float, int]]:
    """(old seconds, new seconds, rows) per phase; raises AssertionError when the two paths disagree."""
    upgrade(engine)
    with Session(engine) as session, session.begin():
        mark_id = upsert_mark(MarkCreate(text="SONY", owner="Sony Group Corporation"), session=session)[0].id
    results: dict[str, tuple[float, float, int]] = {}
    for phase, generation in (("insert", 0), ("refresh", 1)):
        old_time, old_outcome = timed(engine, candidates("old", mark_id, rows, generation), row_by_row)
        new_time, new_outcome = timed(engine, candidates("new", mark_id, rows, generation), batched)
        assert old_outcome == new_outcome, (phase, old_outcome, new_outcome)
        results[phase] = (old_time, new_time, rows)
        if phase == "insert":  # a reviewer decides every tenth hit: re-detection must keep those
            with Session(engine) as session, session.begin():
                session.execute(update(Hit).where(Hit.listing_id.like("%0")).values(status="confirmed", version=2))
    assert stored(engine, "old") == stored(engine, "new"), "the two paths stored different hits"
    seconds, changed = [], []
    for function, weight in ((old_reprioritise, 1.5), (reprioritise, 2.0)):
        with Session(engine) as session, session.begin():
            session.execute(update(Mark).values(weight=weight))
        with Session(engine) as session, session.begin():
            began = time.perf_counter()
            changed.append(function(session=session))
            seconds.append(time.perf_counter() - began)
    assert changed[0] == changed[1] > 0, ("reprioritise", changed)
    results["reprioritise"] = (seconds[0], seconds[1], changed[0])
    return results


@contextmanager
def databases(pg_url: str | None) -> Iterator[list[tuple[str, Engine]]]:
    engines: list[tuple[str, Engine]] = []
    with tempfile.TemporaryDirectory(prefix="markwatch-bench-hits-") as tmp:
        engines.append(("sqlite", make_engine(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")))
        name = f"markwatch_bench_{uuid.uuid4().hex[:10]}"
        admin = pg_url.replace("postgresql+psycopg://", "postgresql://") if pg_url else None
        if admin:
            import psycopg

            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            engines.append(("postgresql", make_engine(pg_url.rsplit("/", 1)[0] + f"/{name}")))
        try:
            yield engines
        finally:
            for _, engine in engines:
                engine.dispose()
            if admin:
                with psycopg.connect(admin, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5000, help="hits written per path and phase")
    parser.add_argument("--pg-url", default=PG_ADMIN_URL, help="PostgreSQL admin URL (a database is created)")
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    args = parser.parse_args()
    with databases(None if args.no_pg else args.pg_url) as engines:
        for name, engine in engines:
            try:
                results = measure(engine, args.rows)
            except AssertionError as exc:
                print(f"{name}: the batched path differs from the row-by-row one: {exc}", file=sys.stderr)
                return 1
            for phase, (old, new, rows) in results.items():
                print(f"{name:10} {phase:12} {rows:>6} rows   row by row {rows / old:>9,.0f} rows/s   "
                      f"batched {rows / new:>9,.0f} rows/s   {old / new:5.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
