"""SQLAlchemy 2 typed models: the relational half of markwatch's stores."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from shared_db.bounds import ELASTICSEARCH_ID_BYTES
from shared_db.roles import Role


def utcnow() -> datetime:
    return datetime.now(UTC)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON, list[str]: JSON, list[int]: JSON}


class HitStatus(enum.StrEnum):
    NEW = "new"
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"
    ESCALATED = "escalated"


class MarkVerification(enum.StrEnum):
    """Whether a reviewer or admin has checked a mark's registration; only verified marks are enforced."""

    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"


class Verdict(enum.StrEnum):
    CONFIRM = "confirmed"
    DISMISS = "dismissed"
    ESCALATE = "escalated"


# Who may confirm or dismiss a hit; only these verdicts train the classifier. Authorities may only escalate.
DECIDING_ROLES = frozenset({Role.ADMIN, Role.REVIEWER})
# A decision row that sends a decided hit back to the queue (with its reason); not a verdict and not a label.
REOPENED = "reopened"


class ReportStatus(enum.StrEnum):
    """Where a suspect report is in its lifecycle (``error`` holds the reason of refused and fetch_failed)."""

    QUEUED = "queued"
    REFUSED = "refused"
    FETCH_FAILED = "fetch_failed"
    CRAWLED = "crawled"
    NO_MATCH = "no_match"
    HIT = "hit"


Timestamp = DateTime(timezone=True)


class Organisation(Base):
    """A rights holder (or the operator's own organisation)."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    contact_email: Mapped[str | None] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    marks: Mapped[list[Mark]] = relationship(back_populates="owner")


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    locale: Mapped[str] = mapped_column(String(10), default="en")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    api_token_hash: Mapped[str | None] = mapped_column(String(128), unique=True)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(Timestamp)
    # Carried in the session cookie; bumped by logout, password change and deactivation to end every session.
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    organisation: Mapped[Organisation | None] = relationship()


class LoginThrottle(Base):
    """Failed logins of one account, client address or known device, shared by every server process.

    Times are Unix seconds: the throttle only compares and adds them.
    """

    __tablename__ = "login_throttles"

    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    key: Mapped[str] = mapped_column(String(320), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[float] = mapped_column(Float, index=True)
    blocked_until: Mapped[float] = mapped_column(Float, default=0.0)


class Mark(Base):
    """A registered word mark with the forms and context detection uses."""

    __tablename__ = "marks"
    __table_args__ = (UniqueConstraint("org_id", "text", name="uq_marks_org_text"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    text: Mapped[str] = mapped_column(String(300))
    normalised: Mapped[str] = mapped_column(String(300), default="", index=True)
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    transliterations: Mapped[list[str]] = mapped_column(JSON, default=list)
    classes: Mapped[list[int]] = mapped_column(JSON, default=list)
    jurisdictions: Mapped[list[str]] = mapped_column(JSON, default=list)
    registration_number: Mapped[str | None] = mapped_column(String(100))
    application_number: Mapped[str | None] = mapped_column(String(100))
    office: Mapped[str | None] = mapped_column(String(20))
    reference_price: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    currency: Mapped[str | None] = mapped_column(String(3))
    authorised_sellers: Mapped[list[str]] = mapped_column(JSON, default=list)
    authorised_domains: Mapped[list[str]] = mapped_column(JSON, default=list)
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    status: Mapped[str] = mapped_column(String(30), default="registered")
    # A claim until checked: detection and enforcement documents use verified marks only (migration 0006).
    verification: Mapped[str] = mapped_column(String(20), default=MarkVerification.PENDING.value)
    verification_note: Mapped[str | None] = mapped_column(String(500))
    verified_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verified_at: Mapped[datetime | None] = mapped_column(Timestamp)
    # detection.distinctiveness's assessment, stored when the mark changes (NULL: assessed at detection time).
    distinctiveness: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    distinctiveness_at: Mapped[datetime | None] = mapped_column(Timestamp)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, onupdate=utcnow)

    owner: Mapped[Organisation] = relationship(back_populates="marks")
    reference_images: Mapped[list[MarkReferenceImage]] = relationship(
        back_populates="mark", order_by="MarkReferenceImage.id", lazy="selectin", cascade="all, delete-orphan")
    # When the mark was last checked against the whole index, or that it waits for it (shown on its pages).
    backfill: Mapped[MarkBackfill | None] = relationship(viewonly=True, uselist=False, lazy="selectin")


class MarkReferenceImage(Base):
    """A rights holder's reference product photo of a mark: the image is in the evidence store."""

    __tablename__ = "mark_reference_images"
    __table_args__ = (UniqueConstraint("mark_id", "sha256", name="uq_mark_reference_images_mark_sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mark_id: Mapped[int] = mapped_column(ForeignKey("marks.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    phash: Mapped[str] = mapped_column(String(16))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(30))
    filename: Mapped[str | None] = mapped_column(String(255))
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    mark: Mapped[Mark] = relationship(back_populates="reference_images")


class CrawlRun(Base):
    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    profile: Mapped[str] = mapped_column(String(100), index=True)
    status: Mapped[str] = mapped_column(String(20), default="running")
    started_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(Timestamp)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    items: Mapped[int] = mapped_column(Integer, default=0)
    indexed: Mapped[int] = mapped_column(Integer, default=0)
    spooled: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    drops: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    stats: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text)


