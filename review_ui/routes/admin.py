"""Admin pages: organisations, users (create, activate, API tokens) and the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from review_ui import queries
from review_ui.deps import Admin, Db, UserId
from review_ui.params import OptionalDbId, Text
from review_ui.routes.common import render, web_router
from review_ui.templating import flash, t, tr
from shared_db.messages import translate
from shared_db.models import Organisation, Role, User
from shared_db.passwords import WeakPasswordError
from shared_db.repo import audit
from shared_db.repo.orgs import get_or_create_org, list_orgs
from shared_db.repo.users import UserExistsError, create_user, issue_api_token, set_active

router = web_router()


def _users_page(request: Request, db: Db, status_code: int = 200, **extra: object) -> Response:
    users = list(db.scalars(select(User).order_by(User.email)))
    orgs = list_orgs(session=db)
    return render(request, "admin_users.html", {"users": users, "orgs": orgs, "roles": [r.value for r in Role],
                                                "error": None, "token": None, **extra}, status_code=status_code)


@router.get("/admin/users")
def users(request: Request, db: Db, scope: Admin) -> Response:
    return _users_page(request, db)


@router.post("/admin/users")
def add_user(request: Request, db: Db, scope: Admin, email: Annotated[str, Form(max_length=320)],
             password: Annotated[str, Form(max_length=1024)], role: Annotated[str, Form(max_length=20)],
             org: Annotated[str, Form(max_length=200)] = "",
             locale: Annotated[str, Form(max_length=10)] = "en") -> Response:
    try:
        user = create_user(email, password, role, session=db, org_name=org or None, locale=locale)
    except (ValueError, UserExistsError, WeakPasswordError) as exc:
        return _users_page(request, db, status_code=422, error=translate(str(exc), tr(request)))
    audit.record("user.create", session=db, actor_id=scope.user.id, object_type="user", object_id=user.id,
                 after={"email": user.email, "role": user.role, "org_id": user.org_id})
    flash(request, t(request, "User created."))
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{user_id}/active")
def toggle_active(request: Request, user_id: UserId, db: Db, scope: Admin) -> Response:
    user = db.get(User, user_id)
    if user is None or user.id == scope.user.id:
        return _users_page(request, db, status_code=422, error=t(request, "You cannot deactivate this user."))
    set_active(user, not user.is_active, session=db)
    audit.record("user.active", session=db, actor_id=scope.user.id, object_type="user", object_id=user.id,
                 after={"is_active": user.is_active})
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{user_id}/token")
def new_token(request: Request, user_id: UserId, db: Db, scope: Admin) -> Response:
    user = db.get(User, user_id)
    if user is None:
        return _users_page(request, db, status_code=404, error=t(request, "No such user."))
    token = issue_api_token(user, session=db)
    audit.record("user.token", session=db, actor_id=scope.user.id, object_type="user", object_id=user.id)
    return _users_page(request, db, token={"email": user.email, "value": token})


@router.get("/admin/orgs")
def orgs(request: Request, db: Db, scope: Admin) -> Response:
    return render(request, "admin_orgs.html", {"orgs": list_orgs(session=db), "error": None})


@router.post("/admin/orgs")
def add_org(request: Request, db: Db, scope: Admin, name: Annotated[str, Form(max_length=200)],
            contact_email: Annotated[str, Form(max_length=320)] = "") -> Response:
    if not name.strip() or db.scalar(select(Organisation).where(Organisation.name == name.strip())):
        return render(request, "admin_orgs.html", {"orgs": list_orgs(session=db),
                                                   "error": t(request, "Give a new, non-empty name.")},
                      status_code=422)
    org = get_or_create_org(name, session=db)
    org.contact_email = contact_email.strip() or None
    audit.record("org.create", session=db, actor_id=scope.user.id, object_type="organisation", object_id=org.id,
                 after={"name": org.name})
    return RedirectResponse("/admin/orgs", status_code=303)


@router.get("/admin/audit")
def audit_log(request: Request, db: Db, scope: Admin, action: Annotated[Text, Query()] = None,
              before: Annotated[OptionalDbId, Query()] = None) -> Response:
    entries = queries.audit_page(session=db, action=action, before_id=before)
    older = entries[-1][0].id if len(entries) == 100 else None
    return render(request, "audit.html", {"entries": entries, "action": action or "", "older": older})
