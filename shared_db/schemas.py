"""Validated shapes of marks, split by direction: what may be created, updated and shown."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from shared_db.messages import forms

CURRENCY = re.compile(r"^[A-Z]{3}$")
MAX_LIST_ITEMS = 200
MAX_ITEM_CHARS = 200

# Bounds on every mark field, so nothing oversized reaches the database (where PostgreSQL would refuse it
# and SQLite would store it): lists of at most 200 entries of at most 200 characters; a price that fits
# the NUMERIC(14, 2) column; the string columns' own lengths.
ListItem = Annotated[str, StringConstraints(max_length=MAX_ITEM_CHARS)]
TextList = Annotated[list[ListItem], Field(max_length=MAX_LIST_ITEMS)]
# _nice_classes checks the range with a message naming the rule; the schema states it for API clients.
NiceClass = Annotated[int, Field(json_schema_extra={"minimum": 1, "maximum": 45})]
NiceClasses = Annotated[list[NiceClass], Field(max_length=MAX_LIST_ITEMS)]
MAX_PRICE = Decimal("999999999999.99")
Price = Annotated[Decimal, Field(ge=0, le=MAX_PRICE, max_digits=14, decimal_places=2)]
Weight = Annotated[float, Field(ge=0, le=10)]
Number = Annotated[str, StringConstraints(max_length=100)]
Office = Annotated[str, StringConstraints(max_length=20)]
LegalStatus = Annotated[str, StringConstraints(min_length=1, max_length=30)]
Currency = Annotated[str, StringConstraints(max_length=10)]  # then checked as ISO 4217 (three letters)


def _clean_list(values: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        value = " ".join(str(value).split())
        if value:
            seen.setdefault(value, None)
    return list(seen)


def _nice_classes(values: list[int]) -> list[int]:
    bad = [v for v in values if not 1 <= v <= 45]
    if bad:
        raise ValueError(forms.NICE_CLASSES(bad=bad))
    return sorted(set(values))


def _iso_currency(value: str | None) -> str | None:
    if value in (None, ""):
        return None
    value = value.upper()
    if not CURRENCY.match(value):
        raise ValueError(forms.CURRENCY_CODE(value=repr(value)))
    return value


def simple_normalise(text: str) -> str:
    """NFKC + casefold + collapsed whitespace: the stored ``normalised`` form of a mark."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


class MarkCreate(BaseModel):
    """A mark as registered by a rights holder (form, CSV row or ST.66 element)."""

    model_config = ConfigDict(str_strip_whitespace=True)

    text: str = Field(min_length=1, max_length=300)
    owner: str = Field(min_length=1, max_length=200)
    aliases: TextList = Field(default_factory=list)
    transliterations: TextList = Field(default_factory=list)
    classes: NiceClasses = Field(default_factory=list)
    jurisdictions: TextList = Field(default_factory=list)
    registration_number: Number | None = None
    application_number: Number | None = None
    office: Office | None = None
    reference_price: Price | None = None
    currency: Currency | None = None
    authorised_sellers: TextList = Field(default_factory=list)
    authorised_domains: TextList = Field(default_factory=list)
    categories: TextList = Field(default_factory=list)
    weight: Weight = 1.0
    status: LegalStatus = "registered"

    @field_validator("aliases", "transliterations", "jurisdictions", "authorised_sellers",
                     "authorised_domains", "categories")
    @classmethod
    def _dedupe(cls, values: list[str]) -> list[str]:
        return _clean_list(values)

    _classes = field_validator("classes")(classmethod(lambda cls, v: _nice_classes(v)))
    _currency = field_validator("currency")(classmethod(lambda cls, v: _iso_currency(v)))


class MarkUpdate(BaseModel):
    """Fields that may change on an existing mark (owner and text stay); unset fields are left alone."""

    model_config = ConfigDict(str_strip_whitespace=True)

    aliases: TextList | None = None
    transliterations: TextList | None = None
    classes: NiceClasses | None = None
    jurisdictions: TextList | None = None
    registration_number: Number | None = None
    application_number: Number | None = None
    office: Office | None = None
    reference_price: Price | None = None
    currency: Currency | None = None
    authorised_sellers: TextList | None = None
    authorised_domains: TextList | None = None
    categories: TextList | None = None
    weight: Weight | None = None
    status: LegalStatus | None = None

    _dedupe = field_validator("aliases", "transliterations", "jurisdictions", "authorised_sellers",
                              "authorised_domains", "categories")(
        classmethod(lambda cls, v: None if v is None else _clean_list(v)))
    _classes = field_validator("classes")(classmethod(lambda cls, v: None if v is None else _nice_classes(v)))
    _currency = field_validator("currency")(classmethod(lambda cls, v: _iso_currency(v)))


class MarkVerificationIn(BaseModel):
    """A reviewer's or admin's verdict on a mark's claim: the registration checked at its office."""

    status: Literal["verified", "rejected"]
    note: str | None = Field(default=None, max_length=500)


class DistinctivenessPublic(BaseModel):
    """How distinctive a mark is (``strong``, ``weak`` or ``ordinary``) and what a hit on it needs."""

    level: str
    reasons: list[str] = []
    length: int = 0
    requirements: str = ""


class MarkPublic(BaseModel):
    """A mark as shown to users and the API."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    org_id: int
    text: str
    aliases: list[str]
    transliterations: list[str]
    classes: list[int]
    jurisdictions: list[str]
    registration_number: str | None
    application_number: str | None
    office: str | None
    reference_price: Decimal | None
    currency: str | None
    authorised_sellers: list[str]
    authorised_domains: list[str]
    categories: list[str]
    weight: float
    status: str
    verification: str
    verification_note: str | None
    verified_at: datetime | None
    distinctiveness: DistinctivenessPublic | None = None  # None: not assessed yet (detection assesses it afresh)
    distinctiveness_at: datetime | None = None
    updated_at: datetime