class DetectionRun(Base):
    __tablename__ = "detection_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default="running")
    started_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(Timestamp)
    # "all", or "k/n" for slice k of n: each plan keeps its own watermark (migration 0008)
    slice_plan: Mapped[str] = mapped_column(String(20), default="all")
    since: Mapped[datetime | None] = mapped_column(Timestamp)
    until: Mapped[datetime | None] = mapped_column(Timestamp)
    watermark: Mapped[datetime | None] = mapped_column(Timestamp)
    listings_scanned: Mapped[int] = mapped_column(Integer, default=0)
    hits_created: Mapped[int] = mapped_column(Integer, default=0)
    hits_updated: Mapped[int] = mapped_column(Integer, default=0)
    model_version: Mapped[str | None] = mapped_column(String(80))
    duration_seconds: Mapped[float | None] = mapped_column(Float)
    error: Mapped[str | None] = mapped_column(Text)


class Hit(Base):
    """A listing that may infringe a mark; unique per (listing, mark), upserted by detection."""

    __tablename__ = "hits"
    __table_args__ = (
        UniqueConstraint("listing_id", "mark_id", name="uq_hits_listing_mark"),
        Index("ix_hits_status_priority", "status", "priority"),
        # "most uncertain first" in the review queue; created by migration 0002 (an expression index)
        Index("ix_hits_status_uncertainty", "status", text("abs(coalesce(probability, 1.5) - 0.5)"), "id"),
        # the same two orders over every status (migration 0004)
        Index("ix_hits_priority", "priority", "id"),
        Index("ix_hits_uncertainty", text("abs(coalesce(probability, 1.5) - 0.5)"), "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[str] = mapped_column(String(ELASTICSEARCH_ID_BYTES), index=True)  # the listing's _id
    mark_id: Mapped[int] = mapped_column(ForeignKey("marks.id"), index=True)
    marketplace: Mapped[str] = mapped_column(String(100), default="", index=True)
    seller_id: Mapped[str | None] = mapped_column(String(200), index=True)
    seller_name: Mapped[str | None] = mapped_column(String(300), index=True)
    listing_url: Mapped[str | None] = mapped_column(Text)
    listing_title: Mapped[str] = mapped_column(Text, default="")
    price: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    currency: Mapped[str | None] = mapped_column(String(3))
    evidence_sha256: Mapped[str | None] = mapped_column(String(64))
    # a full-page PNG in the evidence store (migration 0012); a failed capture keeps its reason
    screenshot_sha256: Mapped[str | None] = mapped_column(String(64))
    screenshot_at: Mapped[datetime | None] = mapped_column(Timestamp)
    screenshot_error: Mapped[str | None] = mapped_column(Text)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    kind: Mapped[str] = mapped_column(String(30), default="fuzzy")
    matched_text: Mapped[str | None] = mapped_column(String(500))
    span_start: Mapped[int | None] = mapped_column(Integer)
    span_end: Mapped[int | None] = mapped_column(Integer)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    explanations: Mapped[list[str]] = mapped_column(JSON, default=list)
    features: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    probability: Mapped[float | None] = mapped_column(Float)
    priority: Mapped[float] = mapped_column(Float, default=0.0)
    model_version: Mapped[str | None] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(20), default=HitStatus.NEW.value)
    claimed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(Timestamp)
    first_seen_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, onupdate=utcnow)
    # Bumped by every human action (decide); compared in the UPDATE so a concurrent decision conflicts.
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Staydown (migration 0011): the earlier case whose removed listing this one re-lists, and why.
    relisting_of_case_id: Mapped[int | None] = mapped_column(ForeignKey("enforcement_cases.id"))
    relisting_reason: Mapped[str | None] = mapped_column(Text)
    # migration 0013: "relisting" (the same item back) or "repeat_infringer" (the same seller, another item)
    relisting_kind: Mapped[str | None] = mapped_column(String(20))

    mark: Mapped[Mark] = relationship()
    decisions: Mapped[list[Decision]] = relationship(back_populates="hit", order_by="Decision.id")


