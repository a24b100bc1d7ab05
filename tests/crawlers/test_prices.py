from __future__ import annotations

from decimal import Decimal

import pytest

from crawlers.prices import Locale, detect_currency, normalise_currency, page_locale, parse_price


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
    ("379 990 ₸", "379990", "KZT"),
    ("12 490 тг", "12490", "KZT"),
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


@pytest.mark.parametrize(("text", "currency", "locale", "amount", "code"), [
    ("¥1,299", None, Locale("JP", "ja"), "1299", "JPY"),
    ("¥1,299", None, Locale(None, "ja"), "1299", "JPY"),
    ("¥1,299", None, Locale("CN", "zh"), "1299", "CNY"),
    ("¥1,299", None, None, "1299", "CNY"),
    ("¥3,280", "JPY", Locale("CN", "zh"), "3280", "JPY"),
    ("$49.99", None, Locale("CA", "en"), "49.99", "CAD"),
    ("$ 45.999", None, Locale("AR", "es"), "45999", "ARS"),
    ("2 795 kr", None, Locale("SE", "sv"), "2795", "SEK"),
    ("499 kr", None, Locale("NO", "nb"), "499", "NOK"),
    ("29,900원", None, Locale("KR", "ko"), "29900", "KRW"),
    ("RM799.00", None, Locale("MY", "en"), "799.00", "MYR"),
    ("199€99", None, Locale("FR", "fr"), "199.99", "EUR"),
])
def test_currency_follows_the_site_locale(text: str, currency: str | None, locale: Locale | None, amount: str,
                                          code: str) -> None:
    assert parse_price(text, currency, locale) == (Decimal(amount), code)


def test_page_locale_from_lang_and_tld() -> None:
    assert page_locale("https://store.example.co.jp/p", None) == Locale("JP", None)
    assert page_locale("https://shop.example.com/p", "en-GB") == Locale("GB", "en")
    assert page_locale("https://shop.example.de/p", "de") == Locale("DE", "de")
    assert page_locale("https://shop.example.com/p", "ja").currency == "JPY"
    assert page_locale("https://shop.example.com/p", None).currency is None
    assert page_locale("https://bazar.kz/shop/p/1", "ru").currency == "KZT"


@pytest.mark.parametrize(("text", "currency", "amount"), [
    ("59.90", "USD", "59.90"), ("59.000", "USD", "59.000"), ("1.299", "EUR", "1299"), ("12.500", "IDR", "12500"),
    ("0.990", "EUR", "0.990"), ("24.0", "GBP", "24.0"),
])
def test_structured_values_read_as_data(text: str, currency: str, amount: str) -> None:
    assert parse_price(text, currency, machine=True)[0] == Decimal(amount)


def test_text_ranges_and_suffixes() -> None:
    assert parse_price("$10.00 – $20.00") == (Decimal("10.00"), "USD")
    assert parse_price("CHF 79.–")[0] == Decimal("79")
    assert parse_price("€1.299,-")[0] == Decimal("1299")
