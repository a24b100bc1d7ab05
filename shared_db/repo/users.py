"""Users, roles and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared_db.messages import forms
from shared_db.models import Role, User, utcnow
from shared_db.passwords import check_policy, hash_password, verify_password
from shared_db.repo.orgs import get_or_create_org


class UserExistsError(ValueError):
    """A user with that e-mail address already exists."""


def create_user(email: str, password: str, role: Role | str, *, session: Session,
                org_name: str | None = None, locale: str = "en") -> User:
    """Create a user after checking the password policy; rights holders need an organisation."""
    email = email.strip().lower()
    role = Role(role)
    if "@" not in email:
        raise ValueError(forms.NOT_AN_EMAIL(email=repr(email)))
    if role is Role.RIGHTS_HOLDER and not org_name:
        raise ValueError(forms.NEEDS_ORGANISATION())
    if session.scalar(select(User).where(User.email == email)) is not None:
        raise UserExistsError(forms.USER_EXISTS(email=email))
    check_policy(password, email=email)
    org_id = get_or_create_org(org_name, session=session).id if org_name else None
    user = User(email=email, password_hash=hash_password(password), role=role.value, org_id=org_id,
                locale=locale)
    session.add(user)
    session.flush()
    return user


def get_user_by_email(email: str, *, session: Session) -> User | None:
    return session.scalar(select(User).where(User.email == email.strip().lower()))


def authenticate(email: str, password: str, *, session: Session) -> User | None:
    """The active user with these credentials, or None. Always spends one hash verification."""
    user = get_user_by_email(email, session=session)
    if user is None or not user.is_active:
        verify_password(_dummy_hash(), password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    user.last_login_at = utcnow()
    return user


def set_password(user: User, password: str, *, session: Session) -> None:
    """Change the password after checking the policy; ends the user's sessions everywhere."""
    check_policy(password, email=user.email)
    user.password_hash = hash_password(password)
    end_sessions(user, session=session)


def set_active(user: User, active: bool, *, session: Session) -> None:
    """Activate or deactivate ``user``; a deactivation ends their sessions and drops their API token, so a
    reactivation brings neither back."""
    if user.is_active and not active:
        end_sessions(user, session=session)
        user.api_token_hash = None
    user.is_active = active
    session.flush()


def end_sessions(user: User, *, session: Session) -> None:
    """End every session of ``user`` in every server process (their cookies carry the old version)."""
    user.session_version = User.session_version + 1
    session.flush()


def issue_api_token(user: User, *, session: Session) -> str:
    """A new API token for ``user`` (only its hash is stored); replaces any previous token."""
    token = "mw_" + secrets.token_urlsafe(32)
    user.api_token_hash = _token_hash(token)
    session.flush()
    return token


def user_for_token(token: str, *, session: Session) -> User | None:
    user = session.scalar(select(User).where(User.api_token_hash == _token_hash(token)))
    return user if user is not None and user.is_active else None


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash to verify against for unknown users, so timing does not reveal which e-mails exist."""
    return hash_password(secrets.token_urlsafe(16))
