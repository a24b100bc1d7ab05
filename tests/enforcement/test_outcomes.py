"""Takedown outcomes against the demo marketplace over real HTTP, staydown flags, seller networks (SQLite and PostgreSQL)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from detection.networks import SellerListings, link_sellers, links
from detection.staydown import flag_relistings
from markwatch.demo_market import DemoMarket
from markwatch.jobs.notices import generate_notices
from markwatch.jobs.recheck import recheck_listings
from shared_db.models import CaseListing, EnforcementCase, Hit, ListingOutcome
from shared_db.repo.cases import removal_stats
from shared_db.repo.hits import RELISTING_BOOST, REPEAT_INFRINGER_BOOST, HitCandidate, decide, upsert_hit
from shared_db.repo.sellers import seller_network
from tests.enforcement.builders import removed_case


def _hits_for(engine, market: DemoMarket, mark_id: int, listings) -> list[int]:  # type: ignore[no-untyped-def]
    ids = []
    with Session(engine) as session, session.begin():
        for x in listings:
            upsert_hit(HitCandidate(listing_id=f"demo-market:{x.listing_id}", mark_id=mark_id, marketplace="demo-market",
                                    listing_title=x.title, score=90, kind="fuzzy", seller_id=x.seller_id,
                                    listing_url=f"{market.base_url}/product/{x.listing_id}", price=x.price,
                                    currency=x.currency), session=session)
        session.flush()
        for x in listings:
            hit_id = session.scalar(select(Hit.id).where(Hit.listing_id == f"demo-market:{x.listing_id}"))
            decide(hit_id, "confirmed", session=session, reviewer_id=None, expected_version=1)
            ids.append(hit_id)
    return ids


def test_notice_sent_to_the_marketplace_and_rechecks_mark_removed_online_or_changed(seeded, settings,
                                                                                   shared_data: Path) -> None:
    engine, world = seeded
    with DemoMarket("127.0.0.1", 0, size=80, data_dir=shared_data, removal_delay=0.0) as market:
        allowed = [f"127.0.0.1:{market.base_url.rsplit(':', 1)[1]}"]
        local = settings.model_copy(update={"allowed_private_hosts": allowed})
        chosen = [x for x in market.catalogue.products if x.hostile is None][:12]
        fates = {x.listing_id: market.takedown_fate(x.listing_id) for x in chosen}
        assert set(fates.values()) >= {"removed"}
        hit_ids = _hits_for(engine, market, world.mark_a, chosen)
        report = generate_notices(settings=local, engine=engine, send=True, out_dir=settings.data_dir / "notices")
        assert len(report.delivered) == 1 and report.failed == {}
        assert any(f.endswith(".pdf") for f in report.files)
        assert market.notices and len(market.notices[0]["listings"]) == len(chosen)
        with Session(engine) as session:
            case = session.scalar(select(EnforcementCase))
            assert case.notice_sent_at is not None and case.notice_sent_to.endswith("/ip/notices")
        time.sleep(0.05)
        first = recheck_listings(settings=local, engine=engine, interval=timedelta(0))
        assert first.checked == len(chosen)
        expected = {"removed": "removed", "edited": "changed", "ignored": "online"}
        with Session(engine) as session:
            outcomes = {item.hit.listing_id.split(":", 1)[1]: item.outcome for item in session.scalars(select(CaseListing))}
        assert outcomes == {k: expected[v] for k, v in fates.items()}
        # the refused address is unreachable and keeps nothing: the safety rules apply to re-checks too
        blocked = recheck_listings(settings=settings, engine=engine, interval=timedelta(0))
        assert set(blocked.outcomes) <= {"removed", "changed", "online"}
        with Session(engine) as session:
            notes = [item.check_note or "" for item in session.scalars(select(CaseListing))
                     if item.outcome != ListingOutcome.REMOVED.value]
            assert notes and all("refused" in note for note in notes)
            [stats] = removal_stats(session=session, org_id=None)
        assert stats.marketplace == "demo-market" and stats.notified == len(chosen)
        assert stats.removed == sum(v == "removed" for v in fates.values()) and stats.median_hours is not None
        assert len(hit_ids) == len(chosen)


def test_staydown_flags_a_relisting_after_removal_and_tops_the_queue(seeded) -> None:
    engine, world = seeded
    now = datetime.now(UTC)
    with Session(engine) as session, session.begin():
        old = session.get(Hit, world.hits_a[0])
        case = removed_case(old, session=session, sent_at=now - timedelta(days=2))
        case_id, old_listing = case.id, old.listing_id
        for hit_id in [*world.hits_a[1:], world.xss_hit]:
            session.get(Hit, hit_id).first_seen_at = now - timedelta(days=3)  # online before the notice
        upsert_hit(HitCandidate(listing_id="L-new", mark_id=world.mark_a, marketplace="demo",
                                listing_title="brand new thing", score=85, kind="fuzzy", seller_id="seller1",
                                priority=0.3), session=session)
        upsert_hit(HitCandidate(listing_id="L-photo", mark_id=world.mark_a, marketplace="demo",
                                listing_title="different words", score=85, kind="fuzzy", seller_id="other",
                                priority=0.2), session=session)
        upsert_hit(HitCandidate(listing_id="L-unrelated", mark_id=world.mark_a, marketplace="demo",
                                listing_title="different words", score=85, kind="fuzzy", seller_id="other2",
                                priority=0.9), session=session)
    images = {old_listing: ["f0f0f0f0f0f0f0f0"], "L-photo": ["f0f0f0f0f0f0f0f1"]}
    with Session(engine) as session, session.begin():
        flagged = flag_relistings(session=session, images=lambda doc_id: images.get(doc_id, []))
        hits = {h.listing_id: h for h in session.scalars(select(Hit).where(Hit.id.in_(flagged)))}
        session.expunge_all()
    assert set(hits) == {"L-new", "L-photo"}  # seller1 of hits_a[1:] were online before: not re-listings
    # the seller of the removed listing with another item: a repeat infringer, linked to the case all the same
    assert hits["L-new"].relisting_of_case_id == case_id and hits["L-new"].relisting_kind == "repeat_infringer"
    assert "seller seller1 had https://demo.example/item/1 removed" in hits["L-new"].relisting_reason
    assert "same image (1 of 64 pHash bits differ)" in hits["L-photo"].relisting_reason
    assert hits["L-photo"].relisting_kind == "relisting" and hits["L-photo"].priority >= RELISTING_BOOST
    assert hits["L-new"].priority >= REPEAT_INFRINGER_BOOST
    with Session(engine) as session, session.begin():  # detection refreshing the hit keeps it on top
        upsert_hit(HitCandidate(listing_id="L-new", mark_id=world.mark_a, marketplace="demo",
                                listing_title="brand new thing", score=85, kind="fuzzy", seller_id="seller1",
                                priority=0.4), session=session)
    with Session(engine) as session:
        top = session.scalars(select(Hit).where(Hit.status == "new").order_by(Hit.priority.desc())).first()
        assert top.listing_id == "L-photo"  # the re-listing above the repeat infringer
        refreshed = session.scalar(select(Hit).where(Hit.listing_id == "L-new"))
        assert refreshed.priority == REPEAT_INFRINGER_BOOST + 0.4


def test_seller_links_by_photos_contact_shop_and_title_price() -> None:
    sellers = {
        "a": SellerListings(images={"0123456789abcdef"}, offers=[("acme bag deluxe", 10.0, "USD")]),
        "b": SellerListings(images={"0123456789abcdee"}, contacts={"wa +86 1234"}),
        "c": SellerListings(contacts={"wa +86 1234"}, shop_urls={"https://shop.x/s/1"}),
        "d": SellerListings(shop_urls={"https://shop.x/s/1"}, offers=[("acme bag deluxe", 10.3, "USD")]),
        "e": SellerListings(images={"fedcba9876543210"}, offers=[("acme bag deluxe", 30.0, "USD")]),
    }
    found = links(sellers)
    assert {(a, b, r) for a, b, r in found} == {("a", "b", "image_near"), ("b", "c", "contact"),
                                                ("c", "d", "shop_url"), ("a", "d", "title_price")}


def test_networks_leave_out_the_brands_own_photos_and_span_accounts(seeded) -> None:
    engine, world = seeded
    from shared_db.models import MarkReferenceImage

    with Session(engine) as session, session.begin():
        session.add(MarkReferenceImage(mark_id=world.mark_a, sha256="e" * 64, phash="aaaaaaaaaaaaaaaa", width=1,
                                       height=1, media_type="image/jpeg"))
        for n, seller in enumerate(("ring1", "ring2", "ring3", "reseller1", "reseller2")):
            upsert_hit(HitCandidate(listing_id=f"N{n}", mark_id=world.mark_a, marketplace="demo",
                                    listing_title=f"t{n}", score=85, kind="fuzzy", seller_id=seller), session=session)
    docs = [{"marketplace": "demo", "seller_id": s, "image_hashes": [h], "title": f"t{i}", "price": i + 1}
            for i, (s, h) in enumerate((("ring1", "1111222233334444"), ("ring2", "1111222233334445"),
                                        ("ring3", "1111222233334447"), ("reseller1", "aaaaaaaaaaaaaaab"),
                                        ("reseller2", "aaaaaaaaaaaaaaab"), ("nobody", "1111222233334444")))]
    with Session(engine) as session, session.begin():
        assert link_sellers(session=session, docs=docs) == 3
    with Session(engine) as session:
        network = seller_network("demo", "ring2", session=session)
        assert network.sellers == ["ring1", "ring2", "ring3"]  # no hit of "nobody": not a suspect
        assert seller_network("demo", "reseller1", session=session).sellers == ["reseller1"]
    assert Decimal("1")  # keep the import used


def test_the_recheck_client_refuses_private_addresses_at_connect_time(shared_data: Path) -> None:
    """The connection re-checks what the host resolves to, so a rebinding name cannot reach a private address."""
    import httpx
    import pytest

    from markwatch.jobs.safe_http import blocked, public_client

    with DemoMarket("127.0.0.1", 0, size=10, data_dir=shared_data) as market:
        port = market.base_url.rsplit(":", 1)[1]
        url = f"http://localhost:{port}/robots.txt"
        assert blocked(url, []) is not None and blocked(url, [f"localhost:{port}"]) is None
        with public_client([], timeout=5, user_agent="t") as client, pytest.raises(httpx.ConnectError):
            client.get(url)  # even when the URL check is skipped
        with public_client([f"localhost:{port}"], timeout=5, user_agent="t") as client:
            assert client.get(url).status_code == 200
