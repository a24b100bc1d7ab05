"""Rights holders and staff see how distinctive a mark is and what a hit on it needs (list, pages, API)."""

from __future__ import annotations

import html

from sqlalchemy import text
from sqlalchemy.orm import Session

from detection.distinctiveness import ORDINARY, STRONG, WEAK, Distinctiveness
from review_ui.i18n import catalogue
from shared_db.models import User
from shared_db.repo.users import issue_api_token

ORDINARY_SENTENCE = Distinctiveness(ORDINARY).requirements  # ACME is a dictionary word; BRANDX is not


def test_the_owner_sees_the_level_and_what_hits_need_on_the_list_and_the_mark_page(world, login_as) -> None:
    holder = login_as("holder_a")
    page = html.unescape(holder.get(f"/marks/{world.mark_a}/edit").text)
    assert 'id="distinctiveness"' in page and "Ordinary word" in page and ORDINARY_SENTENCE in page
    listed = html.unescape(holder.get("/marks").text)
    assert 'data-level="ordinary"' in listed and ORDINARY_SENTENCE in listed
    other = html.unescape(login_as("holder_b").get(f"/marks/{world.mark_b}/edit").text)
    assert 'data-level="strong"' in other and Distinctiveness(STRONG).requirements in other


def test_staff_see_it_on_the_review_page(world, login_as) -> None:
    page = html.unescape(login_as("reviewer").get(f"/marks/{world.mark_a}/review").text)
    assert "Ordinary word" in page and ORDINARY_SENTENCE in page and "an ordinary word" in page


def test_a_mark_not_assessed_yet_says_so(world, login_as, sqlite_engine) -> None:
    with sqlite_engine.begin() as conn:
        conn.execute(text("UPDATE marks SET distinctiveness = NULL WHERE id = :id"), {"id": world.mark_a})
    assert "Not assessed yet" in login_as("holder_a").get(f"/marks/{world.mark_a}/edit").text


def test_in_chinese(world, login_as, csrf) -> None:
    holder = login_as("holder_a")
    holder.post("/account/locale", data={"locale": "zh_Hans", "csrf_token": csrf(holder, "/marks")})
    page = holder.get(f"/marks/{world.mark_a}/edit").text
    assert "普通词汇" in page and catalogue("zh_Hans")[ORDINARY_SENTENCE] in page
    assert ORDINARY_SENTENCE not in html.unescape(page)


def test_every_requirement_sentence_is_translated() -> None:
    """detection owns the sentences; the catalogue must follow when they change."""
    for level in (STRONG, WEAK, ORDINARY):
        assert Distinctiveness(level).requirements in catalogue("zh_Hans")


def test_the_api_mark_has_it(client, world, sqlite_engine) -> None:
    with Session(sqlite_engine) as session, session.begin():
        token = issue_api_token(session.query(User).filter_by(email=world.emails["holder_a"]).one(),
                                session=session)
    marks = client.get("/api/v1/marks", headers={"Authorization": f"Bearer {token}"}).json()
    assert marks[0]["distinctiveness"]["level"] == "ordinary"
    assert marks[0]["distinctiveness"]["requirements"] == ORDINARY_SENTENCE
    assert marks[0]["distinctiveness_at"]
