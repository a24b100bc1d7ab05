"""Housekeeping: evidence retention, stale review claims, the listings index behind its alias, and the
marks' stored distinctiveness.

Evidence retention follows ``settings.evidence_retention_days`` but never removes the snapshot, screenshot and
listing images a confirmed or escalated hit, or a hit cited by a takedown case, points at (the case file needs
them), nor, by default, those of a hit still waiting for review, nor a reported URL's screenshot, nor any mark's
reference photo.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, or_, select
from sqlalchemy.orm import Session

from shared_db.models import CaseListing, Hit, HitStatus, MarkReferenceImage, SuspectReport
from shared_db.settings import Settings

#: Hit statuses whose evidence is kept whatever its age.
PROTECTED_STATUSES = frozenset({HitStatus.CONFIRMED.value, HitStatus.ESCALATED.value})


@dataclass
class EvidenceReport:
    """What one evidence-retention pass found and did."""

    scanned: int = 0
    deleted: int = 0
    kept_recent: int = 0
    kept_protected: int = 0
    unreadable: list[str] = field(default_factory=list)
    dry_run: bool = False


@dataclass
class ReindexReport:
    """Whether the listings index was rebuilt behind its alias, and why."""

    index: str | None
    reindexed: bool = False
    drift: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)


def protected_evidence(*, session: Session, keep_undecided: bool = True) -> set[str]:
    """Evidence hashes that must survive retention: the snapshots, screenshots and images of protected hits and
    of every hit a takedown case cites, reported URLs' screenshots, and reference photos."""
    statuses = set(PROTECTED_STATUSES)
    if keep_undecided:
        statuses.add(HitStatus.NEW.value)
    kept = or_(Hit.status.in_(statuses), Hit.id.in_(select(CaseListing.hit_id)))
    protected: set[str] = set()
    for page, screenshot, images in session.execute(
            select(Hit.evidence_sha256, Hit.screenshot_sha256, Hit.features["image_sha256"]).where(kept)):
        protected.update(sha for sha in (page, screenshot, *(images or [])) if isinstance(sha, str))
    protected.update(session.scalars(
        select(SuspectReport.screenshot_sha256).where(SuspectReport.screenshot_sha256.is_not(None))))
    protected.update(session.scalars(select(MarkReferenceImage.sha256)))
    return protected


def prune_evidence(*, settings: Settings, engine: Engine, now: datetime | None = None,
                   keep_undecided: bool = True, dry_run: bool = False) -> EvidenceReport:
    """Delete evidence captured more than ``evidence_retention_days`` ago that no protected hit uses.

    The protected set is read before the scan, so a hit confirmed during the scan keeps at worst an
    evidence file that was already past retention and unprotected when the pass started.
    """
    from shared_db.evidence import EvidenceNotFound, EvidenceStore

    store = EvidenceStore(settings.resolved_evidence_dir)
    cutoff = (now or datetime.now(UTC)) - timedelta(days=settings.evidence_retention_days)
    with Session(engine) as session:
        protected = protected_evidence(session=session, keep_undecided=keep_undecided)
    report = EvidenceReport(dry_run=dry_run)
    for sha in list(store.iter_hashes()):
        report.scanned += 1
        try:
            captured = _parse_moment(store.meta(sha).get("captured_at"))
        except (EvidenceNotFound, ValueError, TypeError):
            report.unreadable.append(sha)
            continue
        if sha in protected:
            report.kept_protected += 1
        elif captured >= cutoff:
            report.kept_recent += 1
        else:
            if not dry_run:
                store.delete(sha)
            report.deleted += 1
    return report


def release_stale_claims(*, settings: Settings, engine: Engine, now: datetime | None = None) -> int:
    """Release review claims older than ``settings.claim_ttl_minutes``; returns how many."""
    from shared_db.repo.hits import release_stale_claims as release

    older_than = (now or datetime.now(UTC)) - timedelta(minutes=settings.claim_ttl_minutes)
    with Session(engine) as session, session.begin():
        return release(session=session, older_than=older_than)


def purge_login_counters(*, engine: Engine, now: datetime | None = None) -> int:
    """Delete failed-login counters quiet for more than a day (they no longer slow anyone down)."""
    from shared_db.repo.login_throttle import purge

    cutoff = (now or datetime.now(UTC)) - timedelta(days=1)
    with Session(engine) as session, session.begin():
        return purge(session=session, older_than=cutoff.timestamp())


def mapping_drift(live: dict[str, Any], wanted: dict[str, Any], prefix: str = "") -> list[str]:
    """Fields of ``wanted`` (mapping properties) missing from ``live`` or mapped with another type."""
    drift = []
    for name, spec in wanted.items():
        path = f"{prefix}{name}"
        have = live.get(name)
        if have is None:
            drift.append(f"{path}: missing")
            continue
        if spec.get("type", "object") != have.get("type", "object"):
            drift.append(f"{path}: {have.get('type', 'object')} -> {spec.get('type', 'object')}")
        for key in ("properties", "fields"):
            if key in spec:
                drift.extend(mapping_drift(have.get(key, {}), spec[key], f"{path}."))
    return drift


def reindex_listings(*, settings: Settings, force: bool = False, keep_previous: int = 1) -> ReindexReport:
    """Rebuild the listings index behind its alias when its mapping drifted from the code (or ``force``).

    The template is refreshed first so the new versioned index gets the current mapping; the alias
    switches atomically, then listings written to the old index during the copy are copied again.
    Older versions beyond ``keep_previous`` are dropped.
    """
    from shared_db.es.client import make_client, require_available
    from shared_db.es.listings import MAPPINGS, ListingsIndex

    client = make_client(settings)
    require_available(client)
    index = ListingsIndex(client, settings)
    current = index.ensure()
    live = client.indices.get_mapping(index=current)[current]["mappings"].get("properties", {})
    report = ReindexReport(index=current, drift=mapping_drift(live, MAPPINGS["properties"]))
    if report.drift or force:
        started = datetime.now(UTC) - timedelta(minutes=1)
        report.index = index.rollover_reindex()
        report.reindexed = True
        # Listings a crawl wrote to the old index while the copy ran: copy them again (same ids).
        index.copy(current, report.index, query={"range": {"indexed_at": {"gte": started.isoformat()}}})
    report.dropped = _drop_old_versions(index, report.index, keep_previous)
    return report


def _drop_old_versions(index: Any, current: str, keep_previous: int) -> list[str]:
    """Delete versions older than the ``keep_previous`` before ``current``, each by name (8.x refuses wildcards)."""
    versions = sorted((int(name.rsplit("-v", 1)[1]), name) for name in index.versions() if name != current)
    doomed = [name for _, name in versions[:max(len(versions) - keep_previous, 0)]]
    for name in doomed:
        index.client.indices.delete(index=name)
    return doomed


def _parse_moment(value: Any) -> datetime:
    moment = datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def reassess_marks(*, engine: Engine) -> int:
    """Store the distinctiveness of marks not yet assessed, or whose assessment the rules now change."""
    from shared_db.repo.distinctiveness import refresh_distinctiveness

    with Session(engine) as session, session.begin():
        return refresh_distinctiveness(session=session)
