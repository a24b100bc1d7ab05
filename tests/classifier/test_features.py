"""Features are robust to missing, zero and foreign-currency prices and are enough to retrain from a hit."""

from __future__ import annotations

import json
from decimal import Decimal
from types import SimpleNamespace

import pytest

from detection.classifier.features import category_compatible, extract_features, hit_record

FX = {"USD": Decimal("1"), "CNY": Decimal("0.14"), "EUR": Decimal("1.08")}
MARK = {"id": 1, "text": "NIKE", "reference_price": 100.0, "currency": "USD",
        "authorised_sellers": ["Nike-Official"], "categories": ["shoes"], "weight": 2.0}


def candidate(**listing: object) -> dict:
    base = {"title": "Nike Air replica", "marketplace": "m", "seller_id": "shop-1", "category": "mens shoes"}
    return {"listing": {**base, **listing}, "mark": MARK, "match": {"score": 97.0, "kind": "exact"}}


@pytest.mark.parametrize(("price", "currency", "ratio"), [
    (18.0, "USD", 0.18),
    (140.0, "CNY", 0.196),  # 140 CNY = 19.6 USD at the configured rate
    (100.0, None, 1.0),  # no currency: the mark's currency
    (None, "USD", None),
    (0, "USD", None),
    (-5, "USD", None),
    ("n/a", "USD", None),
    (20.0, "XYZ", None),  # no configured rate: unknown, never fetched
])
def test_price_ratio_is_robust(price: object, currency: str | None, ratio: float | None) -> None:
    features = extract_features(candidate(price=price, currency=currency), fx_rates=FX)
    assert features["price_ratio"] == (None if ratio is None else pytest.approx(ratio, rel=1e-3))


def test_no_reference_price_means_no_ratio() -> None:
    c = candidate(price=10.0, currency="USD")
    c["mark"] = {**MARK, "reference_price": None}
    assert extract_features(c, fx_rates=FX)["price_ratio"] is None


def test_seller_authorisation_is_case_insensitive_and_unknown_without_a_list() -> None:
    assert extract_features(candidate(seller_id="nike-official"), fx_rates=FX)["seller_authorised"] is True
    assert extract_features(candidate(), fx_rates=FX)["seller_authorised"] is False
    c = candidate()
    c["mark"] = {**MARK, "authorised_sellers": []}
    assert extract_features(c, fx_rates=FX)["seller_authorised"] is None


def test_category_compatibility() -> None:
    assert category_compatible("Men's running shoes", ["shoes"]) is True
    assert category_compatible("kitchen appliances", ["shoes", "apparel"]) is False
    assert category_compatible(None, ["shoes"]) is None


def test_features_are_json_and_a_hit_row_rebuilds_the_record() -> None:
    features = extract_features(candidate(price=18.0, currency="USD", description="高仿 " * 200), fx_rates=FX)
    assert json.loads(json.dumps(features)) == features
    assert len(features["description"]) == 300
    assert [t[0] for t in features["terms"]] == ["replica"] + ["高仿"] * 100
    hit = SimpleNamespace(features=features, listing_title="Nike Air replica", marketplace="m", seller_id="shop-1")
    record = hit_record(hit, fx_rates=FX)
    assert record["title"] == "Nike Air replica" and record["price_ratio"] == features["price_ratio"]


def test_hit_without_features_is_refeaturised_from_its_columns() -> None:
    mark = SimpleNamespace(id=1, text="NIKE", reference_price=Decimal("100"), currency="USD",
                           authorised_sellers=[], categories=[], weight=1.0)
    hit = SimpleNamespace(features={}, listing_title="N1ke AAA shoes", marketplace="m", seller_id="s",
                          seller_name=None, price=Decimal("210.00"), currency="CNY", score=88.0, kind="leet",
                          matched_text="N1ke")
    record = hit_record(hit, fx_rates=FX, mark=mark)
    assert record["price_ratio"] == pytest.approx(0.294)
    assert record["vocab_copy"] == 1 and record["match_kind"] == "leet"


REFERENCE = "e835974a9a1d6c93"


def _with_images(hashes: list[str], references: list[str]) -> dict:
    c = candidate(price=15.0, currency="USD", image_hashes=hashes, image_sha256=["ab" * 32] * len(hashes))
    c["mark"] = {**MARK, "reference_hashes": references}
    return c


def test_image_similarity_is_the_best_listing_image_against_the_reference_photos() -> None:
    from detection.classifier.signals import describe, numeric_row

    near_copy = f"{int(REFERENCE, 16) ^ 0b1011:016x}"  # 3 bits changed
    features = extract_features(_with_images(["0123456789abcdef", near_copy], [REFERENCE]), fx_rates=FX)
    assert features["image_reference"] is True and features["image_best_index"] == 1
    assert features["image_similarity"] == pytest.approx(61 / 64, abs=1e-4)
    assert features["image_sha256"] == ["ab" * 32] * 2
    assert describe(features)["image_match"] == "image 2 95% similar to the registered product photo"
    assert numeric_row(features, ("image_compared", "image_near_copy")) == [1.0, 1.0]
    main = extract_features(_with_images([REFERENCE], [REFERENCE]), fx_rates=FX)
    assert describe(main)["image_match"] == "main image 100% similar to the registered product photo"


@pytest.mark.parametrize(("hashes", "references"), [([], [REFERENCE]), (["0123456789abcdef"], []), ([], [])])
def test_missing_images_or_references_are_neutral(hashes: list[str], references: list[str]) -> None:
    from detection.classifier.signals import describe, numeric_row, rule_assessment

    features = extract_features(_with_images(hashes, references), fx_rates=FX)
    assert features["image_similarity"] is None and features["image_reference"] is bool(references)
    assert numeric_row(features, ("image_compared", "image_similarity", "image_near_copy")) == [0.0, 0.0, 0.0]
    assert "image_match" not in describe(features)
    without = extract_features(candidate(price=15.0, currency="USD"), fx_rates=FX)
    assert rule_assessment(features)[0] == rule_assessment(without)[0]


def test_a_copied_product_photo_raises_the_rule_score_and_is_explained() -> None:
    from detection.classifier.signals import explain, rule_assessment

    copied = extract_features(_with_images([REFERENCE], [REFERENCE]), fx_rates=FX)
    unrelated = extract_features(_with_images(["0123456789abcdef"], [REFERENCE]), fx_rates=FX)
    (p_copy, contributions), (p_other, _) = rule_assessment(copied), rule_assessment(unrelated)
    assert p_copy > p_other
    assert "main image 100% similar to the registered product photo" in explain(copied, contributions, limit=6)


def test_a_photo_shared_with_other_sellers_is_described() -> None:
    from detection.classifier.signals import describe, numeric_row

    c = _with_images([REFERENCE], [])
    c["listing"]["image_other_sellers"] = 3
    features = extract_features(c, fx_rates=FX)
    assert describe(features)["image_reuse"] == "the same photo is listed by 3 other sellers"
    assert numeric_row(features, ("image_reuse_log",)) == [pytest.approx(1.386, abs=1e-3)]
