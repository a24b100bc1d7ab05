"""The whole pipeline on embedded defaults, for `make demo`: each step is a function.

Steps: Elasticsearch up, migrate, load the demo rights database and its reference product photos,
create demo users, start the demo marketplace, crawl it by the watch queries of the rights database
through its search (the ``demo_market_search`` profile), detect, train a seed model from the
marketplace's ground truth, re-score, process a few reported URLs (and, while serving, those reported
in the UI); then a scripted reviewer confirms hits, notices go to the marketplace, re-checks find
listings removed, a re-listing is flagged and seller networks are linked; then serve the review UI.
Every step is idempotent, so re-running the demo is safe.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
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
CRAWLS = ("demo_market_search",)  # search-driven: the marks' watch queries, within the profile's page budget


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
    """Crawl the demo marketplace with each demo crawl, reporting the listings count as it grows."""
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


def search_note(summary: Any) -> str | None:
    """What a search-driven crawl did, from its stats (None for a catalogue crawl)."""
    stats = summary.stats or {}
    if "markwatch/search/budget" not in stats:
        return None
    return (f"{stats.get('markwatch/search/queries', 0)} of {stats.get('markwatch/search/queries_given', 0)} watch "
            f"queries searched, {stats.get('markwatch/search/pages', 0)} result pages and "
            f"{stats.get('markwatch/search/listings_requested', 0)} listing pages requested of a "
            f"{stats['markwatch/search/budget']}-page budget, {stats.get('markwatch/search/skipped_recent', 0)} "
            "listings skipped as fetched recently")


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


def seed_reports(market: Any, *, engine: Engine) -> list[str]:
    """Report a few demo URLs once as a demo rights holder (idempotent), one for each report state:
    an infringing listing of its marks, an unrelated listing, a missing page, a redirect to a private
    address and a page robots.txt disallows. Returns the URLs newly reported."""
    from markwatch.demo_market.rights import DEMO_MARKS
    from shared_db.models import SuspectReport

    rows = [row for row in market.ground_truth() if not row["hostile"]]
    owners = demo_owner_names()[:2]  # the owners with a demo rights-holder user
    by_mark = {mark.mark: mark.owner for mark in DEMO_MARKS}
    owner = next((by_mark[row["mark"]] for row in rows if row["infringing"] and by_mark.get(row["mark"]) in owners),
                 owners[0])
    own = [mark for mark in DEMO_MARKS if mark.owner == owner]
    brands = {mark.brand for mark in own} | {mark.mark.lower() for mark in own}
    infringing = [row["url"] for row in rows if row["infringing"] and row["mark"] in {m.mark for m in own}][:1]
    unrelated = [row["url"] for row in rows if not row["infringing"] and row["brand"] not in brands
                 and not any(word in row["title"].lower() for word in brands)][:1]
    urls = [*infringing, *unrelated, f"{market.base_url}/product/does-not-exist", f"{market.base_url}/private/ledger"]
    if "x-redirect-private" in market.catalogue.by_id:
        urls.append(f"{market.base_url}/product/x-redirect-private")
    user = next(u for u in demo_users(owners) if u.org == owner)
    added = []
    with transaction(engine) as session:
        reporter = get_user_by_email(user.email, session=session)
        known = set(session.scalars(select(SuspectReport.url).where(SuspectReport.url.in_(urls))))
        for url in urls:
            if url not in known and reporter is not None:
                session.add(SuspectReport(url=url, org_id=reporter.org_id, reported_by=reporter.id,
                                          note="reported by the demo", status="queued"))
                added.append(url)
    return added


def process_reports(*, settings: Settings, engine: Engine) -> Any:
    """Check, crawl and detect the queued reports (the crawl DAG's ``crawl_suspects`` task does the same)."""
    from markwatch.jobs.suspects import process_suspects

    return process_suspects(settings=settings, engine=engine, timeout=300)


class ReportWorker:
    """While the demo serves, process the URLs reported in the UI every ``interval`` seconds."""

    def __init__(self, *, settings: Settings, engine: Engine, interval: float = 10.0,
                 on_error: Callable[[Exception], None] | None = None) -> None:
        self.settings, self.engine, self.interval, self.on_error = settings, engine, interval, on_error
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="markwatch-report-worker", daemon=True)

    def start(self) -> ReportWorker:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                process_reports(settings=self.settings, engine=self.engine)
            except Exception as exc:  # noqa: BLE001 - the reports keep their state; try again next time
                if self.on_error is not None:
                    self.on_error(exc)


@dataclass
class EnforcementOutcome:
    """What the demo's enforcement loop did: notices, re-check findings, re-listings, the largest network."""

    confirmed: int
    cases: int
    delivered: int
    files: list[str]
    outcomes: dict[str, int]
    removal: list[Any]
    relistings: list[tuple[int, str, str]]  # hit id, kind (re-listing or repeat infringer), reason
    network: Any
    followups: dict[int, int] = field(default_factory=dict)  # case id → listings its follow-up cites


