"""The whole pipeline on embedded defaults, for `make demo`: each step is a function.

Steps: Elasticsearch up, migrate, load the demo rights database and its reference product photos,
create demo users, start the demo marketplace, crawl it, detect, train a seed model from the
marketplace's ground truth, re-score, screenshot every hit, then serve the review UI. Every step is idempotent, so re-running the demo is safe.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from shared_db.db import get_engine, transaction
from shared_db.es.client import make_client
from shared_db.es.listings import ListingsIndex
from shared_db.models import Hit, Role
from shared_db.repo.users import create_user, get_user_by_email, set_password
from shared_db.settings import Settings

DEMO_DOMAIN = "demo.markwatch.test"
MARKETPLACE = "demo-market"
CRAWLS = ("demo_market", "demo_market_selectors")


@dataclass(frozen=True)
class DemoUser:
    email: str
    role: Role
    org: str | None = None


def demo_users(owners: list[str]) -> list[DemoUser]:
    """One user per staff role, and one rights-holder user for each of the first two owners."""
    users = [DemoUser(f"admin@{DEMO_DOMAIN}", Role.ADMIN), DemoUser(f"reviewer@{DEMO_DOMAIN}", Role.REVIEWER),
             DemoUser(f"authority@{DEMO_DOMAIN}", Role.AUTHORITY)]
    for owner in owners[:2]:
        slug = "".join(ch for ch in owner.lower() if ch.isalnum())[:20]
        users.append(DemoUser(f"{slug}@{DEMO_DOMAIN}", Role.RIGHTS_HOLDER, owner))
    return users


def ensure_users(users: list[DemoUser], *, engine: Engine, reset_passwords: bool) -> dict[str, str | None]:
    """Create missing demo users with fresh random passwords; returns email → password (None: unchanged)."""
    passwords: dict[str, str | None] = {}
    with transaction(engine) as session:
        for user in users:
            password = secrets.token_urlsafe(12)
            existing = get_user_by_email(user.email, session=session)
            if existing is None:
                create_user(user.email, password, user.role, session=session, org_name=user.org)
            elif reset_passwords:
                set_password(existing, password, session=session)
            else:
                password = None
            passwords[user.email] = password
    return passwords


def load_marks(path: Path, *, engine: Engine) -> Any:
    """Import the demo rights database (idempotent: a re-import changes nothing)."""
    from markwatch.demo_market.rights import write_marks_csv
    from shared_db.importers import import_marks

    write_marks_csv(path)
    with transaction(engine) as session:
        return import_marks(path.read_bytes(), fmt="csv", session=session)


def load_reference_images(*, engine: Engine, settings: Settings) -> int:
    """Register the official product photos of each demo mark as its reference images (idempotent)."""
    from markwatch.demo_market.images import REFERENCE_PHOTOS, reference_photo
    from markwatch.demo_market.rights import DEMO_MARKS
    from shared_db.models import Mark, Organisation
    from shared_db.repo.reference_images import add_reference_image

    added = 0
    with transaction(engine) as session:
        for demo_mark in DEMO_MARKS:
            mark = session.scalar(select(Mark).join(Organisation).where(Mark.text == demo_mark.mark,
                                                                        Organisation.name == demo_mark.owner))
            if mark is None:
                continue
            before = len(mark.reference_images)
            for k in range(REFERENCE_PHOTOS):
                add_reference_image(mark, reference_photo(demo_mark.brand, k), session=session, settings=settings,
                                    filename=f"{demo_mark.brand}-official-{k}.jpg")
            added += len(mark.reference_images) - before
    return added


def crawl_with_progress(base_url: str, expected: int, *, settings: Settings,
                        on_progress: Callable[[int], None]) -> list[Any]:
    """Crawl the demo marketplace with each demo spider, reporting the listings count as it grows."""
    from crawlers.runner import run_crawl

    index = ListingsIndex(make_client(settings), settings)
    done = threading.Event()

    def poll() -> None:
        while not done.wait(1.0):
            try:
                index.refresh()
                on_progress(index.count({"term": {"marketplace": MARKETPLACE}}))
            except Exception:  # noqa: BLE001 - progress display only; the crawl reports real errors
                continue

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    try:
        return [run_crawl(name, start_urls=[base_url + "/"], settings=settings, timeout=1800) for name in CRAWLS]
    finally:
        done.set()
        watcher.join()
        index.refresh()
        on_progress(index.count({"term": {"marketplace": MARKETPLACE}}))


def screenshot_hits(*, settings: Settings, engine: Engine) -> dict[str, Any]:
    """A screenshot of every hit (and reported URL) that has none; earlier failures are tried again."""
    from markwatch.jobs.screenshots import capture_screenshots

    return capture_screenshots(settings=settings, engine=engine, limit=100_000, retry_failed=True)


def hits_against_ground_truth(ground_truth: Path, *, engine: Engine) -> dict[str, int]:
    """How many injected infringements and how many genuine listings became hits."""
    truth = {}
    for line in ground_truth.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        truth[f"{record['marketplace']}:{record['listing_id']}"] = bool(record["infringing"])
    with transaction(engine) as session:
        hit_listings = set(session.scalars(select(Hit.listing_id).where(Hit.marketplace == MARKETPLACE)))
    infringing = [key for key, bad in truth.items() if bad]
    genuine = [key for key, bad in truth.items() if not bad]
    return {
        "infringing": len(infringing), "infringing_hit": sum(key in hit_listings for key in infringing),
        "genuine": len(genuine), "genuine_hit": sum(key in hit_listings for key in genuine),
    }


def demo_owner_names() -> list[str]:
    from markwatch.demo_market.rights import DEMO_MARKS

    return list(dict.fromkeys(mark.owner for mark in DEMO_MARKS))


def engine_for(settings: Settings) -> Engine:
    return get_engine(settings.resolved_database_url)
