"""User roles: an enum of its own, so the command line lists them without importing SQLAlchemy."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    ADMIN = "admin"
    REVIEWER = "reviewer"
    AUTHORITY = "authority"
    RIGHTS_HOLDER = "rights_holder"
