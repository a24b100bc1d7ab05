"""Suspect-URL reports and the reusable URL safety check."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared_db.models import SuspectReport, User
from shared_db.netsafety import UnsafeURLError, check_public_url
from shared_db.repo.users import issue_api_token

NOT_ALLOWED = "This address is not allowed: markwatch only fetches public web addresses"
BLOCKED = [
    "http://127.0.0.1/x", "http://127.1/x", "http://0x7f000001/", "http://2130706433/", "http://localhost:8000/",
    "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://10.1.2.3/", "http://172.16.0.1/", "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/", "http://0.0.0.0/", "http://240.0.0.1/",
    "http://100.64.0.1/", "http://224.0.0.1/", "file:///etc/passwd", "javascript:alert(1)", "ftp://93.184.216.34/",
    "http:///nohost", "http://93.184.216.34:99999/",
]


@pytest.mark.parametrize("url", BLOCKED)
def test_unsafe_urls_are_rejected(url: str) -> None:
    with pytest.raises(UnsafeURLError):
        check_public_url(url)


def test_host_names_resolving_to_private_addresses_are_rejected_without_saying_where(caplog) -> None:  # type: ignore[no-untyped-def]
    def resolver(host: str) -> list[str]:
        return {"shop.example": ["93.184.216.34"], "sneaky.example": ["93.184.216.34", "10.0.0.5"]}[host]

    assert check_public_url("https://shop.example/item/1", resolver=resolver) == "https://shop.example/item/1"
    with caplog.at_level(logging.INFO, logger="shared_db.netsafety"):
        with pytest.raises(UnsafeURLError) as sneaky:
            check_public_url("https://sneaky.example/item", resolver=resolver)
        with pytest.raises(UnsafeURLError) as unknown:
            check_public_url("https://no-such-host.invalid/")
    # one answer whether the name points inside or nowhere: the message is no DNS oracle
    assert str(sneaky.value) == str(unknown.value) == NOT_ALLOWED
    assert "10.0.0.5" in caplog.text and "no-such-host.invalid" in caplog.text  # the detail is in the server log


def test_the_allow_list_opens_one_port_only() -> None:
    demo = ["127.0.0.1:8800", "localhost:8800"]
    assert check_public_url("http://localhost:8800/x", allowed_hosts=demo) == "http://localhost:8800/x"
    assert check_public_url("http://127.0.0.1:8800/product/1", allowed_hosts=["http://127.0.0.1:8800"])
    for url in ("http://127.0.0.1:9200/_cluster/health", "http://localhost:8000/admin/users",
                "http://127.0.0.1/", "https://127.0.0.1:8800/"):
        with pytest.raises(UnsafeURLError, match="not allowed"):
            check_public_url(url, allowed_hosts=["localhost:8800", "http://127.0.0.1:8800"])


def _report_client(settings, world, csrf, allowed: list[str]):  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from review_ui.app import create_app

    client = TestClient(create_app(settings.model_copy(update={"allowed_private_hosts": allowed})),
                        follow_redirects=False)
    client.post("/login", data={"email": world.emails["holder_a"], "password": world.password,
                                "csrf_token": csrf(client)})
    return client


def _api_headers(sqlite_engine, world) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with Session(sqlite_engine) as session, session.begin():
        user = session.scalars(select(User).where(User.email == world.emails["holder_a"])).one()
        return {"Authorization": f"Bearer {issue_api_token(user, session=session)}"}


def test_report_page_queues_public_urls_and_rejects_internal_ones(settings, sqlite_engine, world, csrf) -> None:
    with _report_client(settings, world, csrf, []) as client:
        token = csrf(client, "/report")
        for url in ("http://127.0.0.1:9200/_cat", "http://localhost/", "http://169.254.169.254/"):
            response = client.post("/report", data={"url": url, "csrf_token": token})
            assert response.status_code == 422 and "This address is not allowed" in response.text
        ok = client.post("/report", data={"url": "https://93.184.216.34/item/7", "note": "<b>fake</b>",
                                          "mark_id": str(world.mark_a), "csrf_token": token})
        assert ok.status_code == 200 and "Queued for crawling" in ok.text
    with Session(sqlite_engine) as session:
        reports = session.scalars(select(SuspectReport)).all()
        assert [(r.url, r.status, r.mark_id) for r in reports] == [("https://93.184.216.34/item/7", "queued",
                                                                     world.mark_a)]


def test_demo_allow_list_refuses_elasticsearch_and_the_ui_port(settings, sqlite_engine, world, csrf) -> None:
    headers = _api_headers(sqlite_engine, world)
    with _report_client(settings, world, csrf, ["127.0.0.1:8800", "localhost:8800"]) as client:
        token = csrf(client, "/report")
        for url in ("http://127.0.0.1:9200/_cluster/health", "http://localhost:8000/admin/users",
                    "http://localhost:9300/"):
            response = client.post("/report", data={"url": url, "csrf_token": token})
            assert response.status_code == 422 and "This address is not allowed" in response.text, url
            api = client.post("/api/v1/reports", json={"url": url}, headers=headers)
            assert api.status_code == 422, url
        ok = client.post("/report", data={"url": "http://127.0.0.1:8800/product/x", "csrf_token": token})
        assert ok.status_code == 200 and "Queued for crawling" in ok.text
    with Session(sqlite_engine) as session:
        assert [r.url for r in session.scalars(select(SuspectReport))] == ["http://127.0.0.1:8800/product/x"]


def test_report_errors_do_not_reveal_what_a_name_resolves_to(settings, sqlite_engine, world, csrf,  # type: ignore[no-untyped-def]
                                                            caplog) -> None:
    headers = _api_headers(sqlite_engine, world)
    with _report_client(settings, world, csrf, []) as client, caplog.at_level(logging.INFO):
        token = csrf(client, "/report")
        page = client.post("/report", data={"url": "http://localhost:9200/", "csrf_token": token})
        api = client.post("/api/v1/reports", json={"url": "http://localhost:9200/"}, headers=headers)
    assert page.status_code == api.status_code == 422
    assert api.json()["detail"] == NOT_ALLOWED
    error = page.text.split('id="report-error">', 1)[1].split("</p>", 1)[0]
    assert "not allowed" in error
    for leak in ("127.0.0.1", "::1", "loopback", "private", "resolve"):
        assert leak not in error and leak not in api.text, leak
    assert "localhost" in caplog.text and "127.0.0.1" in caplog.text
