"""Login, logout, session cookies, fixation, rate limiting and CSRF."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from review_ui.app import create_app
from shared_db.models import AuditLog, User

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def test_unauthenticated_pages_redirect_to_login(client, world) -> None:
    for path in ("/queue", f"/hits/{world.hits_a[0]}", "/marks", "/cases", "/admin/users", "/dashboard"):
        response = client.get(path)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=")


def test_login_page_has_the_expected_form(client) -> None:
    page = client.get("/login").text
    for needle in ('name="email"', 'name="password"', 'type="hidden" name="csrf_token"', 'action="/login"'):
        assert needle in page


def test_login_sets_a_fresh_httponly_samesite_cookie_and_logout_ends_it(client, world, csrf) -> None:
    token = csrf(client)
    before = client.cookies.get("markwatch_session")
    response = client.post("/login", data={"email": world.emails["reviewer"], "password": world.password,
                                           "csrf_token": token, "next": "/cases"})
    assert response.status_code == 303 and response.headers["location"] == "/cases"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    after = client.cookies.get("markwatch_session")
    assert after and after != before
    # The CSRF token changes with the session (no fixation of anything set before login).
    assert csrf(client, "/queue") != token
    stolen = client.cookies.get("markwatch_session")
    assert client.post("/logout", data={"csrf_token": csrf(client, "/queue")}).status_code == 303
    assert client.get("/queue").status_code == 303
    replay = TestClient(client.app, follow_redirects=False, cookies={"markwatch_session": stolen})
    assert replay.get("/queue").status_code == 303, "a logged-out session cookie must not work again"


def test_secure_cookie_when_https(settings, sqlite_engine, world) -> None:
    app = create_app(settings.model_copy(update={"https": True}))
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as https_client:
        response = https_client.get("/login")
        assert "secure" in response.headers["set-cookie"].lower()


def test_wrong_password_and_open_redirect(client, world, csrf) -> None:
    token = csrf(client)
    bad = client.post("/login", data={"email": world.emails["admin"], "password": "nope nope nope",
                                      "csrf_token": token})
    assert bad.status_code == 401 and "Wrong e-mail or password" in bad.text
    ok = client.post("/login", data={"email": world.emails["admin"], "password": world.password,
                                     "csrf_token": token, "next": "//evil.example/x"})
    assert ok.headers["location"] == "/queue"


def test_csrf_is_required_on_every_form(client, world, login_as, csrf) -> None:
    assert client.post("/login", data={"email": world.emails["admin"], "password": world.password}).status_code == 403
    reviewer = login_as("reviewer")
    hit = world.hits_a[0]
    assert reviewer.post(f"/hits/{hit}/decide", data={"verdict": "confirmed", "version": 1}).status_code == 403
    assert reviewer.post(f"/hits/{hit}/decide", data={"verdict": "confirmed", "version": 1,
                                                      "csrf_token": "forged"}).status_code == 403
    assert reviewer.post("/queue/bulk", data={"verdict": "dismissed", "sel": f"{hit}:1"}).status_code == 403
    assert reviewer.post("/logout").status_code == 403
    holder = login_as("holder_a")
    assert holder.post("/marks/new", data={"text": "NEWMARK"}).status_code == 403
    assert holder.post("/report", data={"url": "http://93.184.216.34/x"}).status_code == 403
    # The token from one session does not work in another.
    assert holder.post("/report", data={"url": "http://93.184.216.34/x",
                                        "csrf_token": csrf(reviewer, "/queue")}).status_code == 403
    assert reviewer.get(f"/hits/{hit}").text.count('class="status status-new"') == 1, "nothing was decided"
    # The header form (used by htmx) works.
    ok = reviewer.post(f"/hits/{hit}/decide", data={"verdict": "confirmed", "version": 1},
                       headers={"X-CSRF-Token": csrf(reviewer, "/queue")})
    assert ok.status_code == 303


def test_inactive_user_is_logged_out(app, client, world, login_as, sqlite_engine) -> None:
    from sqlalchemy import update
    from sqlalchemy.orm import Session

    from shared_db.models import User

    reviewer = login_as("reviewer")
    assert reviewer.get("/queue").status_code == 200
    with Session(sqlite_engine) as session, session.begin():
        session.execute(update(User).where(User.email == world.emails["reviewer"]).values(is_active=False))
    assert reviewer.get("/queue").status_code == 303


def test_security_headers(client) -> None:
    response = client.get("/login")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


def _forged_session(key: str, payload: dict[str, object]) -> str:
    """A session cookie signed with ``key`` exactly as Starlette's SessionMiddleware signs one."""
    import base64
    import json

    from itsdangerous import TimestampSigner

    data = base64.b64encode(json.dumps(payload).encode())
    return TimestampSigner(key).sign(data).decode()