class Decision(Base):
    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    hit_id: Mapped[int] = mapped_column(ForeignKey("hits.id"), index=True)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verdict: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    hit_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, index=True)
    # The hit's status before this decision (restored by an undo); an undone decision is no label (0010).
    previous_status: Mapped[str | None] = mapped_column(String(20))
    undone_at: Mapped[datetime | None] = mapped_column(Timestamp)
    undone_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    hit: Mapped[Hit] = relationship(back_populates="decisions")
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id])


class AuditLog(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(100))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, index=True)


class ModelVersion(Base):
    """A trained classifier stored content-addressed under the models directory."""

    __tablename__ = "model_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(30), default="sklearn")
    filename: Mapped[str] = mapped_column(String(200))
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    library_versions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    training_rows: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    promoted_at: Mapped[datetime | None] = mapped_column(Timestamp)
    is_current: Mapped[bool] = mapped_column(Boolean, default=False)


class SuspectReport(Base):
    """A listing URL reported by hand; crawled and detected on the next schedule (see :class:`ReportStatus`)."""

    __tablename__ = "suspect_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    reported_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    mark_id: Mapped[int | None] = mapped_column(ForeignKey("marks.id"))
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    listing_id: Mapped[str | None] = mapped_column(String(ELASTICSEARCH_ID_BYTES))
    hit_id: Mapped[int | None] = mapped_column(ForeignKey("hits.id"))
    error: Mapped[str | None] = mapped_column(Text)
    screenshot_sha256: Mapped[str | None] = mapped_column(String(64))
    screenshot_at: Mapped[datetime | None] = mapped_column(Timestamp)
    screenshot_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(Timestamp)


class BackfillStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class MarkBackfill(Base):
    """A mark to check against every listing already collected: queued when the mark is added or changed.

    One row per mark (migration 0009). ``requested`` counts the changes; a run claims the row with the
    count it saw (``claimed_request``), so a change during the run queues it again when the run ends.
    """

    __tablename__ = "mark_backfills"

    mark_id: Mapped[int] = mapped_column(ForeignKey("marks.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default=BackfillStatus.QUEUED.value, index=True)
    requested: Mapped[int] = mapped_column(Integer, default=1)
    requested_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    claim_token: Mapped[str | None] = mapped_column(String(40))
    claimed_request: Mapped[int | None] = mapped_column(Integer)
    claimed_at: Mapped[datetime | None] = mapped_column(Timestamp)
    checked_at: Mapped[datetime | None] = mapped_column(Timestamp)
    listings_checked: Mapped[int | None] = mapped_column(Integer)
    hits_found: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)


class DetectionVocabulary(Base):
    """One learned version of detection's domain vocabulary, shared by every worker (migration 0009)."""

    __tablename__ = "detection_vocabularies"

    id: Mapped[int] = mapped_column(primary_key=True)  # the version: the newest row is current
    words: Mapped[str] = mapped_column(Text, default="")  # normalised words, sorted, one per line
    word_count: Mapped[int] = mapped_column(Integer, default=0)
    listings: Mapped[int] = mapped_column(Integer, default=0)
    min_brands: Mapped[int] = mapped_column(Integer, default=3)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)


class CaseStatus(enum.StrEnum):
    """Where an enforcement case stands: its notice drafted, sent, answered, closed."""

    DRAFT = "draft"
    SENT = "sent"
    ANSWERED = "answered"
    CLOSED = "closed"


