from __future__ import annotations

from decimal import Decimal

import pytest

from crawlers.prices import detect_currency, normalise_currency, parse_price


@pytest.mark.parametrize(("text", "amount", "currency"), [
    ("1.299,00 €", "1299.00", "EUR"),
    ("¥1,299", "1299", "CNY"),
    ("US $12.50", "12.50", "USD"),
    ("12,50 zł", "12.50", "PLN"),
    ("1 299,00 zł", "1299.00", "PLN"),
    ("£9.56", "9.56", "GBP"),
    ("$1,299.99", "1299.99", "USD"),
    ("EUR 12", "12", "EUR"),
    ("1.299 €", "1299", "EUR"),
    ("CHF 1'299.50", "1299.50", "CHF"),
    ("￥88.00", "88.00", "CNY"),
    ("17.99", "17.99", None),
])
def test_prices_across_locales(text: str, amount: str, currency: str | None) -> None:
    assert parse_price(text) == (Decimal(amount), currency)


def test_declared_currency_used_when_text_has_none() -> None:
    assert parse_price("1439.64", "cny") == (Decimal("1439.64"), "CNY")
    assert parse_price(Decimal("5"), "USD") == (Decimal("5"), "USD")


def test_unparsable_price_gives_none() -> None:
    assert parse_price("call for price") == (None, None)
    assert parse_price(None) == (None, None)


def test_currency_words_are_not_matched_inside_other_words() -> None:
    assert detect_currency("Europe edition") is None
    assert normalise_currency("€") == "EUR"
    assert normalise_currency("usd") == "USD"
