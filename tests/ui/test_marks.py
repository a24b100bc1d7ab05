"""Rights-holder portal: register and edit marks, bulk import with the per-row report, upload limit."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared_db.models import AuditLog, Mark, Organisation


def test_rights_holder_registers_a_mark_for_their_own_org(world, login_as, csrf, sqlite_engine) -> None:
    holder = login_as("holder_a")
    token = csrf(holder, "/marks/new")
    response = holder.post("/marks/new", data={
        "csrf_token": token, "text": "ACME PRO", "owner": "Brandx Ltd", "aliases": "Acmepro\nAcme-Pro",
        "transliterations": "艾克米", "classes": "25, 18", "reference_price": "120.50", "currency": "usd",
        "authorised_sellers": "acme-official"})
    assert response.status_code == 303
    with Session(sqlite_engine) as session:
        mark = session.scalar(select(Mark).where(Mark.text == "ACME PRO"))
        assert session.get(Organisation, mark.org_id).name == "Acme Corp", "owner field is ignored for holders"
        assert mark.aliases == ["Acmepro", "Acme-Pro"] and mark.classes == [18, 25] and mark.currency == "USD"
        assert mark.transliterations == ["艾克米"]
        assert session.scalar(select(AuditLog.action).where(AuditLog.object_id == str(mark.id))) == "mark.create"
    assert "ACME PRO" in holder.get("/marks").text
    assert "ACME PRO" not in login_as("holder_b").get("/marks").text


def test_invalid_mark_form_shows_errors_and_keeps_input(world, login_as, csrf) -> None:
    holder = login_as("holder_a")
    response = holder.post("/marks/new", data={"csrf_token": csrf(holder, "/marks/new"), "text": "BAD",
                                               "classes": "99", "currency": "dollars"})
    assert response.status_code == 422
    assert "Nice classes run from 1 to 45" in response.text and "ISO 4217" in response.text
    assert 'value="BAD"' in response.text


def test_edit_mark(world, login_as, csrf, sqlite_engine) -> None:
    holder = login_as("holder_a")
    response = holder.post(f"/marks/{world.mark_a}/edit", data={
        "csrf_token": csrf(holder, "/marks"), "aliases": "ACM3", "classes": "25", "reference_price": "99"})
    assert response.status_code == 303
    with Session(sqlite_engine) as session:
        mark = session.get(Mark, world.mark_a)
        assert mark.aliases == ["ACM3"] and str(mark.reference_price) == "99.00" and mark.text == "ACME"
    assert "ACM3" in holder.get(f"/marks/{world.mark_a}/edit").text


def test_bulk_csv_import_reports_rejected_rows(world, login_as, csrf, sqlite_engine) -> None:
    holder = login_as("holder_a")
    data = (b"mark,owner,aliases,classes,jurisdictions,registration_number,office,reference_price,currency,"
            b"authorised_sellers\n"
            b"ROADSTAR,,Road Star,12,US,123,USPTO,50,USD,\n"
            b",,Nameless,25,,,,,,\n"
            b"SKYLINE,,,99,,,,,,\n")
    response = holder.post("/marks/import", data={"csrf_token": csrf(holder, "/marks/import"), "fmt": "csv"},
                           files={"file": ("marks.csv", data, "text/csv")})
    assert response.status_code == 200, response.text
    assert "Imported: 1" in response.text and "Rejected: 2" in response.text
    with Session(sqlite_engine) as session:
        mark = session.scalar(select(Mark).where(Mark.text == "ROADSTAR"))
        assert session.get(Organisation, mark.org_id).name == "Acme Corp"


def test_upload_limit(settings, sqlite_engine, world, csrf) -> None:
    from fastapi.testclient import TestClient

    from review_ui.app import create_app

    app = create_app(settings.model_copy(update={"max_upload_bytes": 1000}))
    with TestClient(app, follow_redirects=False) as client:
        token = csrf(client)
        client.post("/login", data={"email": world.emails["holder_a"], "password": world.password,
                                    "csrf_token": token})
        big = b"mark\n" + b"A" * 5000 + b"\n"
        response = client.post("/marks/import", data={"csrf_token": csrf(client, "/marks/import"), "fmt": "csv"},
                               files={"file": ("big.csv", big, "text/csv")})
        assert response.status_code == 413 and "larger than 1000 bytes" in response.text
