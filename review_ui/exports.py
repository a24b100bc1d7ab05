"""Cases (confirmed hits per seller and marketplace) and their exports: CSV, JSON, ZIP (JSON with the
screenshots), takedown, authority.

Every one of them is an enforcement document, so each cites only hits on verified marks: a mark a rights
holder registered is a claim until a reviewer or admin has checked its registration.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from review_ui.deps import Scope
from review_ui.people import person_name
from shared_db.models import Decision, Hit, HitStatus, Mark, MarkVerification
from shared_db.repo.marks import mark_snapshot, verified_mark_ids
from shared_db.settings import Settings

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = ("case", "hit_id", "marketplace", "seller_id", "seller_name", "mark", "listing_id", "listing_url",
               "listing_title", "price", "currency", "score", "evidence_sha256", "status", "decided_at",
               "screenshot_sha256")


def seller_key():  # type: ignore[no-untyped-def]
    return func.coalesce(Hit.seller_id, Hit.seller_name, "")


def enforceable(query: Select[Any]) -> Select[Any]:
    """Limit a query over ``Hit`` to the hits on verified marks."""
    return query.where(Hit.mark_id.in_(verified_mark_ids()))


@dataclass
class CaseSummary:
    marketplace: str
    seller: str
    hits: int
    first_seen: datetime
    last_seen: datetime


def list_cases(scope: Scope, *, session: Session, limit: int = 500) -> list[CaseSummary]:
    """Confirmed hits grouped per (marketplace, seller), largest first."""
    key = seller_key()
    query = enforceable(scope.hits(
        select(Hit.marketplace, key, func.count(Hit.id), func.min(Hit.first_seen_at), func.max(Hit.last_seen_at))
        .where(Hit.status == HitStatus.CONFIRMED.value)
    )).group_by(Hit.marketplace, key).order_by(func.count(Hit.id).desc(), Hit.marketplace, key).limit(limit)
    return [CaseSummary(m, s, n, f, last) for m, s, n, f, last in session.execute(query)]


def case_hits(scope: Scope, *, session: Session, marketplace: str | None = None,
              seller: str | None = None) -> list[Hit]:
    """The confirmed hits of one case (or of every case in scope when both are None)."""
    query = enforceable(scope.hits(select(Hit).where(Hit.status == HitStatus.CONFIRMED.value)))
    if marketplace is not None:
        query = query.where(Hit.marketplace == marketplace)
    if seller is not None:
        query = query.where(seller_key() == seller)
    query = query.options(selectinload(Hit.mark), selectinload(Hit.decisions).selectinload(Decision.reviewer))
    return list(session.scalars(query.order_by(Hit.marketplace, Hit.seller_id, Hit.id)))


def case_id(hit: Hit) -> str:
    return f"{hit.marketplace}/{hit.seller_id or hit.seller_name or ''}"


def neutralise(value: Any) -> str:
    """A CSV cell that spreadsheets will not run as a formula (prefix with ')."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _decided_at(hit: Hit) -> str:
    live = [d for d in hit.decisions if d.undone_at is None]  # an undone decision decided nothing
    return live[-1].created_at.isoformat() if live else ""


def hits_csv(hits: list[Hit]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for hit in hits:
        row = (case_id(hit), hit.id, hit.marketplace, hit.seller_id, hit.seller_name, hit.mark.text,
               hit.listing_id, hit.listing_url, hit.listing_title, hit.price, hit.currency,
               round(hit.score, 2), hit.evidence_sha256, hit.status, _decided_at(hit), hit.screenshot_sha256)
        writer.writerow([neutralise(v) for v in row])
    return out.getvalue()


def screenshot_citation(hit: Hit) -> str:
    """How a notice cites the hit's screenshot: its SHA-256 and capture time, or why there is none."""
    if hit.screenshot_sha256:
        when = f" (captured {hit.screenshot_at.strftime('%Y-%m-%d %H:%M UTC')})" if hit.screenshot_at else ""
        return hit.screenshot_sha256 + when
    return f"not captured ({hit.screenshot_error})" if hit.screenshot_error else "not captured"


def screenshot_json(hit: Hit) -> dict[str, Any]:
    at = hit.screenshot_at
    if at is not None and at.tzinfo is None:
        at = at.replace(tzinfo=UTC)  # SQLite hands stored UTC times back without their zone
    return {"sha256": hit.screenshot_sha256, "error": hit.screenshot_error,
            "captured_at": at.isoformat() if at else None}


def decision_json(decision: Decision, scope: Scope) -> dict[str, Any]:
    return {"verdict": decision.verdict, "reason": decision.reason, "hit_version": decision.hit_version,
            "reviewer": person_name(scope, decision.reviewer), "at": decision.created_at.isoformat(),
            "undone_at": decision.undone_at.isoformat() if decision.undone_at else None}


def hit_json(hit: Hit, scope: Scope) -> dict[str, Any]:
    return {
        "case": case_id(hit), "hit_id": hit.id, "mark_id": hit.mark_id, "mark": hit.mark.text,
        "listing": {"listing_id": hit.listing_id, "marketplace": hit.marketplace, "url": hit.listing_url,
                    "title": hit.listing_title, "price": None if hit.price is None else str(hit.price),
                    "currency": hit.currency, "seller_id": hit.seller_id, "seller_name": hit.seller_name},
        "evidence_sha256": hit.evidence_sha256, "screenshot": screenshot_json(hit), "score": hit.score, "probability": hit.probability,
        "reasons": list(hit.reasons), "status": hit.status,
        "first_seen_at": hit.first_seen_at.isoformat(), "last_seen_at": hit.last_seen_at.isoformat(),
        "decisions": [decision_json(d, scope) for d in hit.decisions],
    }


def authority_export(scope: Scope, *, session: Session, generated_at: datetime) -> dict[str, Any]:
    """Marks with registrations, confirmed and escalated listings, evidence hashes and decisions."""
    marks_query = scope.marks(select(Mark).where(Mark.verification == MarkVerification.VERIFIED.value))
    marks = list(session.scalars(marks_query.order_by(Mark.id).options(selectinload(Mark.owner))))
    hits_query = enforceable(scope.hits(select(Hit).where(Hit.status.in_((HitStatus.CONFIRMED.value,
                                                                          HitStatus.ESCALATED.value)))))
    hits = list(session.scalars(hits_query.options(selectinload(Hit.mark), selectinload(Hit.decisions)
                                                   .selectinload(Decision.reviewer)).order_by(Hit.id)))
    return {
        "format": "markwatch-authority-export/1", "generated_at": generated_at.isoformat(),
        "marks": [{"id": m.id, "owner": m.owner.name, **mark_snapshot(m),
                   "registrations": [{"office": m.office, "registration_number": m.registration_number,
                                      "application_number": m.application_number,
                                      "jurisdictions": list(m.jurisdictions), "classes": list(m.classes)}]}
                  for m in marks],
        "cases": [hit_json(h, scope) for h in hits],
        "evidence_sha256": sorted({h.evidence_sha256 for h in hits if h.evidence_sha256}),
        "screenshot_sha256": sorted({h.screenshot_sha256 for h in hits if h.screenshot_sha256}),
    }


def case_bundle(hits: list[Hit], scope: Scope, *, store: Any) -> bytes:
    """A ZIP of ``cases.json`` and each hit's screenshot as ``screenshots/<sha256>.png`` (those in the store)."""
    import json
    import zipfile

    from shared_db.evidence import EvidenceNotFound

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("cases.json", json.dumps({"cases": [hit_json(h, scope) for h in hits]},
                                                  ensure_ascii=False, indent=2))
        for sha in sorted({h.screenshot_sha256 for h in hits if h.screenshot_sha256}):
            try:
                archive.writestr(f"screenshots/{sha}.png", store.get(sha), compress_type=zipfile.ZIP_STORED)
            except EvidenceNotFound:
                continue  # removed by housekeeping: the JSON still cites the hash
    return buffer.getvalue()


def render_takedown(marketplace: str, hits: list[Hit], *, sender: str | None = None, generated_at: datetime,
                    settings: Settings | None = None) -> str:
    """Draft notices for ``hits`` of one marketplace: one per rights holder, never mixing two, from the
    marketplace's template (see :mod:`review_ui.notices`). ``sender`` is unused (the agent comes from the settings)."""
    from review_ui.notices import notice_config, notice_for, render_text

    config = notice_config(marketplace)
    by_owner: dict[int, list[Hit]] = {}
    for hit in hits:
        by_owner.setdefault(hit.mark.org_id, []).append(hit)
    texts = [render_text(notice_for(owner_hits[0].mark.owner, owner_hits, case_id=0, marketplace=marketplace,
                                    template=config.template, settings=settings, generated_at=generated_at))
             for _, owner_hits in sorted(by_owner.items())]
    return "\f\n".join(texts)
