"""Signals: numeric columns derived from a record, their plain-word descriptions, and the rule score.

Both the rule-based scorer and the trained model read the same columns, so a reviewer sees the
same wording whichever scored the hit; only the ranking of the explanations differs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from detection.classifier.features import OBFUSCATED_KINDS
from shared_db.messages import detection as M

RULES_VERSION = "rules-v2"
Record = Mapping[str, Any]
NEAR_COPY = 0.84  # pHash similarity of a resized, recompressed or slightly cropped copy (<= 10 of 64 bits differ)

KIND_WORDS = {
    "homoglyph": M.KIND_LOOKALIKE(), "leet": M.KIND_LEET(), "spacing": M.KIND_SPACING(),
    "transliteration": M.KIND_TRANSLITERATION(), "phonetic": M.KIND_PHONETIC(),
}


def _ratio(r: Record) -> float | None:
    value = r.get("price_ratio")
    return float(value) if value is not None and value > 0 else None


def _image(r: Record) -> float | None:
    value = r.get("image_similarity")
    return None if value is None else float(value)


def _log1p(value: Any) -> float:
    return math.log1p(max(float(value or 0), 0.0))


def _confirmed_rate(r: Record) -> float:
    """Smoothed share of the seller's decided hits that were confirmed (0.5 with no history)."""
    confirmed, dismissed = float(r.get("seller_confirmed") or 0), float(r.get("seller_dismissed") or 0)
    return (confirmed + 1) / (confirmed + dismissed + 2)


# (column, signal, value) — the signal groups columns for explanations and for ``signals=``.
COLUMNS: tuple[tuple[str, str, Callable[[Record], float]], ...] = (
    ("match_score", "match", lambda r: float(r.get("match_score") or 0) / 100),
    ("fuzzy", "match", lambda r: float(r.get("match_kind") == "fuzzy")),
    ("obfuscated", "obfuscation", lambda r: float(r.get("match_kind") in OBFUSCATED_KINDS)),
    ("price_known", "price", lambda r: float(_ratio(r) is not None)),
    ("price_log_ratio", "price",
     lambda r: max(-3.0, min(3.0, math.log(_ratio(r)))) if _ratio(r) else 0.0),
    ("price_discount", "price", lambda r: max(0.0, 1 - _ratio(r)) if _ratio(r) else 0.0),
    ("price_below_half", "price", lambda r: float((_ratio(r) or 1.0) < 0.5)),
    ("vocab_copy", "vocabulary", lambda r: min(float(r.get("vocab_copy") or 0), 3.0)),
    ("vocab_lookalike", "vocabulary", lambda r: min(float(r.get("vocab_lookalike") or 0), 3.0)),
    ("vocab_grey", "vocabulary", lambda r: min(float(r.get("vocab_grey") or 0), 3.0)),
    ("vocab_title", "vocabulary", lambda r: min(float(r.get("vocab_title") or 0), 3.0)),
    ("seller_authorised", "seller_authorisation", lambda r: float(r.get("seller_authorised") is True)),
    ("seller_unauthorised", "seller_authorisation", lambda r: float(r.get("seller_authorised") is False)),
    ("seller_hits_log", "seller_history", lambda r: _log1p(r.get("seller_hits"))),
    ("seller_decided_log", "seller_history",
     lambda r: _log1p(float(r.get("seller_confirmed") or 0) + float(r.get("seller_dismissed") or 0))),
    ("seller_confirmed_rate", "seller_history", _confirmed_rate),
    ("seller_new", "seller_new",
     lambda r: float(r.get("seller_age_days") is not None and r["seller_age_days"] < 30)),
    ("category_match", "category", lambda r: float(r.get("category_compatible") is True)),
    ("category_mismatch", "category", lambda r: float(r.get("category_compatible") is False)),
    ("images_log", "images", lambda r: _log1p(r.get("n_images"))),
    ("image_compared", "image_match", lambda r: float(_image(r) is not None)),
    ("image_similarity", "image_match", lambda r: max(0.0, 2 * (_image(r) or 0.0) - 1)),
    ("image_near_copy", "image_match", lambda r: float((_image(r) or 0.0) >= NEAR_COPY)),
    ("image_reuse_log", "image_reuse", lambda r: _log1p(r.get("image_other_sellers"))),
)
SIGNALS = ("match", "obfuscation", "price", "vocabulary", "seller_authorisation", "seller_history",
           "seller_new", "category", "images", "image_match", "image_reuse", "text", "kind")


_VALUE_OF = {name: fn for name, _signal, fn in COLUMNS}


def numeric_row(record: Record, columns: tuple[str, ...]) -> list[float]:
    """The values of ``columns`` for one record."""
    return [_VALUE_OF[name](record) for name in columns]


