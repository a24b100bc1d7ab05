"""Staydown tells a re-listing (the same item back: photo, near-identical title, or the seller's similar offer) from a
repeat infringer (the same seller, another item), on SQLite and PostgreSQL; both top the queue, re-listings first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from detection.staydown import flag_relistings, model_numbers
from review_ui.i18n import translator
from shared_db.messages import translate
from shared_db.models import Hit
from shared_db.repo.hits import RELISTING_BOOST, REPEAT_INFRINGER_BOOST, HitCandidate, upsert_hit
from tests.enforcement.builders import removed_case

REMOVED = ("Canon EOS 5D Mark IV Body 30.4MP Full Frame DSLR Camera", "luxe-outlet", Decimal("389.00"))
PHOTO = "f0f0f0f0f0f0f0f0"
# listing id: (title, seller, price, photo pHash, expected kind or None)
NEW = {
    "same-seller-similar": ("Canon EOS 5D Mark IV body - 30.4MP full frame DSLR camera, new stock", "luxe-outlet",
                            Decimal("379.00"), None, "relisting"),
    "other-seller-photo": ("Professional DSLR camera body, fast shipping", "cam-world", Decimal("120.00"),
                           "f0f0f0f0f0f0f0f1", "relisting"),
    "other-seller-title": ("Canon EOS 5D Mark IV Body 30.4MP Full-Frame DSLR Camera", "cam-world2",
                           Decimal("405.00"), None, "relisting"),
    "same-seller-other-item": ("Canon PowerShot G7 X Mark III 20.1MP compact camera", "luxe-outlet",
                               Decimal("159.00"), "0123456789abcdef", "repeat_infringer"),
    "same-seller-other-model": ("Canon EOS 6D Mark II Body 26.2MP Full Frame DSLR Camera", "luxe-outlet",
                                Decimal("389.00"), None, "repeat_infringer"),
    "unrelated": ("Canon EF 50mm f/1.8 STM lens", "lens-shop", Decimal("89.00"), None, None),
}
IMAGES = {"removed": [PHOTO], **{listing_id: [v[3]] for listing_id, v in NEW.items() if v[3]}}


def _world(engine, world) -> int:  # type: ignore[no-untyped-def]
    """A case whose notice went out two days ago and whose listing a re-check found removed; new hits after it."""
    now = datetime.now(UTC)
    with Session(engine) as session, session.begin():
        title, seller, price = REMOVED
        upsert_hit(HitCandidate(listing_id="removed", mark_id=world.mark_a, marketplace="demo", listing_title=title,
                                score=95, kind="exact", seller_id=seller, price=price, currency="USD",
                                listing_url="https://demo.example/item/removed"), session=session)
        session.flush()
        old = session.scalar(select(Hit).where(Hit.listing_id == "removed"))
        old.status, old.first_seen_at = "confirmed", now - timedelta(days=5)
        case = removed_case(old, session=session, sent_at=now - timedelta(days=2))
        for listing_id, (title, seller, price, _, _) in NEW.items():
            upsert_hit(HitCandidate(listing_id=listing_id, mark_id=world.mark_a, marketplace="demo",
                                    listing_title=title, score=90, kind="exact", seller_id=seller, price=price,
                                    currency="USD", probability=0.9, priority=0.9), session=session)
        upsert_hit(HitCandidate(listing_id="before-notice", mark_id=world.mark_a, marketplace="demo",
                                listing_title="Canon EOS 5D Mark IV body", score=90, kind="exact",
                                seller_id="luxe-outlet", price=Decimal("389.00"), currency="USD"), session=session)
        session.flush()
        session.scalar(select(Hit).where(Hit.listing_id == "before-notice")).first_seen_at = now - timedelta(days=3)
        return case.id


@pytest.fixture
def flagged(seeded) -> tuple[object, object, int, dict[str, Hit]]:  # type: ignore[no-untyped-def]
    engine, world = seeded
    case_id = _world(engine, world)
    with Session(engine) as session, session.begin():
        flag_relistings(session=session, images=lambda doc_id: IMAGES.get(doc_id, []))
    with Session(engine) as session:
        hits = {h.listing_id: h for h in session.scalars(select(Hit))}
        session.expunge_all()
    return engine, world, case_id, hits


def test_relistings_need_item_evidence_and_same_seller_alone_is_a_repeat_infringer(flagged) -> None:
    _, _, case_id, hits = flagged
    kinds = {listing_id: hits[listing_id].relisting_kind for listing_id in NEW}
    assert kinds == {listing_id: expected for listing_id, (*_, expected) in NEW.items()}
    assert hits["before-notice"].relisting_kind is None  # online before the notice: a listing of its own
    for listing_id, (*_, expected) in NEW.items():
        hit = hits[listing_id]
        assert (hit.relisting_of_case_id == case_id) == (expected is not None), listing_id
    similar = hits["same-seller-similar"].relisting_reason
    assert similar.startswith("re-listing of https://demo.example/item/removed, removed after case ")
    assert "same seller luxe-outlet" in similar and "like the removed one" in similar
    assert "same image (1 of 64 pHash bits differ)" in hits["other-seller-photo"].relisting_reason
    repeat = hits["same-seller-other-item"].relisting_reason
    assert repeat.startswith("repeat infringer: seller luxe-outlet had https://demo.example/item/removed removed")
    assert "another item" in repeat


def test_both_kinds_top_the_queue_relistings_first_and_read_in_chinese(flagged) -> None:
    engine, _, _, hits = flagged
    with Session(engine) as session:
        order = [h.listing_id for h in session.scalars(select(Hit).where(Hit.status == "new")
                                                       .order_by(Hit.priority.desc(), Hit.id))]
    relistings = [k for k, v in NEW.items() if v[4] == "relisting"]
    repeats = [k for k, v in NEW.items() if v[4] == "repeat_infringer"]
    assert set(order[:3]) == set(relistings) and set(order[3:5]) == set(repeats)
    assert hits["same-seller-other-item"].priority == pytest.approx(0.9 + REPEAT_INFRINGER_BOOST)
    assert hits["other-seller-title"].priority == pytest.approx(0.9 + RELISTING_BOOST)
    zh = translator("zh_Hans")
    for listing_id in relistings + repeats:
        reason = hits[listing_id].relisting_reason
        chinese = translate(reason, zh)
        assert chinese != reason and "https://demo.example/item/removed" in chinese, reason
        assert "same seller" not in chinese and "another item" not in chinese


def test_model_numbers_tell_items_apart() -> None:
    assert model_numbers("Canon EOS 5D Mark IV Body 30.4MP") == {"5d", "30.4mp"}
    assert model_numbers("songxia rp-djs400-g 耳机 正品行货") == {"rp-djs400-g"}
    assert model_numbers("Leather handbag, brown") == set()


def test_hit_page_and_queue_show_the_kind_and_the_earlier_case(world, login_as, sqlite_engine) -> None:
    case_id = _world(sqlite_engine, world)
    with Session(sqlite_engine) as session, session.begin():
        flag_relistings(session=session, images=lambda doc_id: IMAGES.get(doc_id, []))
        ids = {h.listing_id: h.id for h in session.scalars(select(Hit))}
    holder = login_as("holder_a")
    repeat = holder.get(f"/hits/{ids['same-seller-other-item']}").text
    assert 'class="relisting relisting-repeat_infringer"' in repeat and "Repeat infringer" in repeat
    assert f'href="/enforcement/cases/{case_id}"' in repeat
    relisting = holder.get(f"/hits/{ids['same-seller-similar']}").text
    assert 'class="relisting relisting-relisting"' in relisting and "Repeat infringer" not in relisting
    queue = holder.get("/queue").text
    assert queue.count("relisting-repeat_infringer") == 2 and queue.count("relisting-relisting") == 3
    assert login_as("holder_b").get(f"/hits/{ids['same-seller-other-item']}").status_code == 404