class CaseResolution(enum.StrEnum):
    """Why a case was closed."""

    REMOVED = "removed"
    REFUSED = "marketplace_refused"
    WITHDRAWN = "withdrawn"


class RelistingKind(enum.StrEnum):
    """Staydown: the same item back after its removal, or the same seller with another item."""

    RELISTING = "relisting"
    REPEAT_INFRINGER = "repeat_infringer"


class ListingOutcome(enum.StrEnum):
    """What the last re-check of a notified listing found."""

    PENDING = "pending"
    ONLINE = "online"
    REMOVED = "removed"
    CHANGED = "changed"
    UNREACHABLE = "unreachable"


class EnforcementCase(Base):
    """One notice's case: a rights holder's confirmed listings on one marketplace (one mark, or one seller network).

    The notice is sent to the marketplace's IP team; each listing's outcome is re-checked (``CaseListing``).
    """

    __tablename__ = "enforcement_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    marketplace: Mapped[str] = mapped_column(String(100), index=True)
    mark_id: Mapped[int | None] = mapped_column(ForeignKey("marks.id"))
    # the sellers of a case raised against a seller network (empty for a notice case)
    network: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default=CaseStatus.DRAFT.value, index=True)
    template: Mapped[str] = mapped_column(String(100), default="default")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    notice_sha256: Mapped[str | None] = mapped_column(String(64))
    notice_sent_at: Mapped[datetime | None] = mapped_column(Timestamp)
    notice_sent_to: Mapped[str | None] = mapped_column(String(320))
    notice_sent_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    response: Mapped[str | None] = mapped_column(String(30))
    response_note: Mapped[str | None] = mapped_column(Text)
    response_at: Mapped[datetime | None] = mapped_column(Timestamp)
    response_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # migration 0013: how the case ended (CaseResolution) and the follow-up notice for listings still online
    resolution: Mapped[str | None] = mapped_column(String(30))
    close_note: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(Timestamp)
    closed_by: Mapped[int | None] = mapped_column(Integer)  # a user id; no foreign key (see migration 0013)
    followups: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    followup_sent_at: Mapped[datetime | None] = mapped_column(Timestamp)
    followup_sent_to: Mapped[str | None] = mapped_column(String(320))
    followup_sha256: Mapped[str | None] = mapped_column(String(64))

    organisation: Mapped[Organisation] = relationship()
    mark: Mapped[Mark | None] = relationship()
    listings: Mapped[list[CaseListing]] = relationship(back_populates="case", order_by="CaseListing.id",
                                                       cascade="all, delete-orphan")


class CaseListing(Base):
    """A listing cited in a case's notice, with what its re-checks found."""

    __tablename__ = "case_listings"
    __table_args__ = (UniqueConstraint("case_id", "hit_id", name="uq_case_listings_case_hit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("enforcement_cases.id"), index=True)
    hit_id: Mapped[int] = mapped_column(ForeignKey("hits.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(20), default=ListingOutcome.PENDING.value, index=True)
    checks: Mapped[int] = mapped_column(Integer, default=0)
    checked_at: Mapped[datetime | None] = mapped_column(Timestamp)
    removed_at: Mapped[datetime | None] = mapped_column(Timestamp)
    http_status: Mapped[int | None] = mapped_column(Integer)
    check_note: Mapped[str | None] = mapped_column(Text)
    followup_at: Mapped[datetime | None] = mapped_column(Timestamp)  # cited in the case's latest follow-up notice

    case: Mapped[EnforcementCase] = relationship(back_populates="listings")
    hit: Mapped[Hit] = relationship()


class SellerLink(Base):
    """Evidence that two seller accounts of one marketplace are run together (shared photos, contact, shop URL...)."""

    __tablename__ = "seller_links"
    __table_args__ = (UniqueConstraint("marketplace", "seller_a", "seller_b", "reason",
                                       name="uq_seller_links_pair_reason"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    marketplace: Mapped[str] = mapped_column(String(100), index=True)
    seller_a: Mapped[str] = mapped_column(String(200), index=True)
    seller_b: Mapped[str] = mapped_column(String(200), index=True)
    reason: Mapped[str] = mapped_column(String(30))
    detail: Mapped[str | None] = mapped_column(Text)
    computed_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
