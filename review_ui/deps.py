"""Request dependencies: the database session, the current user and the one scoping rule."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Annotated, Any

import anyio
from fastapi import Depends, Path, Query, Request
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from review_ui.i18n import normalise_locale
from review_ui.params import MAX_ID as MAX_ID  # noqa: F401 - still importable from here
from review_ui.params import DbId, OptionalDbId
from shared_db.models import DECIDING_ROLES, Hit, Mark, Role, SuspectReport, User, Verdict
from shared_db.repo.users import user_for_token

HitId = Annotated[DbId, Path()]
MarkId = Annotated[DbId, Path()]
ImageId = Annotated[DbId, Path()]
UserId = Annotated[DbId, Path()]
OptionalId = Annotated[OptionalDbId, Query()]

# Which roles may do what (README, "Roles"). Rights holders are further limited to their organisation by Scope.
PERMISSIONS: dict[str, frozenset[Role]] = {
    "view": frozenset(Role),
    "escalate": DECIDING_ROLES | {Role.AUTHORITY},
    "decide": DECIDING_ROLES,  # confirm, dismiss and claim hits: the verdicts that become training labels
    "edit_marks": frozenset({Role.ADMIN, Role.RIGHTS_HOLDER}),
    # Verify rights holders' marks and set priority weights (shared_db.repo.marks.check_curated).
    "curate_marks": frozenset({Role.ADMIN, Role.REVIEWER}),
    "admin": frozenset({Role.ADMIN}),
    # open enforcement cases, generate their notices and record them as sent (rights holders: their own)
    "enforce": frozenset({Role.ADMIN, Role.REVIEWER, Role.RIGHTS_HOLDER}),
    # who may see the e-mail addresses of the staff who decided or claimed a hit
    "see_staff": frozenset({Role.ADMIN, Role.REVIEWER, Role.AUTHORITY}),
}
# The permission each verdict needs.
VERDICT_ACTIONS = {Verdict.CONFIRM.value: "decide", Verdict.DISMISS.value: "decide",
                   Verdict.ESCALATE.value: "escalate"}


class NotAuthenticated(PermissionError):
    """No valid session (web) or bearer token (API); log in first."""


class Forbidden(PermissionError):
    """The user's role does not allow this action."""


async def get_db(request: Request) -> AsyncIterator[Session]:
    """One session per request, committed when the endpoint returns without error.

    Opening a session does no I/O, so it happens on the event loop instead of costing a worker-thread hop;
    ending it does, so that runs in a worker thread, shielded so the connection always goes back to the pool.
    """
    session: Session = request.app.state.session_factory()
    try:
        yield session
    except BaseException:
        await _end(session, commit=False)
        raise
    await _end(session, commit=True)


async def _end(session: Session, *, commit: bool) -> None:
    """Commit (or not) and close, which rolls back whatever was not committed."""

    def end() -> None:
        try:
            if commit:
                session.commit()
        finally:
            session.close()

    with anyio.CancelScope(shield=True):
        await anyio.to_thread.run_sync(end)


Db = Annotated[Session, Depends(get_db, scope="function")]


def _bearer_user(request: Request, db: Session) -> User | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return user_for_token(token.strip(), session=db)


def session_user(request: Request, db: Session) -> User | None:
    """The active user of the session cookie, if the session was not ended since (logout, password, deactivation)."""
    user_id, version = request.session.get("user_id"), request.session.get("ver")
    if not isinstance(user_id, int) or not isinstance(version, int) or not request.session.get("sid"):
        return None
    user = db.get(User, user_id)
    if user is None or not user.is_active or user.session_version != version:
        return None
    return user


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def current_user(request: Request, db: Db) -> User:
    """The logged-in user: bearer token under /api/, the session cookie everywhere else."""
    user = _bearer_user(request, db) if is_api(request) else session_user(request, db)
    if user is None:
        raise NotAuthenticated("log in first" if not is_api(request) else
                               "send a valid API token as 'Authorization: Bearer <token>'")
    request.state.user = user
    request.state.locale = normalise_locale(user.locale)
    if not is_api(request):
        request.session["locale"] = request.state.locale  # so pages outside any route (404) speak it too
    return user