def scripted_review(ground_truth: Path, *, engine: Engine, reviewer_email: str) -> int:
    """The demo's scripted reviewer: confirms the hits on injected infringements of every other listing and
    of the counterfeiting ring's accounts (the rest stays in the queue for a person). Returns how many."""
    from markwatch.demo_market.catalogue import RING_SELLERS
    from shared_db.models import HitStatus
    from shared_db.repo.hits import decide

    ring = {s.seller_id for s in RING_SELLERS}
    infringing = set()
    for line in ground_truth.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        number = int(record["listing_id"][1:7]) if record["listing_id"][1:7].isdigit() else 1
        if record["infringing"] and (record["seller_id"] in ring or number % 2 == 0):
            infringing.add(f"{record['marketplace']}:{record['listing_id']}")
    confirmed = 0
    with transaction(engine) as session:
        reviewer = get_user_by_email(reviewer_email, session=session)
        for hit in session.scalars(select(Hit).where(Hit.marketplace == MARKETPLACE,
                                                     Hit.status == HitStatus.NEW.value).order_by(Hit.id)):
            if hit.listing_id in infringing:
                decide(hit.id, "confirmed", session=session, reviewer_id=reviewer.id if reviewer else None,
                       expected_version=hit.version, reason="demo: scripted reviewer, injected infringement")
                confirmed += 1
    return confirmed


def enforce(market: Any, *, settings: Settings, engine: Engine, out_dir: Path, reviewer_email: str,
            confirmed: int) -> EnforcementOutcome:
    """Notices per rights holder × marketplace × mark, delivered to the demo marketplace; after its takedown
    delay the listings are re-checked, a follow-up notice goes out for the listings still online, the sellers
    are re-crawled (a removed counterfeit comes back re-listed), detection flags the re-listing (and the
    sellers' other items as repeat infringers), and the seller networks are computed."""
    import time

    from crawlers.runner import run_crawl
    from detection.batch import run_detection
    from markwatch.jobs.networks import link_sellers
    from markwatch.jobs.notices import generate_notices
    from markwatch.jobs.recheck import recheck_listings
    from shared_db.models import SellerLink
    from shared_db.repo.cases import removal_stats
    from shared_db.repo.sellers import seller_network

    with transaction(engine) as session:
        reviewer = get_user_by_email(reviewer_email, session=session)
        reviewer_id = reviewer.id if reviewer else None
    notices = generate_notices(settings=settings, engine=engine, out_dir=out_dir, actor_id=reviewer_id, send=True)
    time.sleep(market.removal_delay + 0.5)
    checked = recheck_listings(settings=settings, engine=engine, interval=timedelta(0))
    followups = send_followups(settings=settings, engine=engine, out_dir=out_dir, actor_id=reviewer_id)
    sellers = sorted({market.catalogue.by_id[original].seller_id for original in market.relisted.values()})
    if sellers:
        run_crawl("demo_market", start_urls=[f"{market.base_url}/seller/{s}" for s in sellers], settings=settings,
                  timeout=1800)
        # The crawl has finished and nothing else writes: no bulk can still be in flight, so no skew.
        run_detection(settings=settings.model_copy(update={"detection_skew_seconds": 0.0}), engine=engine)
    link_sellers(settings=settings, engine=engine)
    with transaction(engine) as session:
        relistings = [(h.id, h.relisting_kind or "", h.relisting_reason or "") for h in session.scalars(
            select(Hit).where(Hit.relisting_of_case_id.is_not(None)).order_by(Hit.id))]
        removal = removal_stats(session=session, org_id=None)
        best = None
        for seller in sorted(set(session.scalars(select(SellerLink.seller_a)))):
            network = seller_network(MARKETPLACE, seller, session=session)
            if best is None or len(network.sellers) > len(best.sellers):
                best = network
        if best is not None:
            session.expunge_all()
    return EnforcementOutcome(confirmed=confirmed, cases=len(notices.cases), delivered=len(notices.delivered),
                              files=notices.files, outcomes=dict(checked.outcomes), removal=removal,
                              relistings=relistings, network=best, followups=followups)


def send_followups(*, settings: Settings, engine: Engine, out_dir: Path, actor_id: int | None) -> dict[int, int]:
    """A follow-up notice, delivered, for every open case with listings a re-check found still online."""
    from markwatch.jobs.notices import send_followup
    from shared_db.repo.cases import list_enforcement_cases, still_online

    with transaction(engine) as session:
        due = [c.id for c in list_enforcement_cases(session=session, org_id=None)
               if c.notice_sent_at and c.status != "closed" and still_online(c)]
    return {case_id: send_followup(case_id, settings=settings, engine=engine, out_dir=out_dir, send=True,
                                   actor_id=actor_id).listings for case_id in due}