def test_a_session_forged_with_a_known_key_is_refused(app, world, sqlite_engine) -> None:
    """The attack of issue 15 item 1: sign {"user_id": <admin>, ...} with a guessable key, open /admin/users."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from shared_db.models import User

    with Session(sqlite_engine) as session:
        admin_id = session.scalar(select(User.id).where(User.email == world.emails["admin"]))
    payload = {"user_id": admin_id, "sid": "forged", "ver": 1, "csrf": "x"}
    guessable = ("change-me-in-production", "", "markwatch", "secret", "development", "x" * 48)
    for key in guessable:
        forger = TestClient(app, follow_redirects=False, cookies={"markwatch_session": _forged_session(key, payload)})
        response = forger.get("/admin/users")
        assert response.status_code == 303 and response.headers["location"].startswith("/login"), key


def test_the_generated_key_is_random_private_and_shared_by_every_instance(settings, sqlite_engine, world,
                                                                         csrf) -> None:
    key_file = settings.data_dir / "secret_key"
    first = create_app(settings)
    assert key_file.stat().st_mode & 0o777 == 0o600
    key = key_file.read_text().strip()
    assert len(key.encode()) >= 32
    second = create_app(settings)  # a second server process, or the same one restarted
    assert key_file.read_text().strip() == key
    with TestClient(first, follow_redirects=False) as one, TestClient(second, follow_redirects=False) as other:
        one.post("/login", data={"email": world.emails["reviewer"], "password": world.password,
                                 "csrf_token": csrf(one)})
        other.cookies.set("markwatch_session", one.cookies["markwatch_session"])
        assert other.get("/queue").status_code == 200, "a session from one instance works on the other"
    elsewhere = create_app(settings.model_copy(update={"data_dir": settings.data_dir.parent / "elsewhere"}))
    assert elsewhere is not None
    assert (settings.data_dir.parent / "elsewhere" / "secret_key").read_text().strip() != key


class Clock:
    """A settable clock for the login throttle (seconds)."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(app) -> Clock:  # type: ignore[no-untyped-def]
    clock = Clock()
    if hasattr(app.state, "login_throttle"):
        app.state.login_throttle.clock = clock
    return clock


@pytest.fixture
def browsers(app) -> Iterator:  # type: ignore[no-untyped-def]
    """``browsers(address)``: a new client (its own cookies) connecting from ``address``."""
    made: list[TestClient] = []

    def make(address: str = "203.0.113.7", target=None) -> TestClient:  # type: ignore[no-untyped-def]
        made.append(TestClient(target or app, follow_redirects=False, client=(address, 50000)))
        return made[-1]

    yield make
    for one in made:
        one.close()


def attempt(client: TestClient, email: str, password: str, **headers: str):  # type: ignore[no-untyped-def]
    """One login attempt from ``client`` (it fetches the login form first, for its CSRF token)."""
    token = CSRF.search(client.get("/login").text).group(1)
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token},
                       headers=headers)


def audit_actions(engine, action: str) -> list[AuditLog]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return list(session.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))


def test_attackers_failures_do_not_lock_the_owner_out_of_a_known_device(world, browsers, clock) -> None:
    """Issue 15 item 9: ten wrong passwords from the owner's address refused the right one for 15 minutes."""
    email = world.emails["reviewer"]
    owner = browsers()
    assert attempt(owner, email, world.password).status_code == 303
    attacker = browsers()  # same address (the office NAT)
    statuses = [attempt(attacker, email, f"guess number {n} xyz").status_code for n in range(12)]
    assert set(statuses) == {401, 429} and statuses[:5] == [401] * 5
    assert attempt(owner, email, world.password).status_code == 303, "the owner's known device is not locked out"
    assert owner.cookies.get("markwatch_device"), "a successful login marks the browser as a known device"
    newcomer = browsers()
    waited = attempt(newcomer, email, world.password)
    assert waited.status_code == 429 and int(waited.headers["retry-after"]) >= 1, "a new browser waits (backoff)"
    clock.now += int(waited.headers["retry-after"])
    assert attempt(newcomer, email, world.password).status_code == 303, "not a hard lock: after the wait it works"


def test_failures_back_off_exponentially_per_account(world, browsers, clock) -> None:
    email, client = world.emails["admin"], browsers()
    for _ in range(5):
        assert attempt(client, email, "wrong guess 123").status_code == 401
    delays = []
    for _ in range(14):
        refused = attempt(client, email, "wrong guess 123")
        assert refused.status_code == 429 and "try again in" in refused.text
        delays.append(int(refused.headers["retry-after"]))
        clock.now += delays[-1]
        assert attempt(client, email, "wrong guess 123").status_code == 401
    assert delays[:5] == [1, 2, 4, 8, 16] and delays[-1] == 15 * 60, delays
    assert attempt(browsers("198.51.100.4"), world.emails["reviewer"], world.password).status_code == 303, (
        "another account is not affected")


