"""Login, logout, session cookies, fixation, rate limiting and CSRF."""

from __future__ import annotations

from fastapi.testclient import TestClient

from review_ui.app import create_app


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


def test_login_rate_limit_per_ip_and_email(settings, sqlite_engine, world, csrf) -> None:
    app = create_app(settings.model_copy(update={"login_rate_limit": 3}))
    with TestClient(app, follow_redirects=False) as limited:
        token = csrf(limited)
        for _ in range(3):
            response = limited.post("/login", data={"email": world.emails["admin"], "password": "wrong guess 123",
                                                    "csrf_token": token})
            assert response.status_code == 401
        blocked = limited.post("/login", data={"email": world.emails["admin"], "password": world.password,
                                               "csrf_token": token})
        assert blocked.status_code == 429, "even the right password waits once the limit is reached"
        other = limited.post("/login", data={"email": world.emails["reviewer"], "password": world.password,
                                             "csrf_token": token})
        assert other.status_code == 303, "the limit is per (IP, e-mail)"


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
