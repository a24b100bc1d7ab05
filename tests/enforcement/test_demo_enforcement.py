"""The demo's enforcement loop: the marketplace takes notices, removes and re-lists; its counterfeiting ring
shares photos across three accounts; ``make demo``'s steps end with listings removed and a re-listing flagged."""

from __future__ import annotations

import http.client
import json
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from detection.networks import collect, links
from markwatch.demo_market import DemoMarket
from markwatch.demo_market.catalogue import RING_SELLERS, build_catalogue
from markwatch.demo_market.images import REFERENCE_PHOTOS, listing_photo, reference_photo
from markwatch.demo_market.rights import DEMO_MARKS
from shared_db.imagehash import fingerprint
from shared_db.models import EnforcementCase, Hit

RING = {s.seller_id for s in RING_SELLERS}


def _request(market: DemoMarket, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
    parts = urlsplit(market.base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.request(method, path, body=body, headers={"Content-Type": "application/json"} if body else {})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, data


def _phash(data: bytes) -> str:
    return fingerprint(data, max_bytes=10**7, max_pixels=10**8).phash


def test_the_ring_reuses_photos_across_three_accounts_and_nobody_else_is_linked(shared_data: Path) -> None:
    catalogue = build_catalogue(seed=7, size=500, data_dir=shared_data)
    references = [_phash(reference_photo(m.brand, k)) for m in DEMO_MARKS for k in range(REFERENCE_PHOTOS)]
    infringing = catalogue.products  # every seller taken as a suspect: the links must still be the ring's only
    docs = [{"marketplace": "demo-market", "seller_id": x.seller_id, "image_hashes": [_phash(listing_photo(x))],
             "title": x.title, "price": float(x.price), "currency": x.currency,
             "seller_contact": catalogue.sellers[x.seller_id].contact} for x in infringing]
    wanted = {("demo-market", x.seller_id) for x in infringing}
    found = links(collect(docs, wanted, references)["demo-market"])
    linked = {a for a, _, _ in found} | {b for _, b, _ in found}
    assert linked == RING  # counterfeiters copying the brand's photos are left out, and so are unrelated photos
    assert {r for _, _, r in found} <= {"image", "image_near", "contact"}
    assert ("bestprice-store-88", "gadget-outlet-hk", "contact") in found  # two accounts give one WhatsApp number


def test_ring_pages_state_the_shared_contact_in_their_markup(shared_data: Path) -> None:
    from crawlers.extract import extract_listing

    with DemoMarket("127.0.0.1", 0, size=500, data_dir=shared_data) as market:
        ring = [x for x in market.catalogue.products if x.seller_id == "gadget-outlet-hk" and x.hostile is None]
        markups = {}
        for listing in ring:
            if listing.markup in markups:
                continue
            status, page = _request(market, "GET", f"/product/{listing.listing_id}")
            found = extract_listing(page, f"{market.base_url}/product/{listing.listing_id}")
            markups[listing.markup] = found.get("seller_contact")
    assert markups.get("jsonld") == "WhatsApp +852 5550 0188"
    assert markups.get("microdata") == "WhatsApp +852 5550 0188"


def test_the_marketplace_takes_a_notice_removes_after_a_delay_and_relists(shared_data: Path) -> None:
    with DemoMarket("127.0.0.1", 0, size=120, data_dir=shared_data, removal_delay=0.3) as market:
        cited = [x for x in market.catalogue.products if x.infringing and x.hostile is None][:10]
        urls = [f"{market.base_url}/product/{x.listing_id}" for x in cited]
        status, body = _request(market, "POST", "/ip/notices", json.dumps({"reference": "MW-1", "urls": urls}).encode())
        assert status == 202 and json.loads(body)["received"] == len(cited)
        assert _request(market, "POST", "/ip/notices", b"not json")[0] == 400
        assert _request(market, "GET", f"/product/{cited[0].listing_id}")[0] == 200  # not before the delay
        time.sleep(0.4)
        fates = {x.listing_id: market.takedown_fate(x.listing_id) for x in cited}
        for listing in cited:
            status, page = _request(market, "GET", f"/product/{listing.listing_id}")
            assert status == (404 if fates[listing.listing_id] == "removed" else 200)
            if fates[listing.listing_id] == "edited":
                assert b"(new version)" in page
        [(copy_id, original_id)] = market.relisted.items()
        assert fates[original_id] == "removed" and copy_id == f"{original_id}r"
        original = market.catalogue.by_id[original_id]
        status, seller_page = _request(market, "GET", f"/seller/{original.seller_id}")
        assert f"/product/{copy_id}".encode() in seller_page and f"/product/{original_id}\"".encode() not in seller_page
        assert _request(market, "GET", f"/img/{copy_id}.jpg")[1] == market.photo(original)


@pytest.mark.slow
def test_demo_steps_confirm_notify_remove_and_flag_a_relisting(settings, sqlite_engine, shared_data: Path) -> None:
    """The demo's own step functions on a small marketplace: crawl, detect, scripted review, enforcement."""
    from crawlers.runner import run_crawl
    from detection.batch import run_detection
    from markwatch import demo as steps

    with DemoMarket("127.0.0.1", 0, size=240, data_dir=shared_data, removal_delay=0.5) as market:
        local = settings.model_copy(update={"allowed_private_hosts": [market.base_url],
                                            "crawl_timeout_seconds": 5})
        steps.load_marks(settings.data_dir / "marks.csv", engine=sqlite_engine)
        steps.load_reference_images(engine=sqlite_engine, settings=local)
        steps.ensure_users(steps.demo_users(steps.demo_owner_names()), engine=sqlite_engine, reset_passwords=False)
        truth = market.write_ground_truth(settings.data_dir / "ground_truth.jsonl")
        run_crawl("demo_market", start_urls=[market.base_url + "/"], settings=local, timeout=600)
        run_detection(settings=local, engine=sqlite_engine, full=True)
        reviewer = f"reviewer@{steps.DEMO_DOMAIN}"
        confirmed = steps.scripted_review(truth, engine=sqlite_engine, reviewer_email=reviewer)
        assert confirmed > 0
        outcome = steps.enforce(market, settings=local, engine=sqlite_engine, out_dir=settings.data_dir / "notices",
                                reviewer_email=reviewer, confirmed=confirmed)
    assert outcome.cases == outcome.delivered > 1
    assert any(f.endswith(".pdf") for f in outcome.files)
    assert outcome.outcomes.get("removed", 0) > 0
    [stats] = outcome.removal
    assert 0 < stats.rate < 1 or stats.rate == 1.0
    # every listing still online (or changed) after the re-check is in a delivered follow-up
    assert sum(outcome.followups.values()) == outcome.outcomes.get("online", 0) + outcome.outcomes.get("changed", 0) > 0
    assert sorted(n["reference"] for n in market.notices if n["reference"].endswith("-F1")) == sorted(
        f"MW-{case_id:06d}-F1" for case_id in outcome.followups)
    assert outcome.relistings, "the re-listed counterfeit must be flagged"
    kinds = {kind for _, kind, _ in outcome.relistings}
    [(hit_id, reason)] = [(h, r) for h, kind, r in outcome.relistings if kind == "relisting"]
    assert "re-listing of" in reason and "same seller" in reason and "same image" in reason
    assert kinds <= {"relisting", "repeat_infringer"}  # the sellers' other new items, if any, are repeat infringers
    assert all("another item" in r for _, kind, r in outcome.relistings if kind == "repeat_infringer")
    with Session(sqlite_engine) as session:
        cases = list(session.scalars(select(EnforcementCase)))
        assert all(c.mark_id is not None for c in cases)  # the demo marketplace asks one notice per mark
        assert len({(c.org_id, c.mark_id) for c in cases}) == len(cases)
        relisted = session.get(Hit, hit_id)
        top = session.scalars(select(Hit).where(Hit.status == "new").order_by(Hit.priority.desc())).first()
        assert relisted.listing_id.endswith("r") and top.id == hit_id
