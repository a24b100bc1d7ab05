"""Rights-holder portal: register and edit marks, bulk import with the per-row report, upload limit."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
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


def _mark(engine, text: str) -> Mark:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return session.scalar(select(Mark).where(Mark.text == text))


def test_the_edit_form_edits_every_field_an_import_sets(world, login_as, csrf, sqlite_engine) -> None:
    holder = login_as("holder_a")
    page = holder.get(f"/marks/{world.mark_a}/edit").text
    for name in ("registration_number", "application_number", "office", "jurisdictions", "categories", "status"):
        assert f'name="{name}"' in page, name
    response = holder.post(f"/marks/{world.mark_a}/edit", data={
        "csrf_token": csrf(holder, "/marks"), "registration_number": "US-555", "application_number": "A-9",
        "office": "USPTO", "jurisdictions": "US, CA", "categories": "bags", "reference_price": "",
        "currency": ""})
    assert response.status_code == 303
    mark = _mark(sqlite_engine, "ACME")
    assert (mark.registration_number, mark.application_number, mark.office) == ("US-555", "A-9", "USPTO")
    assert (mark.jurisdictions, mark.categories) == (["US", "CA"], ["bags"])
    assert (mark.reference_price, mark.currency) == (None, None), "an emptied field is cleared"
    assert 'value="US-555"' in holder.get(f"/marks/{world.mark_a}/edit").text


def test_an_owners_new_mark_shows_it_awaits_verification(world, login_as, csrf, sqlite_engine) -> None:
    holder = login_as("holder_a")
    response = holder.post("/marks/new", data={"csrf_token": csrf(holder, "/marks/new"), "text": "CANON",
                                               "registration_number": "FAKE-1", "office": "JPO"})
    assert response.status_code == 303
    mark = _mark(sqlite_engine, "CANON")
    assert mark.verification == "pending"
    assert "pending verification: not yet used for detection" in holder.get(f"/marks/{mark.id}/edit").text.lower()
    assert "pending verification" in holder.get("/marks").text.lower()


def test_weight_is_not_on_the_owners_form_and_is_refused_from_it(world, login_as, csrf, sqlite_engine) -> None:
    holder = login_as("holder_a")
    assert 'name="weight"' not in holder.get(f"/marks/{world.mark_a}/edit").text
    response = holder.post(f"/marks/{world.mark_a}/edit", data={"csrf_token": csrf(holder, "/marks"), "weight": "10"})
    assert response.status_code == 403 and "reviewers or admins" in response.text
    assert _mark(sqlite_engine, "ACME").weight == 1.0
    admin = login_as("admin")
    assert 'name="weight"' in admin.get(f"/marks/{world.mark_a}/edit").text
    assert admin.post(f"/marks/{world.mark_a}/edit", data={"csrf_token": csrf(admin, "/marks"),
                                                             "weight": "2"}).status_code == 303
    assert _mark(sqlite_engine, "ACME").weight == 2.0


@pytest.mark.parametrize(("field", "value"), [
    ("reference_price", "1e30"), ("reference_price", "12345678901234567890"),
    ("aliases", "\n".join(f"a{n}" for n in range(20_000))), ("aliases", "x" * 201), ("office", "o" * 21),
])
def test_out_of_bounds_form_values_are_form_errors(world, login_as, csrf, field: str, value: str) -> None:
    holder = login_as("holder_a")
    edited = holder.post(f"/marks/{world.mark_a}/edit", data={"csrf_token": csrf(holder, "/marks"), field: value})
    assert edited.status_code == 422 and field in edited.text
    created = holder.post("/marks/new", data={"csrf_token": csrf(holder, "/marks/new"), "text": "NEW", field: value})
    assert created.status_code == 422 and field in created.text


def test_reviewer_verifies_a_pending_mark_from_the_verification_view(world, login_as, csrf, sqlite_engine) -> None:
    holder = login_as("holder_a")
    holder.post("/marks/new", data={"csrf_token": csrf(holder, "/marks/new"), "text": "CANON",
                                    "registration_number": "JP-4011", "office": "JPO"})
    mark = _mark(sqlite_engine, "CANON")
    reviewer = login_as("reviewer")
    pending = reviewer.get("/marks/pending").text
    assert "CANON" in pending and "JP-4011" in pending and "JPO" in pending and "Acme Corp" in pending
    assert "BRANDX" not in pending, "verified marks are not listed"
    review = reviewer.get(f"/marks/{mark.id}/review").text
    assert "JP-4011" in review and "JPO" in review
    token = csrf(reviewer, f"/marks/{mark.id}/review")
    assert reviewer.post(f"/marks/{mark.id}/verify", data={"csrf_token": token, "status": "rejected",
                                                             "note": "not the JPO holder"}).status_code == 303
    assert _mark(sqlite_engine, "CANON").verification == "rejected"
    assert "not the jpo holder" in holder.get(f"/marks/{mark.id}/edit").text.lower()
    assert reviewer.post(f"/marks/{mark.id}/verify", data={"csrf_token": token, "status": "verified"}
                         ).status_code == 303
    assert reviewer.post(f"/marks/{mark.id}/weight", data={"csrf_token": token, "weight": "1.5"}).status_code == 303
    mark = _mark(sqlite_engine, "CANON")
    assert (mark.verification, mark.weight) == ("verified", 1.5)
    with Session(sqlite_engine) as session:
        actions = session.scalars(select(AuditLog.action).where(AuditLog.object_id == str(mark.id))
                                  .order_by(AuditLog.id)).all()
    assert actions == ["mark.create", "mark.reject", "mark.verify", "mark.update"]
    assert "CANON" not in reviewer.get("/marks/pending").text


def test_hits_of_a_pending_mark_are_in_no_enforcement_document(world, login_as, csrf, add_hits,
                                                              sqlite_engine) -> None:
    from shared_db.repo.hits import decide

    holder = login_as("holder_a")
    holder.post("/marks/new", data={"csrf_token": csrf(holder, "/marks/new"), "text": "CANON"})
    mark = _mark(sqlite_engine, "CANON")
    [hit] = add_hits(mark.id, [1], listing_title="canon camera", seller_id="shady", seller_name="Shady")
    with Session(sqlite_engine) as session, session.begin():
        decide(hit, "confirmed", session=session, reviewer_id=None, expected_version=1)
    reviewer = login_as("reviewer")
    documents = ["/cases", "/cases/export.csv", "/cases/export.json", "/exports/authority.json",
                 "/cases/takedown?marketplace=demo&seller=shady"]
    for path in documents:
        assert "canon" not in reviewer.get(path).text.lower(), path
    token = csrf(reviewer, "/marks/pending")
    reviewer.post(f"/marks/{mark.id}/verify", data={"csrf_token": token, "status": "verified"})
    assert "canon" in reviewer.get("/cases/export.json").text.lower()
    assert "canon" in reviewer.get("/exports/authority.json").text.lower()


def test_bulk_import_by_an_owner_keeps_what_the_file_does_not_name(world, login_as, csrf, sqlite_engine) -> None:
    holder = login_as("holder_a")
    upload = {"csrf_token": csrf(holder, "/marks/import"), "fmt": "csv"}
    full = b"mark,aliases,registration_number,office,reference_price,currency\nWALKMAN,Walk Man,4242,JPO,199,JPY\n"
    holder.post("/marks/import", data=upload, files={"file": ("m.csv", full, "text/csv")})
    response = holder.post("/marks/import", data=upload, files={"file": ("m.csv", b"mark,classes\nWALKMAN,9\n",
                                                                          "text/csv")})
    assert "Updated: 1" in response.text
    mark = _mark(sqlite_engine, "WALKMAN")
    assert (mark.aliases, mark.registration_number, mark.office, mark.classes) == (["Walk Man"], "4242", "JPO", [9])
    assert mark.verification == "pending"
    refused = holder.post("/marks/import", data=upload, files={"file": ("m.csv", b"mark,weight\nWALKMAN,10\n",
                                                                         "text/csv")})
    assert refused.status_code == 422 and "reviewers or admins" in refused.text
    assert _mark(sqlite_engine, "WALKMAN").weight == 1.0


class _FormValues(HTMLParser):
    """The values a browser would post from the page's #mark-form (inputs and textareas)."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._inside = False
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form":
            self._inside = found.get("id") == "mark-form"
        elif self._inside and tag == "input" and found.get("name"):
            self.values[str(found["name"])] = found.get("value") or ""
        elif self._inside and tag == "textarea":
            self._textarea = str(found["name"])
            self.values[self._textarea] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._inside = False

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea] += data


