"""Batch detection: listings indexed in a window ``[since, until)`` → matcher → scorer → upserted hits.

``until`` is fixed before the scan: the detection host's clock minus ``detection_skew_seconds``, so a
bulk still in flight (its ``indexed_at`` is stamped before it becomes visible) or a crawler whose clock
lags by less than the skew lands in a later window instead of behind the watermark. ``since`` is the
watermark of the same *slice plan* (``all``, or slice ``k`` of ``n``), so slices run one after another
or side by side never skip each other's listings. Every run is recorded in ``detection_runs``; hits
are committed per batch, so a killed run loses at most one batch, and because hits are upserted per
(listing, mark) a re-run converges without touching a reviewer's decision. Only a run that finishes
moves its plan's watermark, to its ``until``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from itertools import islice
from typing import Any

from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from detection.listing_hosts import FieldMatch, add_field_matches
from detection.marks import MarkSpec
from detection.matcher import Matcher
from detection.scoring import load_scorer
from detection.staydown import es_images, flag_relistings
from shared_db.db import make_engine, session_factory
from shared_db.es.client import make_client, require_available
from shared_db.es.listings import ListingsIndex
from shared_db.models import Hit, HitStatus, Mark, utcnow
from shared_db.repo.backfills import close_covered_backfills, waiting_requests
from shared_db.repo.hits import HitCandidate, staydown_boost_sql, upsert_hits
from shared_db.repo.marks import list_marks
from shared_db.repo.runs import finish_detection_run, last_watermark, start_detection_run
from shared_db.repo.vocabulary import current_vocabulary
from shared_db.settings import Settings


@dataclass
class DetectionSummary:
    """What one detection run did."""

    run_id: int
    status: str
    since: datetime | None
    watermark: datetime | None
    until: datetime | None = None
    slice_plan: str = "all"
    listings_scanned: int = 0
    candidates: int = 0
    hits_created: int = 0
    hits_updated: int = 0
    hits_kept: int = 0
    relistings: int = 0
    model_version: str | None = None
    duration_seconds: float = 0.0


def _utcnow() -> datetime:
    return datetime.now(UTC)


def slice_plan(slice_id: int | None, slices: int | None) -> str:
    """The name a slice plan's watermark is kept under: ``all``, or ``k/n`` for slice k of n."""
    return "all" if not slices or slices <= 1 else f"{slice_id or 0}/{slices}"


