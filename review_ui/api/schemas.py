"""Response and request models of the JSON API (declared so the OpenAPI spec can be validated)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from review_ui.params import DbId
from shared_db.schemas import MarkCreate, MarkPublic, Weight


def _utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored timestamp is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_utc)]


class BackfillOut(BaseModel):
    """The mark's check against every collected listing: waiting (queued, running, failed) or done."""

    model_config = ConfigDict(from_attributes=True)

    status: Literal["queued", "running", "done", "failed"]
    requested_at: UtcDatetime
    checked_at: UtcDatetime | None = None
    listings_checked: int | None = None


class MarkOut(MarkPublic):
    updated_at: UtcDatetime
    verified_at: UtcDatetime | None
    distinctiveness_at: UtcDatetime | None = None
    backfill: BackfillOut | None = None


class MarkWeightIn(BaseModel):
    """A mark's priority weight: its hits' priority is probability × weight (0 to 10, default 1)."""

    weight: Weight


class ReferenceImageOut(BaseModel):
    """A mark's reference product photo: its evidence-store sha256 and 64-bit pHash (16 hex digits)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    mark_id: int
    sha256: str
    phash: str
    width: int
    height: int
    media_type: str
    filename: str | None
    created_at: UtcDatetime


class ErrorOut(BaseModel):
    detail: Any


class DecisionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    verdict: str = Field(description="confirmed, dismissed, escalated, or reopened (sent back to the queue)")
    reason: str | None
    hit_version: int
    reviewer_id: int | None
    undone_at: UtcDatetime | None = Field(default=None, description="set when the decision was undone")
    created_at: UtcDatetime


class HitOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    listing_id: str
    mark_id: int
    marketplace: str
    seller_id: str | None
    seller_name: str | None
    listing_url: str | None
    listing_title: str
    price: Decimal | None
    currency: str | None
    score: float
    probability: float | None
    priority: float
    model_version: str | None
    status: str
    version: int
    evidence_sha256: str | None


class HitDetailOut(HitOut):
    matched_text: str | None
    span_start: int | None
    span_end: int | None
    reasons: list[str]
    explanations: list[str]
    claimed_by: int | None
    decisions: list[DecisionOut]
    relisting_of_case_id: int | None = Field(default=None, description="staydown: the earlier case it comes back after")
    relisting_kind: Literal["relisting", "repeat_infringer"] | None = None
    relisting_reason: str | None = None


class HitPageOut(BaseModel):
    items: list[HitOut]
    next_cursor: str | None


class DecisionIn(BaseModel):
    verdict: Literal["confirmed", "dismissed", "escalated"]
    expected_version: int = Field(ge=1, le=2**63 - 1)
    reason: str | None = Field(default=None, max_length=2000)


class ClaimOut(BaseModel):
    hit_id: int
    claimed: bool


class BulkItem(BaseModel):
    hit_id: int = Field(ge=1, le=2**63 - 1)
    expected_version: int = Field(ge=1, le=2**63 - 1)


class BulkDecisionIn(BaseModel):
    verdict: Literal["confirmed", "dismissed", "escalated"]
    hits: list[BulkItem] = Field(min_length=1, max_length=500)
    reason: str | None = Field(default=None, max_length=2000)


class BulkDecisionOut(BaseModel):
    decided: list[int]
    conflicts: list[int]


class MarkIn(MarkCreate):
    """A mark to register; ``owner`` is ignored for rights holders (their organisation is used)."""

    owner: str = Field(default="", max_length=200)


class CaseOut(BaseModel):
    marketplace: str
    seller: str
    hits: int
    first_seen: UtcDatetime
    last_seen: UtcDatetime


class ListingOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str = Field(alias="_id")
    title: str | None = None
    marketplace: str | None = None
    url: str | None = None
    price: float | None = None


class SearchOut(BaseModel):
    total: int
    items: list[dict[str, Any]]


class ReportIn(BaseModel):
    url: str = Field(max_length=2048)
    note: str | None = Field(default=None, max_length=2000)
    mark_id: DbId | None = None


class ReportOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    url: str
    status: str = Field(description="queued, refused, fetch_failed, crawled, no_match or hit")
    mark_id: int | None
    created_at: UtcDatetime
    reason: str | None = Field(default=None, validation_alias="error",
                               description="why it was refused or failed (English)")
    listing_id: str | None = None
    hit_id: int | None = None
