"""Fixtures for the review UI: an app over a real migrated SQLite, seeded users of every role, clients."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from review_ui.app import create_app
from shared_db.models import Hit
from shared_db.repo.hits import HitCandidate, upsert_hit
from shared_db.repo.marks import upsert_mark
from shared_db.repo.users import create_user
from shared_db.schemas import MarkCreate
from shared_db.settings import Settings

PASSWORD = "correct horse battery 42"
ROLES = ("admin", "reviewer", "authority", "holder_a", "holder_b")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
XSS_TITLE = '<script>alert(1)</script>"><img src=x onerror=alert(2)> N1KE sneakers'


@dataclass
class World:
    """Ids of the seeded objects: org A owns mark ACME, org B owns mark BRANDX."""

    emails: dict[str, str] = field(default_factory=dict)
    mark_a: int = 0
    mark_b: int = 0
    hits_a: list[int] = field(default_factory=list)
    hits_b: list[int] = field(default_factory=list)
    xss_hit: int = 0
    password: str = PASSWORD
    xss_title: str = XSS_TITLE


def candidate(mark_id: int, n: int, **extra: object) -> HitCandidate:
    values: dict[str, object] = dict(
        listing_id=f"L{mark_id}-{n}", mark_id=mark_id, marketplace="demo", listing_title=f"Listing {n} acme bag",
        score=80.0 + n, kind="fuzzy", reasons=[f"reason {n}"], seller_id=f"seller{n % 2}",
        seller_name=f"Seller {n % 2}", price=Decimal("10.00"), currency="USD", probability=0.5 + n / 100,
        priority=float(n), listing_url=f"https://demo.example/item/{n}", model_version="m1",
        evidence_sha256="ab" * 32, span_start=10, span_end=14, matched_text="acme")
    values.update(extra)
    return HitCandidate(**values)  # type: ignore[arg-type]


def seed(engine: Engine) -> World:
    world = World()
    with Session(engine) as session, session.begin():
        for role in ROLES:
            db_role = "rights_holder" if role.startswith("holder") else role
            org = {"holder_a": "Acme Corp", "holder_b": "Brandx Ltd"}.get(role)
            user = create_user(f"{role}@example.org", PASSWORD, db_role, session=session, org_name=org)
            world.emails[role] = user.email
        mark_a, _ = upsert_mark(MarkCreate(text="ACME", owner="Acme Corp", reference_price=Decimal("100"),
                                           currency="USD"), session=session)
        mark_b, _ = upsert_mark(MarkCreate(text="BRANDX", owner="Brandx Ltd"), session=session)
        world.mark_a, world.mark_b = mark_a.id, mark_b.id
        for n in range(1, 6):
            upsert_hit(candidate(mark_a.id, n), session=session)
            upsert_hit(candidate(mark_b.id, n, listing_title=f"Listing {n} brandx bag"), session=session)
        upsert_hit(candidate(mark_a.id, 9, listing_title=XSS_TITLE, listing_url="javascript:alert(3)",
                             seller_name='<img src=x onerror=alert(4)>', reasons=["<script>alert(5)</script>"],
                             span_start=len(XSS_TITLE) - 14, span_end=len(XSS_TITLE) - 10), session=session)
        session.flush()
        for hit in session.query(Hit).order_by(Hit.id):
            if hit.listing_title == XSS_TITLE:
                world.xss_hit = hit.id
            elif hit.mark_id == mark_a.id:
                world.hits_a.append(hit.id)
            else:
                world.hits_b.append(hit.id)
    return world


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real argon2id with small cost parameters, so seeding five users per test stays fast."""
    from argon2 import PasswordHasher

    import shared_db.passwords

    monkeypatch.setattr(shared_db.passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def world(sqlite_engine: Engine) -> World:
    return seed(sqlite_engine)


@pytest.fixture
def app(settings: Settings, sqlite_engine: Engine):  # type: ignore[no-untyped-def]
    return create_app(settings)


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client


def csrf_of(client: TestClient, path: str = "/login") -> str:
    """The CSRF token from a page's forms (the session cookie stays in ``client``)."""
    match = CSRF.search(client.get(path).text)
    assert match, f"no CSRF field on {path}"
    return match.group(1)


def login(client: TestClient, email: str, password: str = PASSWORD) -> None:
    token = csrf_of(client)
    response = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
    assert response.status_code == 303, response.text


@pytest.fixture
def csrf():  # type: ignore[no-untyped-def]
    """``csrf(client, path)``: the CSRF token on that page for the client's session."""
    return csrf_of


@pytest.fixture
def login_as(app, world: World):  # type: ignore[no-untyped-def]
    """A factory: a new logged-in client for a seeded role (``errors_as_responses``: a 500 is seen as a status)."""
    clients: list[TestClient] = []

    def make(role: str, *, errors_as_responses: bool = False) -> TestClient:
        test_client = TestClient(app, follow_redirects=False, raise_server_exceptions=not errors_as_responses)
        clients.append(test_client)
        login(test_client, world.emails[role])
        return test_client

    yield make
    for test_client in clients:
        test_client.close()


@pytest.fixture
def add_hits(sqlite_engine: Engine, world: World):  # type: ignore[no-untyped-def]
    """``add_hits(mark_id, ns, **fields)``: upsert extra hits for ``mark_id``; returns their ids."""

    def add(mark_id: int, numbers: range | list[int], **extra: object) -> list[int]:
        with Session(sqlite_engine) as session, session.begin():
            for n in numbers:
                upsert_hit(candidate(mark_id, n, **extra), session=session)
            session.flush()
            ids = [session.query(Hit.id).filter(Hit.listing_id == f"L{mark_id}-{n}", Hit.mark_id == mark_id)
                   .scalar() for n in numbers]
        return ids

    return add


@pytest.fixture
def seeded(engine: Engine) -> tuple[Engine, World]:
    """The same world on SQLite and on PostgreSQL (``engine`` is parametrized over both)."""
    return engine, seed(engine)


@pytest.fixture
def add_reports(sqlite_engine: Engine, world: World):  # type: ignore[no-untyped-def]
    """``add_reports()``: one report of each state by rights holder A, one queued report by B; their ids by state."""
    from sqlalchemy import select

    from shared_db.messages import reports as why
    from shared_db.models import SuspectReport, User

    def add() -> dict[str, int]:
        engine = sqlite_engine
        with Session(engine) as session, session.begin():
            holder_a = session.scalar(select(User).where(User.email == world.emails["holder_a"]))
            holder_b = session.scalar(select(User).where(User.email == world.emails["holder_b"]))
            rows = {
                "hit": SuspectReport(url="https://shop.example/item/1", status="hit", listing_id="L1-1",
                                     hit_id=world.hits_a[0]),
                "no_match": SuspectReport(url="https://shop.example/item/2", status="no_match", listing_id="shop:2"),
                "fetch_failed": SuspectReport(url="https://shop.example/gone", status="fetch_failed",
                                              error=why.FETCH_HTTP(status=404)),
                "refused": SuspectReport(url="https://shop.example/r", status="refused", error=why.REFUSED_UNSAFE()),
                "queued": SuspectReport(url="https://shop.example/new"),
            }
            for row in rows.values():
                row.org_id, row.reported_by = holder_a.org_id, holder_a.id
            rows["b"] = SuspectReport(url="https://other.example/b-only", org_id=holder_b.org_id, reported_by=holder_b.id)
            session.add_all(rows.values())
            session.flush()
            return {key: row.id for key, row in rows.items()}

    return add
