"""In Chromium: a re-listing tops the queue with its reason, the hit page shows the seller's network, and a case
is raised against the whole network."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from shared_db.models import EnforcementCase, Hit, SellerLink
from shared_db.repo.hits import RELISTING_BOOST
from tests.ui.test_browser import ARTIFACTS, browser_page, live_server, log_in  # noqa: F401

pytestmark = pytest.mark.browser


def test_relisting_and_seller_network_in_the_browser(live_server, browser_page, world, sqlite_engine) -> None:  # noqa: F811
    with Session(sqlite_engine) as session, session.begin():
        hit = session.get(Hit, world.hits_a[2])
        case = EnforcementCase(org_id=hit.mark.org_id, marketplace="demo", network=[], status="sent",
                               template="default")
        session.add(case)
        session.flush()
        session.execute(update(Hit).where(Hit.id == world.hits_a[3]).values(
            relisting_of_case_id=case.id, relisting_reason="re-listing of https://demo.example/item/3: same seller seller1",
            priority=RELISTING_BOOST + 1))
        session.execute(update(Hit).where(Hit.id == world.hits_a[1]).values(status="confirmed"))
        session.add_all([SellerLink(marketplace="demo", seller_a="ring-a", seller_b="seller0", reason="image_near",
                                    detail="photos 1 bit apart"),
                         SellerLink(marketplace="demo", seller_a="ring-a", seller_b="ring-b", reason="image",
                                    detail="photo 0123456789abcdef")])
    page = browser_page
    log_in(page, live_server, world.emails["holder_a"], world.password)
    page.goto(f"{live_server}/queue")
    first = page.locator("#queue tr.hit-row").first
    assert int(first.get_attribute("data-hit")) == world.hits_a[3]
    assert "same seller seller1" in first.inner_text()
    page.goto(f"{live_server}/hits/{world.hits_a[1]}")
    network = page.locator("#seller-network")
    assert "3 seller accounts linked to this seller" in network.inner_text()
    page.screenshot(path=str(ARTIFACTS / "enforcement-hit-network.png"), full_page=True)
    page.click("#seller-network a")
    page.wait_for_selector("#network-sellers")
    assert page.locator("tr.network-link").count() == 2
    page.click("#network-case")
    page.wait_for_selector("#case-status")
    page.screenshot(path=str(ARTIFACTS / "enforcement-network-case.png"), full_page=True)
    with Session(sqlite_engine) as session:
        opened = [c for c in session.scalars(select(EnforcementCase)) if c.network]
        assert [c.network for c in opened] == [["ring-a", "ring-b", "seller0"]]
        assert [item.hit_id for item in opened[0].listings] == [world.hits_a[1]]
