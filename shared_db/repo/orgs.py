"""Organisations (rights holders)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared_db.models import Organisation


def get_or_create_org(name: str, *, session: Session) -> Organisation:
    """The organisation called ``name``, created when missing."""
    name = name.strip()
    if not name:
        raise ValueError("an organisation needs a non-empty name")
    org = session.scalar(select(Organisation).where(Organisation.name == name))
    if org is None:
        org = Organisation(name=name)
        session.add(org)
        session.flush()
    return org


def list_orgs(*, session: Session) -> list[Organisation]:
    return list(session.scalars(select(Organisation).order_by(Organisation.name)))
