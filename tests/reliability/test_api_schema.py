"""schemathesis against the review UI's OpenAPI spec, as an authenticated user: no 500s, responses
match the schema. Runs once with a reviewer's token and once with a rights holder's."""

from __future__ import annotations

from decimal import Decimal

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy.orm import Session

from review_ui.app import create_app
from shared_db.repo.hits import HitCandidate, upsert_hit
from shared_db.repo.marks import upsert_mark
from shared_db.repo.users import create_user, issue_api_token
from shared_db.schemas import MarkCreate

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(params=["reviewer", "rights_holder"])
def api_user(request: pytest.FixtureRequest, sqlite_engine) -> str:  # type: ignore[no-untyped-def]
    with Session(sqlite_engine) as session, session.begin():
        mark, _ = upsert_mark(MarkCreate(text="SONY", owner="Sony", reference_price=Decimal("99"), currency="USD"),
                              session=session)
        for n in range(5):
            upsert_hit(HitCandidate(listing_id=f"m:{n}", mark_id=mark.id, marketplace="m", listing_title=f"s0ny {n}",
                                    score=85, kind="leet", priority=n, probability=0.4 + n / 10), session=session)
        user = create_user(f"{request.param}@api.test", "api-test-password-1", request.param, session=session,
                           org_name="Sony" if request.param == "rights_holder" else None)
        return issue_api_token(user, session=session)


def test_api_conforms_to_its_schema(settings, api_user: str) -> None:  # type: ignore[no-untyped-def]
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(settings))
    headers = {"Authorization": f"Bearer {api_user}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8

    for operation in operations:
        @given(case=operation.as_strategy())
        @hypothesis_settings(max_examples=25, deadline=None, database=None,
                             suppress_health_check=list(HealthCheck))
        def check(case) -> None:  # type: ignore[no-untyped-def]
            case.call_and_validate(headers=headers, checks=CHECKS)

        check()
