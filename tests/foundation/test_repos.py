"""Repository behaviour and unique constraints on SQLite and PostgreSQL: orgs, users, marks, runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared_db.models import AuditLog, Mark, Organisation, User
from shared_db.passwords import WeakPasswordError
from shared_db.repo import runs
from shared_db.repo.marks import list_marks, upsert_mark
from shared_db.repo.orgs import get_or_create_org, list_orgs
from shared_db.repo.users import (
    UserExistsError,
    authenticate,
    create_user,
    issue_api_token,
    set_password,
    user_for_token,
)
from shared_db.schemas import MarkCreate

PASSWORD = "correct horse battery"


# --- organisations ---------------------------------------------------------------------------------

def test_get_or_create_org_is_idempotent_and_trims(engine) -> None:
    with Session(engine) as session, session.begin():
        first = get_or_create_org("Acme Ltd", session=session)
        assert get_or_create_org("  Acme Ltd ", session=session).id == first.id
        get_or_create_org("华为技术有限公司", session=session)
        assert [org.name for org in list_orgs(session=session)] == ["Acme Ltd", "华为技术有限公司"]
        with pytest.raises(ValueError, match="non-empty"):
            get_or_create_org("  ", session=session)


def test_organisation_names_are_unique(engine) -> None:
    with pytest.raises(IntegrityError), Session(engine) as session, session.begin():
        session.add_all([Organisation(name="Twin"), Organisation(name="Twin")])
        session.flush()


# --- users -----------------------------------------------------------------------------------------

def test_create_and_authenticate_users(engine) -> None:
    with Session(engine) as session, session.begin():
        user = create_user(" Reviewer@Example.org ", PASSWORD, "reviewer", session=session)
        assert user.email == "reviewer@example.org" and user.password_hash.startswith("$argon2id$")
        holder = create_user("legal@acme.test", PASSWORD, "rights_holder", session=session, org_name="Acme")
        assert holder.organisation.name == "Acme"
    with Session(engine) as session, session.begin():
        assert authenticate("REVIEWER@example.org", PASSWORD, session=session).role == "reviewer"
        assert authenticate("reviewer@example.org", PASSWORD + "!", session=session) is None
        assert authenticate("nobody@example.org", PASSWORD, session=session) is None
        holder = session.scalar(select(User).where(User.email == "legal@acme.test"))
        holder.is_active = False
        assert authenticate("legal@acme.test", PASSWORD, session=session) is None


def test_user_rules(engine) -> None:
    with Session(engine) as session, session.begin():
        create_user("a@example.org", PASSWORD, "admin", session=session)
        with pytest.raises(UserExistsError, match="already exists"):
            create_user("A@example.org", PASSWORD, "reviewer", session=session)
        with pytest.raises(ValueError, match="needs an organisation"):
            create_user("h@example.org", PASSWORD, "rights_holder", session=session)
        with pytest.raises(WeakPasswordError, match="12 characters"):
            create_user("b@example.org", "short", "reviewer", session=session)
        with pytest.raises(WeakPasswordError, match="e-mail"):
            create_user("marianne@example.org", "marianne-2024-xyz", "reviewer", session=session)
        with pytest.raises(ValueError):
            create_user("c@example.org", PASSWORD, "superuser", session=session)
        with pytest.raises(ValueError, match="not an e-mail"):
            create_user("not-an-address", PASSWORD, "reviewer", session=session)
        user = session.scalar(select(User))
        set_password(user, "another long passphrase", session=session)
        assert authenticate("a@example.org", "another long passphrase", session=session) is not None


COMMON_PASSWORDS = ("password1234", "123456789012", "qwertyuiop12", "iloveyou2024", "Password123!")


def test_common_passwords_are_refused_at_creation_and_change(engine) -> None:
    """Issue 15 item 9: password1234, 123456789012 and qwertyuiop12 were accepted."""
    with Session(engine) as session, session.begin():
        for number, common in enumerate(COMMON_PASSWORDS):
            with pytest.raises(WeakPasswordError, match="too easy to guess"):
                create_user(f"u{number}@example.org", common, "reviewer", session=session)
        with pytest.raises(WeakPasswordError, match="too easy to guess"):
            create_user("jane.doe@acme.test", "markwatch2024!", "reviewer", session=session)
        user = create_user("ok@example.org", PASSWORD, "reviewer", session=session)
        for common in COMMON_PASSWORDS:
            with pytest.raises(WeakPasswordError, match="too easy to guess"):
                set_password(user, common, session=session)
        assert authenticate("ok@example.org", PASSWORD, session=session) is not None


def test_generated_demo_passwords_pass_the_policy() -> None:
    import secrets

    from shared_db.passwords import check_policy

    for _ in range(200):  # markwatch demo's passwords
        check_policy(secrets.token_urlsafe(12), email="admin@demo.markwatch.test")


def test_password_change_and_deactivation_end_sessions_and_tokens(engine) -> None:
    from shared_db.repo.users import end_sessions, set_active

    with Session(engine) as session, session.begin():
        user = create_user("v@example.org", PASSWORD, "reviewer", session=session)
        token = issue_api_token(user, session=session)
        versions = [user.session_version]
        set_password(user, "another long passphrase", session=session)
        versions.append(user.session_version)
        set_active(user, False, session=session)
        versions.append(user.session_version)
        set_active(user, True, session=session)  # reactivation starts no session and revives no token
        versions.append(user.session_version)
        assert user_for_token(token, session=session) is None
        end_sessions(user, session=session)
        versions.append(user.session_version)
    assert versions == [1, 2, 3, 3, 4]


def test_login_throttle_counts_atomically_and_forgets(engine) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from shared_db.repo import login_throttle

    key = ("account", "x@example.org")

    def fail_once(now: float) -> int:
        with Session(engine) as session, session.begin():
            return login_throttle.count_failure(key, session=session, now=now, forget_before=now - 100)

    with ThreadPoolExecutor(4) as pool:
        counts = sorted(pool.map(fail_once, [1000.0 + n / 100 for n in range(20)]))
    assert counts == list(range(1, 21)), "concurrent failures are all counted"
    with Session(engine) as session, session.begin():
        login_throttle.block(key, 2000.0, session=session)
        assert login_throttle.blocked_until([key, ("address", "1.2.3.4")], session=session) == 2000.0
        assert login_throttle.blocked_until([("address", "1.2.3.4")], session=session) == 0.0
    assert fail_once(5000.0) == 1, "failures older than the window are forgotten"
    with Session(engine) as session, session.begin():
        assert login_throttle.blocked_until([key], session=session) == 0.0
        assert login_throttle.purge(session=session, older_than=6000.0) == 1
        assert login_throttle.blocked_until([key], session=session) == 0.0


def test_user_emails_are_unique_in_the_database(engine) -> None:
    with pytest.raises(IntegrityError), Session(engine) as session, session.begin():
        session.add_all([User(email="x@example.org", password_hash="h", role="admin"),
                         User(email="x@example.org", password_hash="h", role="admin")])
        session.flush()


def test_api_tokens_are_stored_hashed_and_replaced(engine) -> None:
    with Session(engine) as session, session.begin():
        user = create_user("api@example.org", PASSWORD, "authority", session=session)
        first = issue_api_token(user, session=session)
        assert first.startswith("mw_") and first not in user.api_token_hash
        assert user_for_token(first, session=session).id == user.id
        second = issue_api_token(user, session=session)
        assert user_for_token(first, session=session) is None
        assert user_for_token(second, session=session).id == user.id
        user.is_active = False
        assert user_for_token(second, session=session) is None


# --- marks -----------------------------------------------------------------------------------------

def test_upsert_mark_updates_in_place_and_audits_changes_only(engine) -> None:
    with Session(engine) as session, session.begin():
        mark, created = upsert_mark(MarkCreate(text=" ＮＩＫＥ ", owner="Nike, Inc.", classes=[25, 18, 25],
                                               reference_price=Decimal("120")), session=session)
        assert created and mark.text == "ＮＩＫＥ" and mark.normalised == "nike" and mark.classes == [18, 25]
        again, created = upsert_mark(MarkCreate(text="ＮＩＫＥ", owner="Nike, Inc.", classes=[18, 25],
                                                reference_price=Decimal("120.00")), session=session)
        assert not created and again.id == mark.id
        upsert_mark(MarkCreate(text="ＮＩＫＥ", owner="Nike, Inc.", classes=[25]), session=session)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Mark)) == 1
        # Re-upserting "120" over the stored "120.00" changes nothing, so it is not audited.
        assert session.scalars(select(AuditLog.action).order_by(AuditLog.id)).all() == ["mark.create",
                                                                                       "mark.update"]
        assert session.scalar(select(Mark.classes)) == [25]


def test_same_text_for_two_owners_and_list_scopes(engine) -> None:
    with Session(engine) as session, session.begin():
        mine, _ = upsert_mark(MarkCreate(text="ORBIT", owner="Orbit GmbH"), session=session)
        upsert_mark(MarkCreate(text="ORBIT", owner="Orbit Inc"), session=session)
        upsert_mark(MarkCreate(text="OLD", owner="Orbit GmbH", status="expired"), session=session)
        assert len(list_marks(session=session)) == 3
        assert [m.text for m in list_marks(session=session, org_id=mine.org_id)] == ["ORBIT", "OLD"]
        assert [m.text for m in list_marks(session=session, org_id=mine.org_id, active_only=True)] == ["ORBIT"]


def test_marks_are_unique_per_owner_and_text(engine) -> None:
    with pytest.raises(IntegrityError), Session(engine) as session, session.begin():
        org = get_or_create_org("Dup Ltd", session=session)
        session.add_all([Mark(org_id=org.id, text="DUP"), Mark(org_id=org.id, text="DUP")])
        session.flush()


# --- crawl and detection runs ----------------------------------------------------------------------

def test_crawl_runs_record_counts(engine) -> None:
    with Session(engine) as session, session.begin():
        run = runs.start_crawl_run("demo", session=session)
        runs.finish_crawl_run(run.id, session=session, status="succeeded", pages=3, items=9, indexed=9,
                              drops={"no_price": 1})
        runs.start_crawl_run("other", session=session)
    with Session(engine) as session:
        latest = runs.recent_crawl_runs(session=session)
        assert [r.profile for r in latest] == ["other", "demo"]
        demo = runs.recent_crawl_runs(session=session, profile="demo")[0]
        assert (demo.status, demo.items, demo.drops, demo.finished_at is not None) == ("succeeded", 9,
                                                                                       {"no_price": 1}, True)


def test_a_failed_detection_run_never_advances_the_watermark(engine) -> None:
    t0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    with Session(engine) as session, session.begin():
        assert runs.last_watermark(session=session) is None
        ok = runs.start_detection_run(session=session, since=None)
        runs.finish_detection_run(ok.id, session=session, status="succeeded", watermark=t0, listings_scanned=10)
        failed = runs.start_detection_run(session=session, since=t0)
        runs.finish_detection_run(failed.id, session=session, status="failed", watermark=t0 + timedelta(hours=1),
                                  error="ES went away")
        running = runs.start_detection_run(session=session, since=t0)
        running.watermark = t0 + timedelta(hours=2)
    with Session(engine) as session, session.begin():
        mark = runs.last_watermark(session=session)
        assert mark == t0 and mark.tzinfo is not None
        later = runs.start_detection_run(session=session, since=mark)
        done = runs.finish_detection_run(later.id, session=session, status="succeeded",
                                         watermark=t0 + timedelta(hours=3))
        assert done.duration_seconds is not None and done.duration_seconds >= 0
    with Session(engine) as session:
        assert runs.last_watermark(session=session) == t0 + timedelta(hours=3)
