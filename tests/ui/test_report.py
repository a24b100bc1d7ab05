"""Suspect-URL reports and the reusable URL safety check."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared_db.models import SuspectReport
from shared_db.netsafety import UnsafeURLError, check_public_url

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


def test_host_names_resolving_to_private_addresses_are_rejected() -> None:
    def resolver(host: str) -> list[str]:
        return {"shop.example": ["93.184.216.34"], "sneaky.example": ["93.184.216.34", "10.0.0.5"]}[host]

    assert check_public_url("https://shop.example/item/1", resolver=resolver) == "https://shop.example/item/1"
    with pytest.raises(UnsafeURLError, match="10.0.0.5"):
        check_public_url("https://sneaky.example/item", resolver=resolver)
    with pytest.raises(UnsafeURLError, match="cannot be resolved"):
        check_public_url("https://no-such-host.invalid/")
    assert check_public_url("http://localhost:8000/x", allowed_hosts=["localhost"]) == "http://localhost:8000/x"


def test_report_page_queues_public_urls_and_rejects_internal_ones(settings, sqlite_engine, world, csrf) -> None:
    from fastapi.testclient import TestClient

    from review_ui.app import create_app

    app = create_app(settings.model_copy(update={"allowed_private_hosts": []}))
    with TestClient(app, follow_redirects=False) as client:
        client.post("/login", data={"email": world.emails["holder_a"], "password": world.password,
                                    "csrf_token": csrf(client)})
        token = csrf(client, "/report")
        for url in ("http://127.0.0.1:9200/_cat", "http://localhost/", "http://169.254.169.254/"):
            response = client.post("/report", data={"url": url, "csrf_token": token})
            assert response.status_code == 422 and "only public listings" in response.text
        ok = client.post("/report", data={"url": "https://93.184.216.34/item/7", "note": "<b>fake</b>",
                                          "mark_id": str(world.mark_a), "csrf_token": token})
        assert ok.status_code == 200 and "Queued for crawling" in ok.text
    with Session(sqlite_engine) as session:
        reports = session.scalars(select(SuspectReport)).all()
        assert [(r.url, r.status, r.mark_id) for r in reports] == [("https://93.184.216.34/item/7", "queued",
                                                                     world.mark_a)]