def test_spraying_many_accounts_from_one_address_is_limited(world, browsers, clock, sqlite_engine) -> None:
    """Issue 15 item 9: 15 different e-mails from one address all got 401, with no limit."""
    sprayer = browsers("203.0.113.66")
    statuses = [attempt(sprayer, f"victim{n}@example.org", "Summer2024!!").status_code for n in range(15)]
    assert statuses == [401] * 10 + [429] * 5
    elsewhere = browsers("203.0.113.67")
    assert attempt(elsewhere, "victim14@example.org", "Summer2024!!").status_code == 401, "per address"
    failed = audit_actions(sqlite_engine, "user.login_failed")
    assert len(failed) == 11 and failed[0].after == {"email": "victim0@example.org", "address": "203.0.113.66",
                                                      "known_device": False}
    lockouts = audit_actions(sqlite_engine, "user.login_lockout")
    assert lockouts and lockouts[0].after["limit"] == "address" and lockouts[0].after["key"] == "203.0.113.66"


def test_limits_are_shared_by_server_processes(settings, sqlite_engine, world, browsers) -> None:
    one, other = create_app(settings), create_app(settings)
    first, second = browsers(target=one), browsers(target=other)
    for _ in range(5):
        assert attempt(first, world.emails["admin"], "wrong guess 123").status_code == 401
    assert attempt(second, world.emails["admin"], world.password).status_code == 429


def test_forwarded_for_is_honoured_only_from_trusted_proxies(settings, sqlite_engine, world, browsers) -> None:
    untrusted = browsers("203.0.113.80")
    statuses = [attempt(untrusted, f"v{n}@example.org", "wrong guess 123",
                        **{"X-Forwarded-For": f"198.51.100.{n}"}).status_code for n in range(12)]
    assert 429 in statuses, "a spoofed X-Forwarded-For does not escape the address limit"
    proxied = create_app(settings.model_copy(update={"trusted_proxies": ["127.0.0.0/8"]}))
    proxy = browsers("127.0.0.1", target=proxied)
    for n in range(12):
        # each client behind the proxy has its own address; what a client claims left of it is ignored
        response = attempt(proxy, f"w{n}@example.org", "wrong guess 123",
                           **{"X-Forwarded-For": f"6.6.6.6, 198.51.100.{n % 2 + n}, 127.0.0.2"})
        assert response.status_code == 401
    with Session(sqlite_engine) as session:
        addresses = {e.after["address"] for e in session.scalars(
            select(AuditLog).where(AuditLog.action == "user.login_failed", AuditLog.object_id.like("w%")))}
    assert "6.6.6.6" not in addresses and "198.51.100.0" in addresses and "127.0.0.1" not in addresses


def test_session_from_before_deactivation_does_not_come_back(world, login_as, csrf, sqlite_engine) -> None:
    """Issue 15 item 11: deactivate → reactivate made the old session cookie valid again."""
    reviewer, admin = login_as("reviewer"), login_as("admin")
    assert reviewer.get("/queue").status_code == 200
    with Session(sqlite_engine) as session:
        reviewer_id = session.scalar(select(User.id).where(User.email == world.emails["reviewer"]))
    for _ in range(2):  # deactivate, then reactivate
        assert admin.post(f"/admin/users/{reviewer_id}/active",
                          data={"csrf_token": csrf(admin, "/admin/users")}).status_code == 303
    assert reviewer.get("/queue").status_code == 303


def test_logout_holds_on_every_server_process(settings, sqlite_engine, world, browsers, csrf) -> None:
    one, other = create_app(settings), create_app(settings)
    first = browsers(target=one)
    assert attempt(first, world.emails["reviewer"], world.password).status_code == 303
    cookie = first.cookies["markwatch_session"]
    replay = browsers(target=other)
    replay.cookies.set("markwatch_session", cookie)
    assert replay.get("/queue").status_code == 200
    assert first.post("/logout", data={"csrf_token": csrf(first, "/queue")}).status_code == 303
    assert replay.get("/queue").status_code == 303, "logged out on one process means logged out on all"


def test_password_change_ends_other_sessions(world, login_as, sqlite_engine) -> None:
    from shared_db.repo.users import set_password

    reviewer = login_as("reviewer")
    with Session(sqlite_engine) as session, session.begin():
        user = session.scalar(select(User).where(User.email == world.emails["reviewer"]))
        set_password(user, "a brand new passphrase 9", session=session)
    assert reviewer.get("/queue").status_code == 303
