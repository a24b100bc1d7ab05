"""Hit detail: escaped fields, highlighted span, price against reference, seller's other hits, evidence."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from review_ui.templating import highlight, safe_url
from shared_db.evidence import EvidenceStore
from shared_db.models import Hit

EVIL_PAGE = b"<html><script>alert('evidence')</script><img src=x onerror=alert(1)><p>fake shoes</p></html>"


def test_highlight_escapes_every_part() -> None:
    assert str(highlight("<b>NIKE</b> shoes", 3, 7)) == "&lt;b&gt;<mark>NIKE</mark>&lt;/b&gt; shoes"
    assert str(highlight("<x>", 5, 9)) == "&lt;x&gt;", "a span outside the text is ignored"
    assert safe_url("javascript:alert(1)") is None and safe_url(" JaVaScRiPt:alert(1)") is None
    assert safe_url("data:text/html,<script>") is None and safe_url("https://a.example/x") == "https://a.example/x"


def test_detail_shows_fields_span_reasons_price_and_history(world, login_as, csrf) -> None:
    reviewer = login_as("reviewer")
    hit = world.hits_a[0]
    page = reviewer.get(f"/hits/{hit}").text
    assert "Listing 1 <mark>acme</mark> bag" in page
    assert "reason 1" in page and "ACME" in page
    assert "90% below reference" in page  # 10.00 USD against 100 USD
    assert "Listing 3 acme bag" in page, "the same seller's other hits are listed"
    reviewer.post(f"/hits/{hit}/decide", data={"verdict": "escalated", "version": "1", "reason": "needs legal",
                                               "csrf_token": csrf(reviewer, "/queue")})
    page = reviewer.get(f"/hits/{hit}").text
    assert "needs legal" in page and "reviewer@example.org" in page and "Already decided." in page


def test_hostile_listing_fields_are_escaped(world, login_as) -> None:
    page = login_as("reviewer").get(f"/hits/{world.xss_hit}").text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="javascript:' not in page and "<code>javascript:alert(3)</code>" in page
    queue = login_as("reviewer").get("/queue").text
    assert "<script>alert" not in queue and "<img src=x" not in queue


def test_evidence_is_served_sandboxed_as_text_or_html(world, login_as, settings, sqlite_engine) -> None:
    sha = EvidenceStore(settings.resolved_evidence_dir).put(EVIL_PAGE, url="https://demo.example/item/1",
                                                            status=200, headers={"Content-Type": "text/html"})
    with Session(sqlite_engine) as session, session.begin():
        session.execute(update(Hit).where(Hit.id == world.hits_a[0]).values(evidence_sha256=sha))
    reviewer = login_as("reviewer")
    page = reviewer.get(f"/hits/{world.hits_a[0]}").text
    assert sha in page and 'sandbox=""' in page and "Captured at" in page
    for view, media in (("text", "text/plain"), ("html", "text/html")):
        raw = reviewer.get(f"/hits/{world.hits_a[0]}/evidence?view={view}")
        assert raw.status_code == 200 and (raw.content == EVIL_PAGE if view == "text" else b"fake shoes" in raw.content)
        assert raw.headers["content-type"].startswith(media)
        assert raw.headers["content-security-policy"].startswith("sandbox")
        assert raw.headers["x-content-type-options"] == "nosniff"
    assert reviewer.get(f"/hits/{world.hits_a[1]}/evidence").status_code == 404, "hash not in the store"


def test_unknown_hit_is_404(login_as, world) -> None:
    assert login_as("admin").get("/hits/424242").status_code == 404