def test_saving_the_edit_form_unchanged_keeps_every_value_and_the_verification(world, login_as, sqlite_engine) -> None:
    from shared_db.repo.marks import update_mark
    from shared_db.schemas import MarkUpdate

    with Session(sqlite_engine) as session, session.begin():
        update_mark(session.get(Mark, world.mark_a), MarkUpdate(
            aliases=["Acme, Inc.", "ACM"], authorised_sellers=["Acme Store, Berlin"], classes=[25, 18],
            jurisdictions=["US", "EU"], registration_number="R-1", office="USPTO", categories=["bags"]),
            session=session, actor_id=None)
    before = _mark(sqlite_engine, "ACME")
    holder = login_as("holder_a")
    parser = _FormValues()
    parser.feed(holder.get(f"/marks/{world.mark_a}/edit").text)
    assert "weight" not in parser.values and parser.values["registration_number"] == "R-1"
    assert holder.post(f"/marks/{world.mark_a}/edit", data=parser.values).status_code == 303
    after = _mark(sqlite_engine, "ACME")
    for name in ("aliases", "authorised_sellers", "classes", "jurisdictions", "registration_number", "office",
                 "categories", "reference_price", "currency", "status", "verification"):
        assert getattr(after, name) == getattr(before, name), name
    assert after.verification == "verified"
