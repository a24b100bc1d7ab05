"""In Chromium: a rights holder re-notifies the listing still online after the re-check (the follow-up cites the
first notice), closes the case as refused by the marketplace with a note, and reopens it with a reason."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared_db.models import AuditLog, EnforcementCase
from tests.enforcement.test_case_lifecycle import notified_case
from tests.ui.test_browser import ARTIFACTS, browser_page, live_server, log_in  # noqa: F401

pytestmark = pytest.mark.browser


def test_close_and_renotify_a_case_in_the_browser(live_server, browser_page, world, login_as, csrf,  # noqa: F811
                                                  sqlite_engine) -> None:
    case_id, _ = notified_case(sqlite_engine, world, login_as, csrf)
    page = browser_page
    log_in(page, live_server, world.emails["holder_a"], world.password)
    page.goto(f"{live_server}/enforcement/cases/{case_id}")
    followup = page.locator("#followup")
    assert "1 listings were still online when re-checked" in followup.inner_text()
    text = page.context.request.get(f"{live_server}/enforcement/cases/{case_id}/followup.txt").text()
    assert f"to report MW-{case_id:06d} submitted" in text and "demo.example/item/2" in text
    assert page.input_value('#followup-form input[name="sent_to"]') == "ip@demo.example"
    page.click("#followup-send")
    page.wait_for_selector("#case-followup")
    assert "1 sent, the last on" in page.inner_text("#case-followup")
    page.screenshot(path=str(ARTIFACTS / "enforcement-case-followup.png"), full_page=True)

    page.click("#close-case")  # the note is required: the browser does not submit without it
    assert page.url.endswith(f"/enforcement/cases/{case_id}") and page.locator("#case-resolution").count() == 0
    page.select_option("#close-resolution", "marketplace_refused")
    page.fill("#close-note", "Ticket 4411: the marketplace wants a court order")
    page.click("#close-case")
    page.wait_for_selector("#case-resolution")
    assert page.inner_text("#case-resolution") == "refused by the marketplace"
    assert "Ticket 4411" in page.inner_text("#case-closed") and page.locator("#followup").count() == 0
    page.screenshot(path=str(ARTIFACTS / "enforcement-case-closed.png"), full_page=True)

    page.fill('#reopen-case-form textarea[name="reason"]', "court order obtained")
    page.click("#reopen-case")
    page.wait_for_selector("#close-case-form")
    assert page.inner_text("#case-status") == "sent"
    with Session(sqlite_engine) as session:
        case = session.get(EnforcementCase, case_id)
        assert case.followups == 1 and case.resolution is None
        actions = list(session.scalars(select(AuditLog.action).where(AuditLog.object_id == str(case_id),
                                                                     AuditLog.object_type == "case")))
    assert actions[-3:] == ["case.followup", "case.close", "case.reopen"]
