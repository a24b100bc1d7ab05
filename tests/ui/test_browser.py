"""Real-browser checks (Debian Chromium through Playwright): hostile listings stay inert; the reviewer flow."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from shared_db.es.client import make_client
from shared_db.es.listings import ListingsIndex
from shared_db.evidence import EvidenceStore
from shared_db.models import Hit, Mark

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "ui"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
EVIL_EVIDENCE = b"<html><body><script>alert('evidence')</script><img src=x onerror=alert('img')>snapshot</body></html>"
EVIL_LISTINGS = [
    {"listing_id": "x1", "marketplace": "demo", "title": "<script>alert('t')</script>ACME tote",
     "description": "\"><img src=x onerror=alert('d')>", "url": "javascript:alert('u')", "price": 9.0,
     "currency": "USD", "seller_id": "evil"},
    {"listing_id": "x2", "marketplace": "demo", "title": "ACME genuine wallet", "url": "https://demo.example/x2",
     "price": 99.0, "currency": "USD", "seller_id": "good"},
]


@pytest.fixture
def live_server(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser_page():  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 900})
        page = context.new_page()
        dialogs: list[str] = []

        def on_dialog(dialog) -> None:  # type: ignore[no-untyped-def]
            dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.dialogs = dialogs  # type: ignore[attr-defined]
        yield page
        context.close()
        browser.close()


@pytest.fixture
def hostile_data(world, settings, sqlite_engine) -> None:
    sha = EvidenceStore(settings.resolved_evidence_dir).put(EVIL_EVIDENCE, url="https://demo.example/evil",
                                                            status=200)
    with Session(sqlite_engine) as session, session.begin():
        session.execute(update(Hit).where(Hit.id == world.xss_hit).values(evidence_sha256=sha, priority=100.0))
    index = ListingsIndex(make_client(settings), settings)
    index.ensure()
    index.bulk_upsert(EVIL_LISTINGS, refresh=True)


def log_in(page, base: str, email: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/queue")
    assert page.url.startswith(f"{base}/login")
    page.fill('input[name="email"]', email)
    page.fill('input[name="password"]', password)
    page.click('button[type="submit"]')
    page.wait_for_url(f"{base}/queue")


def test_hostile_listings_and_evidence_are_inert(live_server, browser_page, world, hostile_data) -> None:
    page = browser_page
    log_in(page, live_server, world.emails["reviewer"], world.password)
    page.screenshot(path=str(ARTIFACTS / "xss-queue.png"), full_page=True)
    assert world.xss_title in page.inner_text("#queue")
    page.goto(f"{live_server}/hits/{world.xss_hit}")
    page.wait_for_timeout(800)  # give the sandboxed evidence frame time to load (and fail to run scripts)
    page.screenshot(path=str(ARTIFACTS / "xss-hit.png"), full_page=True)
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    frame = page.frame_locator("iframe.evidence")
    assert "snapshot" in frame.locator("body").inner_text()
    page.goto(f"{live_server}/search?q=acme")
    page.screenshot(path=str(ARTIFACTS / "xss-search.png"), full_page=True)
    assert "<script>alert('t')</script>ACME tote" in page.inner_text("table")
    assert page.locator("a[href^='javascript']").count() == 0 and page.locator("img[src='x']").count() == 0
    assert page.dialogs == [], f"a script ran: {page.dialogs}"  # type: ignore[attr-defined]
    page.evaluate("() => alert('control')")  # the listener does see dialogs that do fire
    assert page.dialogs == ["control"]  # type: ignore[attr-defined]


def test_reviewer_and_rights_holder_flow(live_server, browser_page, world, hostile_data, sqlite_engine) -> None:
    page = browser_page
    log_in(page, live_server, world.emails["admin"], world.password)
    page.goto(f"{live_server}/queue?marketplace=demo")
    rows = page.locator("#queue tr.hit-row")
    top = [int(rows.nth(i).get_attribute("data-hit")) for i in range(5)]
    # The first row is selected on load: c, d, e decide three hits in a row, each moving to the next.
    for index, key in enumerate("cde"):
        page.keyboard.press(key)
        page.wait_for_selector(f"#hit-{top[index]}.decided")
    page.screenshot(path=str(ARTIFACTS / "flow-1-keyboard-triage.png"), full_page=True)
    # j moves down to the fourth hit; x selects it and the fifth; bulk dismiss.
    page.keyboard.press("x")
    page.keyboard.press("j")
    page.keyboard.press("x")
    page.screenshot(path=str(ARTIFACTS / "flow-2-selection.png"), full_page=True)
    page.click("#bulk-dismiss")
    page.wait_for_selector("#bulk-question")  # the count is confirmed before anything is decided
    assert "2 hits" in page.inner_text("h1")
    page.click("#bulk-yes")
    page.wait_for_selector(".flash")
    assert "2 hits decided." in page.inner_text(".flash")
    page.screenshot(path=str(ARTIFACTS / "flow-3-bulk-dismissed.png"), full_page=True)
    with Session(sqlite_engine) as session:
        statuses = dict(session.execute(select(Hit.id, Hit.status).where(Hit.id.in_(top))).all())
    assert [statuses[h] for h in top] == ["confirmed", "dismissed", "escalated", "dismissed", "dismissed"]

    page.click("text=Marks")
    page.click("#new-mark")
    page.fill('input[name="text"]', "ZENITH")
    page.fill('input[name="owner"]', "Acme Corp")
    page.fill('textarea[name="aliases"]', "Zenit\nZ3NITH")
    page.fill('input[name="classes"]', "14, 9")
    page.fill('input[name="reference_price"]', "250")
    page.fill('input[name="currency"]', "EUR")
    page.click("#mark-form button[type=submit]")
    page.wait_for_selector(".flash")
    page.screenshot(path=str(ARTIFACTS / "flow-4-mark-registered.png"), full_page=True)
    with Session(sqlite_engine) as session:
        mark = session.scalar(select(Mark).where(Mark.text == "ZENITH"))
        assert mark.aliases == ["Zenit", "Z3NITH"] and mark.classes == [9, 14]

    page.goto(f"{live_server}/search")
    page.fill('input[name="q"]', "acme")
    page.click("#search-form button[type=submit]")
    page.wait_for_selector("#search-total")
    assert "2 listings found" in page.inner_text("#search-total")
    page.screenshot(path=str(ARTIFACTS / "flow-5-search.png"), full_page=True)

    page.goto(f"{live_server}/cases")
    with page.expect_download() as download_info:
        page.locator("a.export-csv").first.click()
    download = download_info.value
    target = ARTIFACTS / "flow-6-case.csv"
    download.save_as(str(target))
    assert target.read_text().startswith("case,hit_id")
    page.screenshot(path=str(ARTIFACTS / "flow-6-cases.png"), full_page=True)
    page.select_option('select[name="locale"]', "zh_Hans")
    page.click("text=Change")
    page.goto(f"{live_server}/queue?status=all")
    assert "审核队列" in page.inner_text("h1")
    page.screenshot(path=str(ARTIFACTS / "flow-7-queue-zh.png"), full_page=True)
    assert page.dialogs == []  # type: ignore[attr-defined]


def test_undo_by_keyboard_reopen_and_bulk_confirmation(live_server, browser_page, world, sqlite_engine) -> None:
    page = browser_page
    log_in(page, live_server, world.emails["reviewer"], world.password)
    page.goto(f"{live_server}/queue?mark_id={world.mark_a}")
    first = int(page.locator("#queue tr.hit-row").first.get_attribute("data-hit"))
    page.keyboard.press("d")  # dismiss the selected hit; the row offers an undo for a few seconds
    page.wait_for_selector(f"#hit-{first}.decided form.undo")
    page.screenshot(path=str(ARTIFACTS / "safety-1-undo-offered.png"), full_page=True)
    page.keyboard.press("u")
    page.wait_for_selector(".flash")
    assert "Undone: 1 decisions" in page.inner_text(".flash")
    with Session(sqlite_engine) as session:
        hit = session.get(Hit, first)
        assert hit.status == "new" and hit.decisions[-1].undone_at is not None
    page.screenshot(path=str(ARTIFACTS / "safety-2-undone.png"), full_page=True)

    # the undo offer disappears once its seconds are over
    page.keyboard.press("c")
    page.wait_for_selector(f"#hit-{first}.decided form.undo")
    page.wait_for_selector(f"#hit-{first} form.undo", state="detached", timeout=15000)

    # a decided hit is reopened from its page with a reason
    page.goto(f"{live_server}/hits/{first}")
    page.click("#reopen-form button[type=submit]")  # no reason: the browser asks for one, nothing is sent
    assert page.locator("#reopen-error").count() == 0
    page.fill('#reopen-form textarea[name="reason"]', "confirmed by mistake: authorised reseller")
    page.click("#reopen-form button[type=submit]")
    page.wait_for_selector("#decide-form")
    assert "back in the queue" in page.inner_text(".flash")
    assert "confirmed by mistake: authorised reseller" in page.inner_text("table")
    page.screenshot(path=str(ARTIFACTS / "safety-3-reopened.png"), full_page=True)

    # bulk: nothing selected is refused with a message; a selection is confirmed with its count
    page.goto(f"{live_server}/queue?mark_id={world.mark_a}")
    page.click("#bulk-dismiss")
    page.wait_for_selector(".flash")
    assert "Nothing selected" in page.inner_text(".flash")
    page.keyboard.press("x")
    page.keyboard.press("j")
    page.keyboard.press("x")
    page.click("#bulk-dismiss")
    page.wait_for_selector("#bulk-question")
    assert "Decide 2 hits at once?" in page.inner_text("h1")
    page.screenshot(path=str(ARTIFACTS / "safety-4-bulk-confirm.png"), full_page=True)
    page.click("#bulk-cancel")
    with Session(sqlite_engine) as session:
        assert session.scalar(select(func.count()).select_from(Hit).where(Hit.status == "dismissed")) == 0
    assert page.dialogs == []  # type: ignore[attr-defined]


def test_report_states_in_the_browser(live_server, browser_page, world, add_reports) -> None:
    ids = add_reports()
    page = browser_page
    log_in(page, live_server, world.emails["holder_a"], world.password)
    page.goto(f"{live_server}/report")
    page.screenshot(path=str(ARTIFACTS / "reports-1-states.png"), full_page=True)
    states = {key: page.inner_text(f"#report-{ids[key]} td.state") for key in ("hit", "no_match", "fetch_failed",
                                                                                "refused", "queued")}
    assert states == {"hit": "became a hit", "no_match": "no match", "fetch_failed": "fetch failed",
                      "refused": "refused", "queued": "queued"}
    assert page.inner_text(f"#report-{ids['fetch_failed']} td.reason") == "the site answered HTTP 404"
    assert page.locator(f"#report-{ids['b']}").count() == 0  # rights holder B's report is not shown
    page.click(f"#report-{ids['hit']} a.hit-link")
    page.wait_for_url(f"{live_server}/hits/{world.hits_a[0]}")
    page.select_option('select[name="locale"]', "zh_Hans")
    page.click("text=Change")
    page.goto(f"{live_server}/report")
    assert page.inner_text(f"#report-{ids['fetch_failed']} td.reason") == "网站返回 HTTP 404"
    assert page.inner_text(f"#report-{ids['hit']} td.state") == "已成为命中"
    page.screenshot(path=str(ARTIFACTS / "reports-2-states-zh.png"), full_page=True)


SHOP_PAGE = (b'<html><head><title>ACME tote</title></head><body style="background:#1e7d32;color:#fff">'
             b'<h1>ACME tote, 90% off</h1><p style="height:2400px">a long listing page</p></body></html>')


@pytest.fixture
def shop_page() -> Iterator[str]:
    """A listing page on a local server (a free port): the URL of the page."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            return

        def do_GET(self) -> None:  # noqa: N802
            body = SHOP_PAGE if self.path == "/item/1" else b"not here"
            self.send_response(200 if self.path == "/item/1" else 404)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/item/1"
    server.shutdown()
    server.server_close()