def describe(record: Record) -> dict[str, str]:
    """Plain-word descriptions of the signals present in ``record``, keyed by signal."""
    out: dict[str, str] = {}
    mark, kind, score = record.get("mark_text") or M.THE_MARK(), record.get("match_kind"), record.get("match_score")
    if kind in KIND_WORDS:
        out["obfuscation"] = M.OBFUSCATION(matched=record.get("matched_text") or "?", mark=mark, kind=KIND_WORDS[kind])
    if score is not None:
        out["match"] = M.TITLE_NAMES(mark=mark, kind=kind, score=f"{float(score):.0f}")
    terms = record.get("terms") or []
    if terms:
        places = {"title": M.WHERE_TITLE(), "description": M.WHERE_DESCRIPTION()}
        out["vocabulary"] = M.SEPARATOR().join(M.TERM_IN(term=term, where=places.get(where, where))
                                               for term, _group, where in terms[:3])
    ratio = _ratio(record)
    if ratio is not None:
        pct = round(abs(1 - ratio) * 100)
        out["price"] = (M.PRICE_BELOW_REFERENCE(percent=pct) if ratio < 0.995 else
                        M.PRICE_ABOVE_REFERENCE(percent=pct) if ratio > 1.005 else M.PRICE_AT_REFERENCE())
    authorised = record.get("seller_authorised")
    if authorised is not None:
        out["seller_authorisation"] = (M.SELLER_IS_AUTHORISED if authorised else M.SELLER_NOT_AUTHORISED)()
    hits = int(record.get("seller_hits") or 0)
    if hits:
        confirmed, dismissed = int(record.get("seller_confirmed") or 0), int(record.get("seller_dismissed") or 0)
        out["seller_history"] = M.SELLER_HISTORY(hits=hits, confirmed=confirmed, dismissed=dismissed)
    age = record.get("seller_age_days")
    if age is not None and age < 30:
        out["seller_new"] = M.SELLER_NEW(days=f"{age:.0f}")
    compatible = record.get("category_compatible")
    if compatible is not None:
        out["category"] = (M.CATEGORY_MATCHES() if compatible else
                           M.CATEGORY_MISMATCH(category=record.get("category")))
    similarity = _image(record)
    if similarity is not None:
        index = int(record.get("image_best_index") or 0)
        which = M.MAIN_IMAGE() if index == 0 else M.IMAGE_N(number=index + 1)
        out["image_match"] = (M.IMAGE_SIMILAR(which=which, percent=f"{similarity:.0%}") if similarity >= NEAR_COPY
                              else M.NO_IMAGE_RESEMBLES(percent=f"{similarity:.0%}"))
    others = int(record.get("image_other_sellers") or 0)
    if others:
        out["image_reuse"] = (M.PHOTO_REUSED if others > 1 else M.PHOTO_REUSED_ONE)(others=others)
    out["text"] = M.TEXT_RESEMBLES()
    return out


# The transparent cold-start score: a logistic function of hand-set weights on the same columns.
RULE_BIAS = -2.2
RULE_WEIGHTS = {
    "match_score": 1.0, "obfuscated": 1.0, "fuzzy": -0.3,
    "price_discount": 2.0, "price_below_half": 1.2,
    "vocab_copy": 2.5, "vocab_lookalike": 1.5, "vocab_grey": 0.4,
    "seller_authorised": -3.5, "seller_unauthorised": 0.6,
    "seller_confirmed_rate": 1.0, "seller_new": 0.3,
    "category_mismatch": -1.0, "image_near_copy": 1.2,
}
RULE_COLUMNS = tuple(RULE_WEIGHTS)
_SIGNAL_OF = {name: signal for name, signal, _fn in COLUMNS}


def rule_assessment(record: Record) -> tuple[float, dict[str, float]]:
    """(probability, contribution per signal) of the rule-based score."""
    row = numeric_row(record, RULE_COLUMNS)
    contributions: dict[str, float] = {}
    for name, value in zip(RULE_COLUMNS, row, strict=True):
        if name == "seller_confirmed_rate":
            value -= 0.5  # no history is neutral
        contributions[_SIGNAL_OF[name]] = contributions.get(_SIGNAL_OF[name], 0.0) + RULE_WEIGHTS[name] * value
    logit = RULE_BIAS + sum(contributions.values())
    return 1 / (1 + math.exp(-logit)), contributions


def explain(record: Record, contributions: Mapping[str, float], *, limit: int = 4) -> list[str]:
    """The described signals, at most ``limit``: those pointing to a counterfeit first (strongest
    first), then those pointing away from one (strongest first)."""
    words = describe(record)
    present = [s for s in contributions if s in words and abs(contributions[s]) > 1e-6]
    ranked = (sorted((s for s in present if contributions[s] > 0), key=lambda s: -contributions[s])
              + sorted((s for s in present if contributions[s] < 0), key=lambda s: contributions[s]))
    return [words[s] for s in ranked[:limit]]
