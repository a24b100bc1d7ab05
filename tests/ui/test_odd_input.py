"""Odd numbers and empty values on the HTML routes: a 422 page (or the value treated as absent), never a 500."""

from __future__ import annotations

BIG = "99999999999999999999"  # past 2**63 - 1: SQLite and PostgreSQL cannot bind it


def test_out_of_range_numbers_are_a_422_page(world, login_as, csrf) -> None:
    reviewer, admin = (login_as(role, errors_as_responses=True) for role in ("reviewer", "admin"))
    hit = world.hits_a[0]
    token = csrf(reviewer, "/queue")
    requests = [
        (reviewer, "GET", f"/queue?mark_id={BIG}", None),
        (reviewer, "GET", "/queue?mark_id=0", None),
        (reviewer, "GET", "/queue?min_score=nan", None),
        (reviewer, "GET", "/queue?max_score=1e400", None),
        (reviewer, "GET", "/queue?after=" + "9" * 65, None),
        (admin, "GET", f"/admin/audit?before={BIG}", None),
        (reviewer, "GET", f"/search?page={BIG}", None),
        (reviewer, "GET", "/search?q=x&price_min=1e400", None),
        (reviewer, "GET", f"/hits/{hit}/images/{BIG}", None),
        (reviewer, "GET", f"/hits/{BIG}", None),
        (reviewer, "POST", "/queue/bulk", {"verdict": "dismissed", "sel": f"{BIG}:1", "csrf_token": token}),
        (reviewer, "POST", "/queue/bulk", {"verdict": "dismissed", "sel": f"{hit}:{BIG}", "csrf_token": token}),
        (reviewer, "POST", f"/hits/{hit}/decide", {"verdict": "dismissed", "version": BIG, "csrf_token": token}),
        (reviewer, "POST", "/report", {"url": "https://93.184.216.34/x", "mark_id": BIG, "csrf_token": token}),
    ]
    failures = []
    for client, method, path, data in requests:
        response = client.request(method, path, data=data)
        if response.status_code != 422 or not response.headers.get("content-type", "").startswith("text/html"):
            failures.append(f"{method} {path} {data or ''}: {response.status_code} {response.headers.get('content-type')}")
    assert not failures, "\n".join(failures)


def test_empty_optional_parameters_are_absent(world, login_as) -> None:
    reviewer, admin = (login_as(role, errors_as_responses=True) for role in ("reviewer", "admin"))
    for path in ("/queue?after=", "/queue?mark_id=&min_score=&max_score=&marketplace=&seller=&model=&status=",
                 "/search?q=acme&page=&price_min=&price_max=&date_from=&date_to=", "/admin/audit?before=&action="):
        client = admin if path.startswith("/admin") else reviewer
        response = client.get(path)
        assert response.status_code == 200, f"{path}: {response.status_code}"
    assert "Listing 5 " in reviewer.get("/queue?after=&mark_id=").text
    # A stale or mangled page cursor starts again from the first page.
    assert reviewer.get("/queue?after=1:" + BIG).headers["location"] == "/queue"
