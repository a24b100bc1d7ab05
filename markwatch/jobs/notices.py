"""Notices: open a case per rights holder × marketplace (× mark) over the confirmed hits in no case yet, write
each notice as text and PDF, and deliver it to the marketplace's report endpoint when its profile has one.

Delivery goes through the same safety rules as the crawler (:func:`crawlers.safety.blocked_reason`); a
marketplace without an endpoint gets the notice by its IP contact (``ip_contact``), which is recorded as sent
to when a person sends it (``markwatch cases sent``, or the case page).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from shared_db.settings import Settings


class DeliveryFailed(RuntimeError):
    """The marketplace's report endpoint refused or could not be reached; the case stays a draft."""


@dataclass
class NoticesReport:
    cases: list[int] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    delivered: dict[int, str] = field(default_factory=dict)
    failed: dict[int, str] = field(default_factory=dict)


def deliver(target: str, payload: dict[str, Any], *, settings: Settings) -> None:
    """POST the notice to ``target`` (no redirects followed), refusing addresses the crawler may not reach."""
    import httpx

    from markwatch.jobs.safe_http import blocked, public_client

    reason = blocked(target, settings.allowed_private_hosts)
    if reason is not None:
        raise DeliveryFailed(f"refused {target}: {reason}")
    try:
        with public_client(settings.allowed_private_hosts, timeout=settings.crawl_timeout_seconds,
                           user_agent=settings.user_agent) as client:
            response = client.post(target, json=payload)
    except httpx.HTTPError as exc:
        raise DeliveryFailed(f"{target}: {type(exc).__name__}: {exc}") from exc
    if response.status_code >= 300:
        raise DeliveryFailed(f"{target} answered HTTP {response.status_code}")


def generate_notices(*, settings: Settings, engine: Engine, out_dir: Path | None = None, actor_id: int | None = None,
                     send: bool = False, org_id: int | None = None) -> NoticesReport:
    """Open cases over the uncased confirmed hits, write their notices (``out_dir``), deliver them when ``send``."""
    from review_ui.notices import build_notice, notice_config, notice_sha256, render_text
    from shared_db.repo.cases import get_case, open_cases, record_sent, uncased_confirmed_hits

    report = NoticesReport()
    with Session(engine) as session, session.begin():
        hits = uncased_confirmed_hits(session=session, org_id=org_id)
        cases = open_cases(hits, session=session, per_mark=lambda m: notice_config(m).per_mark,
                           template=lambda m: notice_config(m).template, created_by=actor_id)
        for opened in cases:
            case = get_case(opened.id, session=session, org_id=None)
            assert case is not None
            notice = build_notice(case, settings=settings, generated_at=datetime.now(UTC))
            text = render_text(notice)
            report.cases.append(case.id)
            if out_dir is not None:
                report.files += write_notice(notice, text, out_dir=out_dir, settings=settings)
            if not send:
                continue
            config = notice_config(case.marketplace)
            target = config.submit_target(notice.listings[0].url if notice.listings else None)
            if target is None:
                continue
            try:
                deliver(target, {"reference": notice.reference, "rights_holder": notice.rights_holder,
                                 "urls": [x.url for x in notice.listings], "text": text}, settings=settings)
            except DeliveryFailed as exc:
                report.failed[case.id] = str(exc)
                continue
            record_sent(case, session=session, sent_to=target, sent_by=actor_id, notice_sha256=notice_sha256(text))
            report.delivered[case.id] = target
    return report


def write_notice(notice: Any, text: str, *, out_dir: Path, settings: Settings) -> list[str]:
    """Write ``notice`` as ``<reference>-<marketplace>.txt`` (``text``) and ``.pdf``; returns the two paths."""
    from review_ui.notice_pdf import evidence_screenshots, render_pdf

    out_dir.mkdir(parents=True, exist_ok=True)
    base = out_dir / f"{notice.reference}-{_slug(notice.marketplace)}"
    base.with_suffix(".txt").write_text(text, encoding="utf-8")
    base.with_suffix(".pdf").write_bytes(render_pdf(notice, screenshots=evidence_screenshots(settings)))
    return [str(base.with_suffix(".txt")), str(base.with_suffix(".pdf"))]


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-") or "marketplace"


@dataclass
class FollowUpReport:
    case_id: int
    reference: str
    listings: int
    files: list[str] = field(default_factory=list)
    sent_to: str | None = None


def send_followup(case_id: int, *, settings: Settings, engine: Engine, out_dir: Path | None = None,
                  sent_to: str | None = None, send: bool = False, actor_id: int | None = None) -> FollowUpReport:
    """The case's follow-up notice for its listings still online: written to ``out_dir``, delivered to the
    marketplace's endpoint (``send``) or recorded as sent to ``sent_to``; neither leaves it unsent.

    Raises :class:`~shared_db.repo.cases.CaseError` (no such case, not sent, closed, nothing online) or
    :class:`DeliveryFailed`; nothing is recorded then.
    """
    from review_ui.notices import build_followup, notice_config, notice_sha256, render_text
    from shared_db.messages import enforcement as why
    from shared_db.repo.cases import CaseError, get_case, record_followup

    with Session(engine) as session, session.begin():
        case = get_case(case_id, session=session, org_id=None)
        if case is None:
            raise CaseError(why.NO_CASE(case=case_id))
        notice = build_followup(case, settings=settings, generated_at=datetime.now(UTC))
        text = render_text(notice)
        report = FollowUpReport(case.id, notice.reference, len(notice.listings))
        if out_dir is not None:
            report.files = write_notice(notice, text, out_dir=out_dir, settings=settings)
        if send:
            target = notice_config(case.marketplace).submit_target(notice.listings[0].url)
            if target is None:
                raise DeliveryFailed(f"{case.marketplace} has no report endpoint; send the notice by its IP "
                                     "contact and record it with --to")
            deliver(target, {"reference": notice.reference, "rights_holder": notice.rights_holder,
                             "follow_up_of": notice.follow_up.first_reference if notice.follow_up else None,
                             "urls": [x.url for x in notice.listings], "text": text}, settings=settings)
            sent_to = target
        if sent_to:
            record_followup(case, session=session, sent_to=sent_to, sent_by=actor_id,
                            notice_sha256=notice_sha256(text))
            report.sent_to = sent_to
    return report
