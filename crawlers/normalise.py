"""Raw extracted fields → the listing contract (Decimal price, ISO 4217 currency, clean text, language)."""

from __future__ import annotations

import hashlib
import json
import re
from decimal import Decimal
from typing import Any

from w3lib.html import remove_tags, replace_entities

from crawlers.availability import availability_term
from crawlers.prices import ascii_digits, normalise_currency, parse_price
from shared_db.es.listings import LISTING_FIELDS

ITEM_FIELDS = tuple(f for f in LISTING_FIELDS if f != "indexed_at")
TEXT_FIELDS = ("title", "description", "brand", "seller_name", "seller_contact", "category", "seller_id", "sku", "mpn")
HASH_EXCLUDED = frozenset({"crawled_at", "indexed_at", "evidence_sha256", "profile", "content_hash",
                           "image_hashes", "image_sha256"})
_WS = re.compile(r"[ \t\r\n\f\v\u00a0\u3000]+")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")


def clean_text(value: Any) -> str | None:
    """Tags removed, entities decoded, runs of whitespace collapsed (zero-width characters are kept:
    they are evidence of spacing tricks and detection normalises them)."""
    if value is None:
        return None
    text = str(value)
    if "<" in text:
        text = remove_tags(text)
    if "&" in text:
        text = replace_entities(text)
    text = _WS.sub(" ", text).strip()
    return text or None


STOPWORDS = {
    "en": frozenset("the and with for of to in on from by this is new set pack black white brand model "
                    "category inch wireless digital camera cable case kit replacement compatible color "
                    "adapter battery memory printer cartridge mouse keyboard headphone speaker".split()),
    "de": frozenset("und mit für der die das von zu im ist neu schwarz weiß marke modell kategorie "
                    "kabellos kamera kabel hülle drucker tastatur kopfhörer lautsprecher".split()),
    "fr": frozenset("et avec pour le la les de des du en est neuf noir blanc".split()),
    "es": frozenset("y con para el la los las de del en es nuevo negro blanco".split()),
    "it": frozenset("e con per il lo la gli le di del in è nuovo nero bianco".split()),
    "pl": frozenset("i z do na dla w jest nowy czarny biały oraz".split()),
    "nl": frozenset("en met voor de het van een is nieuw zwart wit".split()),
}
_WORD = re.compile(r"[^\W\d_]+")


def detect_language(text: str | None, hint: str | None = None) -> str | None:
    """ISO 639-1 code: script first (zh/ja/ko), then a stop-word vote (fast, decisive on most
    listings), then langdetect (3 trials, seeded) for the rest, then the page's ``lang`` hint."""
    if not text:
        return hint
    if _KANA.search(text):
        return "ja"
    if _HANGUL.search(text):
        return "ko"
    if _CJK.search(text):
        return "zh"
    words = _WORD.findall(text.lower())
    votes = sorted(((sum(w in stop for w in words), lang) for lang, stop in STOPWORDS.items()), reverse=True)
    if votes[0][0] >= 2 and votes[0][0] >= 2 * votes[1][0]:
        return votes[0][1]
    if hint and sum(len(w) > 2 for w in words) < 3:
        return hint  # too little text for a statistical guess
    return _langdetect(text[:300]) or hint


def _langdetect(text: str) -> str | None:
    from langdetect import DetectorFactory, LangDetectException
    from langdetect.detector_factory import init_factory

    DetectorFactory.seed = 0  # deterministic results
    init_factory()
    from langdetect.detector_factory import _factory

    detector = _factory.create()
    detector.n_trial = 3
    detector.append(text)
    try:
        return detector.detect().split("-")[0]
    except LangDetectException:
        return None


def normalise_gtin(value: Any) -> str | None:
    """Digits of a GTIN-8/12/13/14 (ISBN-13 included), or None when it is not one."""
    if value is None:
        return None
    digits = re.sub(r"\D", "", str(value))
    return digits if len(digits) in (8, 11, 12, 13, 14) else None


def normalise_availability(value: Any) -> str | None:
    """A schema.org term (see :mod:`crawlers.availability`), else the cleaned text."""
    if isinstance(value, bool):
        return availability_term(value)
    text = clean_text(value)
    if not text:
        return None
    return availability_term(text) or text.rsplit("/", 1)[-1]


def content_hash(listing: dict[str, Any]) -> str:
    """sha256 over the business fields, so an unchanged page is recognised on the next crawl."""
    payload = {k: listing.get(k) for k in ITEM_FIELDS if k not in HASH_EXCLUDED}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False).encode()).hexdigest()


def normalise_listing(raw: dict[str, Any], *, problems: list[str] | None = None) -> dict[str, Any]:
    """A listing dict with every :data:`ITEM_FIELDS` key; data-quality problems are appended to ``problems``."""
    problems = problems if problems is not None else []
    out: dict[str, Any] = {k: raw.get(k) for k in ITEM_FIELDS}
    for key, value in raw.items():
        if key.startswith("_"):
            out[key] = value
    for key in TEXT_FIELDS:
        out[key] = clean_text(raw.get(key))
    for key in ("sku", "mpn"):  # codes are matched as ASCII: "١٠٠٤١٢٣٤٥" is 100412345
        if out[key]:
            out[key] = ascii_digits(out[key])
    price, currency = raw.get("price"), raw.get("currency")
    if isinstance(price, Decimal):
        out["price"], out["currency"] = price, normalise_currency(currency)
    elif price not in (None, ""):
        amount, found = parse_price(str(price), currency)
        if amount is None:
            problems.append("price/unparsable")
        out["price"], out["currency"] = amount, normalise_currency(currency) or found
    else:
        out["price"], out["currency"] = None, normalise_currency(currency)
        problems.append("price/missing")
    if out["price"] is not None and out["currency"] is None:
        problems.append("currency/missing")
    gtin = normalise_gtin(raw.get("gtin"))
    if raw.get("gtin") and gtin is None:
        problems.append("gtin/invalid")
    out["gtin"] = gtin
    out["availability"] = normalise_availability(raw.get("availability"))
    images = raw.get("images") or []
    out["images"] = list(dict.fromkeys(images if isinstance(images, list) else [images]))
    text = " ".join(t for t in (out["title"], (out["description"] or "")[:200]) if t)
    out["language"] = detect_language(text, raw.get("language"))
    out["content_hash"] = content_hash(out)
    return out