def test_hit_page_shows_the_screenshot_and_snapshot_links_stay_put(live_server, browser_page, world, settings,
                                                                   sqlite_engine, shop_page) -> None:
    from markwatch.jobs.screenshots import capture_screenshots

    hit_id = world.hits_a[0]
    snapshot = (f'<html><body><a id="inside" href="/queue">queue</a> <a id="outside" href="{live_server}/dashboard">'
                'dashboard</a> fake shoes</body></html>').encode()
    sha = EvidenceStore(settings.resolved_evidence_dir).put(snapshot, url=shop_page, status=200)
    with Session(sqlite_engine) as session, session.begin():
        session.execute(update(Hit).where(Hit.id != hit_id).values(listing_url=None))
        session.execute(update(Hit).where(Hit.id == hit_id).values(listing_url=shop_page, evidence_sha256=sha))
    origin = shop_page.rsplit("/", 2)[0]
    shot_settings = settings.model_copy(update={"allowed_private_hosts": [origin]})
    assert capture_screenshots(settings=shot_settings, engine=sqlite_engine)["captured"] == 1

    page = browser_page
    log_in(page, live_server, world.emails["reviewer"], world.password)
    page.goto(f"{live_server}/hits/{hit_id}")
    page.wait_for_function("() => { const i = document.querySelector('img.screenshot');"
                           " return i && i.complete && i.naturalWidth > 0; }")
    size = page.evaluate("() => [document.querySelector('img.screenshot').naturalWidth,"
                         " document.querySelector('img.screenshot').naturalHeight]")
    assert size[0] == 1280 and size[1] > 2400  # the whole page as the browser showed it
    with Session(sqlite_engine) as session:
        shot_sha = session.get_one(Hit, hit_id).screenshot_sha256
    assert page.inner_text("#screenshot-sha") == shot_sha and shop_page in page.inner_text("#screenshot")
    page.screenshot(path=str(ARTIFACTS / "hit-screenshot.png"), full_page=True)

    frame = page.frame_locator("iframe.evidence")
    for link in ("#inside", "#outside"):
        frame.locator(link).click()
        page.wait_for_timeout(300)
        [child] = page.main_frame.child_frames
        assert child.url.endswith(f"/hits/{hit_id}/evidence?view=html"), child.url  # the frame stayed put
    assert page.url == f"{live_server}/hits/{hit_id}"
    assert "fake shoes" in frame.locator("body").inner_text()
    assert page.dialogs == []  # type: ignore[attr-defined]
