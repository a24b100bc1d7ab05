"""Validated shapes of marks, split by direction: what may be created, updated and shown."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, field_validator

CURRENCY = re.compile(r"^[A-Z]{3}$")


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
        raise ValueError(f"Nice classes run from 1 to 45, got {bad}")
    return sorted(set(values))


def _iso_currency(value: str | None) -> str | None:
    if value in (None, ""):
        return None
    value = value.upper()
    if not CURRENCY.match(value):
        raise ValueError(f"currency must be an ISO 4217 code such as USD, got {value!r}")
    return value


def simple_normalise(text: str) -> str:
    """NFKC + casefold + collapsed whitespace: the stored ``normalised`` form of a mark."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


class MarkCreate(BaseModel):
    """A mark as registered by a rights holder (form, CSV row or ST.66 element)."""

    model_config = ConfigDict(str_strip_whitespace=True)

    text: str = Field(min_length=1, max_length=300)
    owner: str = Field(min_length=1, max_length=200)
    aliases: list[str] = Field(default_factory=list)
    transliterations: list[str] = Field(default_factory=list)
    classes: list[int] = Field(default_factory=list)
    jurisdictions: list[str] = Field(default_factory=list)
    registration_number: str | None = None
    application_number: str | None = None
    office: str | None = None
    reference_price: Decimal | None = Field(default=None, ge=0, max_digits=14, decimal_places=2)
    currency: str | None = None
    authorised_sellers: list[str] = Field(default_factory=list)
    authorised_domains: list[str] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)
    weight: float = Field(default=1.0, ge=0, le=10)
    status: str = "registered"

    @field_validator("aliases", "transliterations", "jurisdictions", "authorised_sellers",
                     "authorised_domains", "categories")
    @classmethod
    def _dedupe(cls, values: list[str]) -> list[str]:
        return _clean_list(values)

    _classes = field_validator("classes")(classmethod(lambda cls, v: _nice_classes(v)))
    _currency = field_validator("currency")(classmethod(lambda cls, v: _iso_currency(v)))


class MarkUpdate(BaseModel):
    """Fields a rights holder may change on an existing mark (owner and text stay)."""

    aliases: list[str] | None = None
    transliterations: list[str] | None = None
    classes: list[int] | None = None
    reference_price: Decimal | None = Field(default=None, ge=0)
    currency: str | None = None
    authorised_sellers: list[str] | None = None
    authorised_domains: list[str] | None = None
    categories: list[str] | None = None
    weight: float | None = Field(default=None, ge=0, le=10)
    status: str | None = None

    _dedupe = field_validator("aliases", "transliterations", "authorised_sellers", "authorised_domains",
                              "categories")(classmethod(lambda cls, v: None if v is None else _clean_list(v)))
    _classes = field_validator("classes")(classmethod(lambda cls, v: None if v is None else _nice_classes(v)))
    _currency = field_validator("currency")(classmethod(lambda cls, v: _iso_currency(v)))


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
    updated_at: datetime
