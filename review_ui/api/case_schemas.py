"""Request and response models of the API's enforcement cases and review corrections."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from review_ui.api.schemas import UtcDatetime

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class CaseListingOut(BaseModel):
    """A listing the case's notice cites, with what its re-checks found."""

    model_config = ConfigDict(from_attributes=True)

    hit_id: int
    listing_url: str | None
    listing_title: str
    seller: str | None
    outcome: Literal["pending", "online", "removed", "changed", "unreachable"]
    checks: int
    checked_at: UtcDatetime | None
    removed_at: UtcDatetime | None
    http_status: int | None
    check_note: str | None
    followup_at: UtcDatetime | None = Field(description="when the latest follow-up notice cited it")


class EnforcementCaseOut(BaseModel):
    """One notice's case: a rights holder's listings on one marketplace (one mark, or one seller network)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    org_id: int
    rights_holder: str
    marketplace: str
    mark_id: int | None
    mark: str | None
    network: list[str]
    status: Literal["draft", "sent", "answered", "closed"]
    template: str
    created_at: UtcDatetime
    notice_sent_at: UtcDatetime | None
    notice_sent_to: str | None
    response: str | None
    response_note: str | None
    response_at: UtcDatetime | None
    resolution: Literal["removed", "marketplace_refused", "withdrawn"] | None
    close_note: str | None
    closed_at: UtcDatetime | None
    followups: int
    followup_sent_at: UtcDatetime | None
    followup_sent_to: str | None
    listings: int
    removed: int


class EnforcementCaseDetailOut(EnforcementCaseOut):
    items: list[CaseListingOut]


class CaseResponseIn(BaseModel):
    """The marketplace's answer to the notice."""

    response: Literal["accepted", "partially_accepted", "rejected", "more_information_requested"]
    note: str | None = Field(default=None, max_length=2000)


class CaseCloseIn(BaseModel):
    resolution: Literal["removed", "marketplace_refused", "withdrawn"]
    note: Text = Field(description="why the case is closed (required)")


class CaseReopenIn(BaseModel):
    reason: Text = Field(description="why the case is reopened (required, audited)")


class FollowUpIn(BaseModel):
    sent_to: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=320)] = Field(
        description="to whom the follow-up notice went (the marketplace's IP contact)")


class HitReopenIn(BaseModel):
    expected_version: int = Field(ge=1, le=2**63 - 1)
    reason: Text = Field(description="why the hit goes back to the queue (required, audited)")
