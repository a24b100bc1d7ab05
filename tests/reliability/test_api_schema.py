"""schemathesis against the review UI, as an authenticated user: no 500s. The API's responses match its
OpenAPI spec (once with a reviewer's token, once with a rights holder's); the web pages, described by the
same kind of spec built from their routes, answer every generated parameter without a server error and
with HTML error pages (once as an admin, once as a rights holder)."""

from __future__ import annotations

import copy
import inspect
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
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
from shared_db.models import User
from shared_db.repo.hits import HitCandidate, upsert_hit
from shared_db.repo.marks import upsert_mark
from shared_db.repo.users import create_user, issue_api_token
from shared_db.schemas import MarkCreate

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def seed_sony(session: Session, email: str, password: str, role: str) -> User:
    """The mark SONY with five hits, and a user of ``role`` (a rights holder in Sony's organisation)."""
    mark, _ = upsert_mark(MarkCreate(text="SONY", owner="Sony", reference_price=Decimal("99"), currency="USD"),
                          session=session)
    for n in range(5):
        upsert_hit(HitCandidate(listing_id=f"m:{n}", mark_id=mark.id, marketplace="m", listing_title=f"s0ny {n}",
                                score=85, kind="leet", priority=n, probability=0.4 + n / 10), session=session)
    return create_user(email, password, role, session=session, org_name="Sony" if role == "rights_holder" else None)


@pytest.fixture(params=["reviewer", "rights_holder"])
def api_user(request: pytest.FixtureRequest, sqlite_engine) -> str:  # type: ignore[no-untyped-def]
    with Session(sqlite_engine) as session, session.begin():
        user = seed_sony(session, f"{request.param}@api.test", "api-test-password-1", request.param)
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


# The web pages read these forms themselves and validate them with the mark schemas (MarkCreate, MarkUpdate)
# or the upload limits; every other web route declares each parameter, so the schema below lists it.
RAW_FORMS = {("POST", "/marks/new"), ("POST", "/marks/{mark_id}/edit"), ("POST", "/marks/import"),
             ("POST", "/marks/{mark_id}/images")}
# Logging out would end the session the run uses.
NOT_GENERATED = {("POST", "/logout")}


def web_routes(app: FastAPI) -> list[APIRoute]:
    return [r for r in app.routes if isinstance(r, APIRoute) and not r.include_in_schema]


def web_schema(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI description of the web pages, which /openapi.json leaves out."""
    routes = []
    for route in web_routes(app):
        visible = copy.copy(route)
        visible.include_in_schema = True
        routes.append(visible)
    return get_openapi(title="markwatch web pages", version="1", routes=routes)


def _numbers(schema: dict[str, Any], components: dict[str, Any], where: str) -> Iterator[tuple[str, dict]]:
    """Every integer or number in ``schema`` (refs, unions, arrays and object properties followed)."""
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    if schema.get("type") in ("integer", "number"):
        yield where, schema
    for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
        for part in schema.get(key, []):
            yield from _numbers(part, components, where)
    if isinstance(schema.get("items"), dict):
        yield from _numbers(schema["items"], components, f"{where}[]")
    for name, part in schema.get("properties", {}).items():
        yield from _numbers(part, components, f"{where}.{name}")


@pytest.mark.parametrize("which", ["api", "web"])
def test_every_number_a_route_takes_is_bounded(settings, sqlite_engine, which: str) -> None:
    """Route-table check: a new integer or decimal parameter without both bounds fails here, before any 500."""
    app = create_app(settings)
    spec = app.openapi() if which == "api" else web_schema(app)
    components = spec.get("components", {}).get("schemas", {})
    unbounded = []
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            found = [(f"{p['in']} {p['name']}", p["schema"]) for p in operation.get("parameters", [])]
            for media in operation.get("requestBody", {}).get("content", {}).values():
                found.append(("body", media["schema"]))
            for where, schema in found:
                for name, number in _numbers(schema, components, where):
                    if "maximum" not in number or "minimum" not in number:
                        unbounded.append(f"{method.upper()} {path}: {name}")
    assert not unbounded, "unbounded numbers:\n" + "\n".join(unbounded)


def test_web_pages_declare_what_they_read(settings, sqlite_engine) -> None:
    """A web route that reads the query string or form by hand escapes the schema run below: only RAW_FORMS may."""
    readers = set()
    for route in web_routes(create_app(settings)):
        source = inspect.getsource(route.endpoint)
        if any(raw in source for raw in ("request.query_params", "request.form(", "read_upload(")):
            readers |= {(method, route.path) for method in route.methods}
    assert readers == RAW_FORMS


@schemathesis.check
def errors_are_html_pages(ctx, response, case) -> None:  # type: ignore[no-untyped-def]
    """A web page's error (4xx, 5xx) is an HTML page without a traceback, never FastAPI's JSON.

    ``@schemathesis.check`` registers it for every run in the process: the API's own runs
    (tests/ui/test_api.py) answer JSON under /api/ and are left alone.
    """
    if response.status_code >= 400 and not case.path.startswith("/api/"):
        content_type = (response.headers.get("content-type") or [""])[0]
        assert content_type.startswith("text/html"), f"{response.status_code} answered as {content_type!r}"
        assert b"Traceback" not in response.content


@pytest.fixture(params=["admin", "rights_holder"])
def web_session(request: pytest.FixtureRequest, settings, sqlite_engine) -> tuple[FastAPI, dict[str, str]]:
    """The app and the headers of a logged-in browser (session cookie and CSRF token) for one role."""
    with Session(sqlite_engine) as session, session.begin():
        seed_sony(session, f"{request.param}@web.test", "web-test-password-1", request.param)
    app = create_app(settings)
    with TestClient(app) as browser:
        token = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/login").text).group(1)
        browser.post("/login", data={"email": f"{request.param}@web.test", "password": "web-test-password-1",
                                     "csrf_token": token})
        page = browser.get("/queue")
        assert page.status_code == 200, "login failed"
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        cookie = browser.cookies["markwatch_session"]
    return app, {"Cookie": f"markwatch_session={cookie}", "X-CSRF-Token": token}


def test_web_pages_answer_generated_parameters_without_a_server_error(web_session) -> None:  # type: ignore[no-untyped-def]
    """schemathesis over every declared parameter of the web pages: no 500, and errors are HTML pages."""
    app, headers = web_session
    schema = schemathesis.openapi.from_dict(web_schema(app))
    schema.app = app
    operations = [result.ok() for result in schema.get_all_operations()]
    operations = [op for op in operations if (op.method.upper(), op.path) not in NOT_GENERATED]
    assert len(operations) >= 30

    for operation in operations:
        @given(case=operation.as_strategy())
        @hypothesis_settings(max_examples=15, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def check(case) -> None:  # type: ignore[no-untyped-def]
            case.call_and_validate(headers=headers, checks=[not_a_server_error, errors_are_html_pages])

        check()
