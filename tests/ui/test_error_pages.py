"""Every HTML route answers errors as an HTML page in the user's language; the API answers JSON."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from review_ui.app import create_app
from review_ui.deps import Viewer
from review_ui.routes.common import web_router
from tests.ui.conftest import csrf_of, login

SECRET = "db password is hunter2"  # in the failing route's exception: must never reach the page


def failing_app(settings) -> FastAPI:  # type: ignore[no-untyped-def]
    """The real app plus one web route and one API route that raise."""
    app = create_app(settings)
    router = web_router()

    @router.get("/boom")
    def boom(scope: Viewer) -> None:
        raise RuntimeError(SECRET)

    @app.get("/api/v1/boom")
    def api_boom() -> None:
        raise RuntimeError(SECRET)

    app.include_router(router)
    return app


@pytest.fixture
def client(settings, sqlite_engine, world) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(failing_app(settings), follow_redirects=False, raise_server_exceptions=False) as test_client:
        login(test_client, world.emails["reviewer"])
        yield test_client


def html_page(response, status: int) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == status, (response.request.url, response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("text/html"), (response.request.url, response.text[:300])
    text = response.text
    assert text.lstrip().startswith("<!doctype html>") and '{"detail"' not in text
    assert "Traceback" not in text and SECRET not in text
    return text


def test_each_kind_of_error_is_an_html_page(client, world) -> None:
    token = csrf_of(client, "/queue")
    assert "Some values in this request are not valid" in html_page(client.get("/cases/view"), 422)
    assert "marketplace" in html_page(client.get("/cases/view"), 422)
    html_page(client.get("/hits/abc"), 422)
    assert "No such hit." in html_page(client.get("/hits/999999"), 404)
    assert "There is no page at this address." in html_page(client.get("/no/such/page"), 404)
    html_page(client.get("/static/nope.css"), 404)
    assert "does not accept" in html_page(client.post("/queue", data={"csrf_token": token}), 405)
    assert "reviewer" in html_page(client.get("/admin/users"), 403)
    assert "security token" in html_page(client.post(f"/hits/{world.hits_a[0]}/claim"), 403)
    page = html_page(client.get("/boom"), 500)
    assert "Something went wrong" in page
    assert client.get("/boom").headers["content-security-policy"].startswith("default-src 'self'")


def test_error_pages_speak_the_users_language(client) -> None:
    client.post("/account/locale", data={"locale": "zh_Hans", "csrf_token": csrf_of(client, "/queue")})
    assert "此地址没有页面" in html_page(client.get("/no/such/page"), 404)
    assert "请求中有些值无效" in html_page(client.get("/cases/view"), 422)
    assert "出错了" in html_page(client.get("/boom"), 500)
    assert "您的角色" in html_page(client.get("/admin/users"), 403)


def test_anonymous_visitors_get_html_errors_too(settings, sqlite_engine) -> None:
    with TestClient(failing_app(settings), follow_redirects=False, raise_server_exceptions=False) as anonymous:
        html_page(anonymous.get("/no/such/page"), 404)
        assert anonymous.post("/login", data={"email": "x"}).status_code == 403  # no CSRF token: a page, not text
        html_page(anonymous.post("/login", data={"email": "x"}), 403)


def test_the_api_answers_json(client, settings, world) -> None:
    from sqlalchemy.orm import Session

    from shared_db.db import make_engine
    from shared_db.models import User
    from shared_db.repo.users import issue_api_token

    engine = make_engine(settings.resolved_database_url)
    with Session(engine) as session, session.begin():
        holder = session.query(User).filter(User.email == world.emails["holder_a"]).one()
        headers = {"Authorization": f"Bearer {issue_api_token(holder, session=session)}"}
    engine.dispose()
    cases = [
        (client.get("/api/v1/hits/abc", headers=headers), 422),
        (client.get("/api/v1/no/such/thing", headers=headers), 404),
        (client.get("/api/v1/hits"), 401),
        (client.post(f"/api/v1/hits/{world.hits_a[0]}/decision", json={"verdict": "confirmed",
                                                                        "expected_version": 1}, headers=headers), 403),
        (client.put("/api/v1/hits", headers=headers), 405),
        (client.get("/api/v1/boom"), 500),
    ]
    for response, status in cases:
        assert response.status_code == status, (response.request.url, response.status_code)
        assert response.headers["content-type"] == "application/json", response.request.url
        assert "detail" in response.json() and SECRET not in response.text