@dataclass(frozen=True)
class Scope:
    """What one user may see. ``org_id`` None means everything (admins, reviewers, authorities)."""

    user: User
    org_id: int | None

    @classmethod
    def for_user(cls, user: User) -> Scope:
        if Role(user.role) is Role.RIGHTS_HOLDER:
            return cls(user=user, org_id=user.org_id if user.org_id is not None else -1)
        return cls(user=user, org_id=None)

    @property
    def role(self) -> Role:
        return Role(self.user.role)

    def can(self, action: str) -> bool:
        return self.role in PERMISSIONS[action]

    @property
    def verdicts(self) -> tuple[str, ...]:
        """The verdicts this user may give (none for rights holders, only escalation for authorities)."""
        return tuple(verdict for verdict, action in VERDICT_ACTIONS.items() if self.can(action))

    @property
    def curator(self) -> bool:
        """Whether this user verifies marks and sets priority weights (the repository enforces it)."""
        return self.can("curate_marks")

    def hits(self, query: Select[Any]) -> Select[Any]:
        """Limit a query over ``Hit`` to the hits on this user's marks."""
        if self.org_id is None:
            return query
        return query.where(Hit.mark_id.in_(select(Mark.id).where(Mark.org_id == self.org_id)))

    def marks(self, query: Select[Any]) -> Select[Any]:
        return query if self.org_id is None else query.where(Mark.org_id == self.org_id)

    def reports(self, query: Select[Any]) -> Select[Any]:
        return query if self.org_id is None else query.where(SuspectReport.org_id == self.org_id)


async def get_scope(user: Annotated[User, Depends(current_user)]) -> Scope:
    """The single scoping dependency every route goes through."""
    return Scope.for_user(user)


def require(action: str) -> Callable[..., Scope]:
    """A dependency giving the user's Scope, or 403 when their role may not do ``action``."""

    # async: pure checks run on the event loop instead of costing a worker-thread hop per request.
    async def dependency(scope: Annotated[Scope, Depends(get_scope)]) -> Scope:
        if not scope.can(action):
            raise Forbidden(f"the {scope.role.value} role may not {action.replace('_', ' ')}")
        return scope

    dependency.__name__ = f"require_{action}"
    return dependency


async def _posted_verdict(request: Request) -> str:
    """The ``verdict`` a triage request carries (a form field, or a JSON body under /api/); '' when none."""
    if is_api(request):
        try:
            body = await request.json()
        except ValueError:
            return ""
        value = body.get("verdict") if isinstance(body, dict) else None
    else:
        value = (await request.form()).get("verdict")
    return value if isinstance(value, str) else ""


async def require_verdict(request: Request, scope: Annotated[Scope, Depends(require("escalate"))]) -> Scope:
    """The user's Scope when their role may give the posted verdict; an unknown verdict needs "decide"."""
    verdict = await _posted_verdict(request)
    if not scope.can(VERDICT_ACTIONS.get(verdict, "decide")):
        allowed = ", ".join(scope.verdicts)
        raise Forbidden(f"the {scope.role.value} role may not give the verdict {verdict!r} (only: {allowed})")
    return scope


Viewer = Annotated[Scope, Depends(require("view"))]
Decider = Annotated[Scope, Depends(require("decide"))]
Triager = Annotated[Scope, Depends(require_verdict)]  # gives the posted verdict: confirm/dismiss or escalate
MarkEditor = Annotated[Scope, Depends(require("edit_marks"))]
Curator = Annotated[Scope, Depends(require("curate_marks"))]
Admin = Annotated[Scope, Depends(require("admin"))]
Enforcer = Annotated[Scope, Depends(require("enforce"))]