def window_end(now: datetime, skew_seconds: float) -> datetime:
    """``until`` of a window: ``now`` minus the skew, in whole milliseconds (Elasticsearch's precision)."""
    end = now - timedelta(seconds=skew_seconds)
    return end.replace(microsecond=end.microsecond // 1000 * 1000)


def _new_watermark(previous: datetime | None, start: datetime | None, until: datetime) -> datetime | None:
    """A window moves the watermark to ``until`` only if it left no gap after the previous watermark."""
    if start is None or (previous is not None and start <= previous):
        return until if previous is None or until > previous else previous
    return previous


def batches(items: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    while batch := list(islice(items, size)):
        yield batch


def listing_context(listing: dict[str, Any]) -> dict[str, Any]:
    """The context a match is judged in, from an Elasticsearch listing document."""
    return {"category": listing.get("category"), "seller": listing.get("seller_id"),
            "seller_name": listing.get("seller_name"), "price": listing.get("price"),
            "currency": listing.get("currency"), "brand": listing.get("brand")}


def add_image_reuse(batch: list[dict[str, Any]], index: ListingsIndex) -> None:
    """Set ``image_other_sellers`` on each listing with images: the most other sellers sharing one of its pHashes."""
    sellers = index.sellers_per_image(h for doc in batch for h in doc.get("image_hashes") or [])
    for doc in batch:
        counts = [sellers.get(h, 0) for h in doc.get("image_hashes") or []]
        if counts:
            doc["image_other_sellers"] = max(0, max(counts) - (1 if doc.get("seller_id") else 0))


def _price(value: Any) -> Decimal | None:
    try:
        return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def run_detection(*, settings: Settings, engine: Engine | None = None, since: datetime | None = None,
                  full: bool = False, slice_id: int | None = None, slices: int | None = None,
                  batch_size: int = 500, score_cutoff: float | None = None,
                  progress: Callable[[int], None] | None = None,
                  clock: Callable[[], datetime] = _utcnow) -> DetectionSummary:
    """Scan the listings indexed in ``[since, until)`` and upsert hits.

    ``since`` defaults to the slice plan's watermark; ``full`` scans every listing, ``until`` included.
    Raises :class:`IndexUnavailable` when Elasticsearch cannot be read (retry later) and
    :class:`IndexRefused` with the server's message when it refuses (credentials, privileges, no
    index); the run is then recorded as failed and the watermark stays where it was.
    """
    engine = engine or make_engine(settings.resolved_database_url)
    sessions = session_factory(engine)
    cutoff = settings.match_threshold if score_cutoff is None else score_cutoff
    plan = slice_plan(slice_id, slices)
    until = window_end(clock(), settings.detection_skew_seconds)
    with sessions.begin() as session:
        previous = last_watermark(session=session, slice_plan=plan)
        start = None if full else (since or previous)
        run_id = start_detection_run(session=session, since=start, until=until, slice_plan=plan).id
        covered = waiting_requests(session=session) if full and plan == "all" else {}  # before the marks
        matcher = Matcher((MarkSpec.from_model(m) for m in list_marks(session=session, active_only=True)),
                          vocabulary=current_vocabulary(session=session)[1])
        scorer = load_scorer(session=session, settings=settings)
    summary = DetectionSummary(run_id=run_id, status="running", since=start, watermark=previous, until=until,
                               slice_plan=plan, model_version=scorer.version)
    began = time.monotonic()
    run_started = utcnow() - timedelta(seconds=1)
    try:
        index = ListingsIndex(make_client(settings), settings)
        require_available(index.client)
        index.refresh()
        listings = index.iterate(since=start, until=None if full else until, slice_id=slice_id, slices=slices)
        for batch in batches(listings, batch_size):
            add_image_reuse(batch, index)
            detect_batch(batch, matcher, scorer, sessions, summary, cutoff)
            if progress is not None:
                progress(len(batch))
        with sessions.begin() as session:  # staydown: re-listings of removed listings go to the top of the queue
            summary.relistings = len(flag_relistings(session=session, images=es_images(index), since=run_started))
    except BaseException as exc:
        with sessions.begin() as session:
            finish_detection_run(run_id, session=session, status="failed", error=f"{type(exc).__name__}: {exc}",
                                 listings_scanned=summary.listings_scanned, hits_created=summary.hits_created,
                                 hits_updated=summary.hits_updated, model_version=summary.model_version)
        raise
    summary.status = "succeeded"
    summary.watermark = _new_watermark(previous, start, until)
    summary.duration_seconds = time.monotonic() - began
    with sessions.begin() as session:
        if covered:  # every mark met every listing: the backfills waiting when the run began are done
            used = {int(mark.id) for mark in matcher.marks}
            close_covered_backfills({k: v for k, v in covered.items() if k in used}, session=session,
                                    listings=summary.listings_scanned)
        finish_detection_run(run_id, session=session, status="succeeded", watermark=summary.watermark,
                             listings_scanned=summary.listings_scanned, hits_created=summary.hits_created,
                             hits_updated=summary.hits_updated, model_version=summary.model_version)
    return summary


def detect_listings(doc_ids: list[str], *, settings: Settings, engine: Engine | None = None,
                    score_cutoff: float | None = None) -> DetectionSummary:
    """Detection over the listing documents ``doc_ids`` only (reported URLs just crawled).

    Recorded as a run of the slice plan ``listings``, whose watermark no window uses.
    """
    engine = engine or make_engine(settings.resolved_database_url)
    sessions = session_factory(engine)
    cutoff = settings.match_threshold if score_cutoff is None else score_cutoff
    with sessions.begin() as session:
        run_id = start_detection_run(session=session, since=None, until=None, slice_plan="listings").id
        matcher = Matcher((MarkSpec.from_model(m) for m in list_marks(session=session, active_only=True)),
                          vocabulary=current_vocabulary(session=session)[1])
        scorer = load_scorer(session=session, settings=settings)
    summary = DetectionSummary(run_id=run_id, status="running", since=None, watermark=None, slice_plan="listings",
                               model_version=scorer.version)
    began = time.monotonic()
    try:
        index = ListingsIndex(make_client(settings), settings)
        require_available(index.client)
        index.refresh()
        docs = [{**doc, "_id": doc_id} for doc_id in dict.fromkeys(doc_ids)
                if (doc := index.get_by_doc_id(doc_id)) is not None]
        if docs:
            add_image_reuse(docs, index)
            detect_batch(docs, matcher, scorer, sessions, summary, cutoff)
    except BaseException as exc:
        with sessions.begin() as session:
            finish_detection_run(run_id, session=session, status="failed", error=f"{type(exc).__name__}: {exc}",
                                 listings_scanned=summary.listings_scanned, model_version=summary.model_version)
        raise
    summary.status = "succeeded"
    summary.duration_seconds = time.monotonic() - began
    with sessions.begin() as session:
        finish_detection_run(run_id, session=session, status="succeeded", listings_scanned=summary.listings_scanned,
                             hits_created=summary.hits_created, hits_updated=summary.hits_updated,
                             model_version=summary.model_version)
    return summary


def detect_batch(batch: list[dict[str, Any]], matcher: Matcher, scorer: Any,
                 sessions: Callable[[], Session], summary: DetectionSummary, cutoff: float) -> None:
    """Match, assess and upsert one batch of listings in its own transaction."""
    results = matcher.match_many([str(doc.get("title") or "") for doc in batch], score_cutoff=cutoff,
                                 contexts=[listing_context(doc) for doc in batch])
    results = add_field_matches(matcher, batch, results, score_cutoff=cutoff)  # seller and shop host names
    pairs = [(doc, match) for doc, matches in zip(batch, results, strict=True) for match in matches]
    marks = {mark.id: mark for mark in matcher.marks}
    candidates = [{"listing": doc, "mark": marks[match.mark_id].as_candidate(), "match": match.as_dict()}
                  for doc, match in pairs]
    assessments = scorer.assess(candidates) if candidates else []
    hits = [
        HitCandidate(
            listing_id=doc["_id"], mark_id=int(match.mark_id), marketplace=str(doc.get("marketplace") or ""),
            listing_title=str(doc.get("title") or ""), score=match.score, kind=match.kind,
            reasons=list(match.reasons), seller_id=doc.get("seller_id"),
            listing_url=doc.get("fetched_url") or doc.get("url"),  # the page fetched, as the evidence shows
            seller_name=doc.get("seller_name"), price=_price(doc.get("price")), currency=doc.get("currency"),
            evidence_sha256=doc.get("evidence_sha256"), matched_text=match.matched_text[:500],
            span_start=_title_span(match)[0], span_end=_title_span(match)[1], probability=assessment.probability,
            priority=assessment.priority, model_version=assessment.model_version,
            explanations=list(assessment.explanations), features=dict(assessment.features),
        )
        for (doc, match), assessment in zip(pairs, assessments, strict=True)
    ]
    with sessions.begin() as session:
        outcome = upsert_hits(hits, session=session)
    summary.listings_scanned += len(batch)
    summary.candidates += len(candidates)
    summary.hits_created += outcome["created"]
    summary.hits_updated += outcome["updated"]
    summary.hits_kept += outcome["kept_decision"]


def _title_span(match: Any) -> tuple[int | None, int | None]:
    """A hit's span in its listing title: none for a match in another field (its span lies in a URL)."""
    return (None, None) if isinstance(match, FieldMatch) else (match.span[0], match.span[1])


def reprioritise(*, session: Session, mark_ids: list[int] | None = None) -> int:
    """Recompute the priority of open hits from their probability and the mark's current weight.

    One set-based UPDATE (no Elasticsearch, no model, no rows loaded): call it after a mark's weight
    changes. Returns how many hits' priority changed.
    """
    weight = select(func.coalesce(Mark.weight, 1.0)).where(Mark.id == Hit.mark_id).scalar_subquery()
    priority = (func.coalesce(Hit.probability, Hit.score / 100.0) * func.coalesce(weight, 1.0)
                + staydown_boost_sql(Hit))  # re-listings on top, repeat infringers next
    query = update(Hit).where(Hit.status == HitStatus.NEW.value, Hit.priority != priority)
    if mark_ids is not None:
        query = query.where(Hit.mark_id.in_(mark_ids))
    changed = session.execute(query.values(priority=priority).execution_options(synchronize_session=False))
    return changed.rowcount
