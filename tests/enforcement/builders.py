"""Cases built directly in the database, for tests of what follows a notice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from shared_db.models import CaseListing, EnforcementCase, Hit
from shared_db.repo.cases import record_check


def removed_case(hit: Hit, *, session: Session, sent_at: datetime) -> EnforcementCase:
    """A case whose notice on ``hit`` was sent at ``sent_at`` and whose re-check found the listing removed."""
    case = EnforcementCase(org_id=hit.mark.org_id, marketplace=hit.marketplace, network=[], status="sent",
                           template="default", notice_sent_at=sent_at, notice_sent_to="ip@x")
    case.listings = [CaseListing(hit_id=hit.id, outcome="pending", checks=0)]
    session.add(case)
    session.flush()
    record_check(case.listings[0], session=session, outcome="removed", http_status=404, note=None)
    return case
