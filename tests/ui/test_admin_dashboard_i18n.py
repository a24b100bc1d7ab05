"""Dashboard charts, admin pages and audit log, and the per-user interface language."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from review_ui.babel_extract import missing
from review_ui.i18n import LOCALES
from shared_db.models import User
from shared_db.repo.hits import decide


def test_dashboard_draws_svg_charts_from_scoped_data(world, login_as, sqlite_engine) -> None:
    with Session(sqlite_engine) as session, session.begin():
        reviewer_id = session.scalar(select(User.id).where(User.email == world.emails["reviewer"]))
        decide(world.hits_a[0], "confirmed", session=session, reviewer_id=reviewer_id, expected_version=1)
        decide(world.hits_a[1], "dismissed", session=session, reviewer_id=reviewer_id, expected_version=1)
        decide(world.hits_b[0], "confirmed", session=session, reviewer_id=reviewer_id, expected_version=1)
    page = login_as("admin").get("/dashboard").text
    assert page.count("<svg") == 5 and "<script" not in page.split("</head>")[1]
    assert ">67%<" in page, "precision: 2 confirmed of 3 decided"
    assert "reviewer@example.org" in page and ">11<" in page  # 11 hits on the demo marketplace
    holder = login_as("holder_b").get("/dashboard").text
    assert ">100%<" in holder and ">5<" in holder  # B: 1 of 1 decided confirmed; 5 hits in total


def test_admin_creates_users_and_orgs_and_sees_the_audit_log(world, login_as, csrf) -> None:
    admin = login_as("admin")
    token = csrf(admin, "/admin/users")
    weak = admin.post("/admin/users", data={"email": "x@example.org", "password": "short", "role": "reviewer",
                                            "csrf_token": token})
    assert weak.status_code == 422 and "at least 12 characters" in weak.text
    common = admin.post("/admin/users", data={"email": "x@example.org", "password": "password1234",
                                              "role": "reviewer", "csrf_token": token})
    assert common.status_code == 422 and "too easy to guess" in common.text
    no_org = admin.post("/admin/users", data={"email": "rh@example.org", "password": "a fine long pass 7",
                                              "role": "rights_holder", "csrf_token": token})
    assert no_org.status_code == 422
    ok = admin.post("/admin/users", data={"email": "rh@example.org", "password": "a fine long pass 7",
                                          "role": "rights_holder", "org": "Newco", "locale": "zh_Hans",
                                          "csrf_token": token})
    assert ok.status_code == 303
    assert admin.post("/admin/orgs", data={"name": "Otherco", "csrf_token": token}).status_code == 303
    assert "Otherco" in admin.get("/admin/orgs").text
    issued = admin.post("/admin/users/1/token", data={"csrf_token": token})
    assert 'id="api-token">mw_' in issued.text
    admin.get("/cases/export.csv")
    log = admin.get("/admin/audit").text
    for action in ("user.create", "org.create", "user.token", "export.csv", "user.login"):
        assert action in log
    assert admin.get("/admin/audit?action=export.csv").text.count('class="audit-row"') == 1


def test_every_message_is_translated() -> None:
    """Every msgid of the templates, the UI's Python and shared_db.messages has a translation (see
    review_ui.babel_extract); the failure lists exactly the msgids to add to the catalogue."""
    absent = {locale: missing(locale) for locale in LOCALES if locale != "en"}
    listing = "\n".join(f"  {locale}: msgid {msgid!r}" for locale, ids in absent.items() for msgid in ids)
    assert not listing, f"{sum(map(len, absent.values()))} msgids lack a translation:\n{listing}"


def test_interface_language_is_chosen_per_user(world, login_as, csrf, sqlite_engine) -> None:
    reviewer = login_as("reviewer")
    assert "Queue" in reviewer.get("/queue").text
    reviewer.post("/account/locale", data={"locale": "zh_Hans", "next": "/queue", "csrf_token": csrf(reviewer, "/queue")})
    page = reviewer.get("/queue").text
    assert "审核队列" in page and "最不确定优先" in page and 'lang="zh-Hans"' in page
    with Session(sqlite_engine) as session:
        assert session.scalar(select(User.locale).where(User.email == world.emails["reviewer"])) == "zh_Hans"
    assert "Queue" in login_as("authority").get("/queue").text, "other users keep their own language"
