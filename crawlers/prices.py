"""Prices as shops write them: "1.299,00 €", "¥1,299", "US $12.50", "12,50 zł" → (Decimal, ISO 4217)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# Longest markers first so "US $" wins over "$" and "zł" is not read as something else.
CURRENCY_MARKERS: tuple[tuple[str, str], ...] = (
    ("US $", "USD"), ("US$", "USD"), ("USD", "USD"), ("EUR", "EUR"), ("€", "EUR"), ("GBP", "GBP"),
    ("£", "GBP"), ("RMB", "CNY"), ("CNY", "CNY"), ("元", "CNY"), ("JPY", "JPY"), ("円", "JPY"),
    ("￥", "CNY"), ("¥", "CNY"), ("PLN", "PLN"), ("zł", "PLN"), ("zl", "PLN"), ("CHF", "CHF"),
    ("CA$", "CAD"), ("C$", "CAD"), ("CAD", "CAD"), ("AU$", "AUD"), ("A$", "AUD"), ("AUD", "AUD"),
    ("₹", "INR"), ("INR", "INR"), ("₩", "KRW"), ("KRW", "KRW"), ("R$", "BRL"), ("kr", "SEK"),
    ("$", "USD"),
)
ISO_CODES = frozenset(code for _, code in CURRENCY_MARKERS) | {"HKD", "TWD", "SGD", "NZD", "MXN", "RUB",
                                                                "TRY", "CZK", "HUF", "DKK", "NOK"}
_NUMBER = re.compile(r"\d[\d.,'\u00a0\u202f\u2009 ]*\d|\d")
_DECIMAL_COMMA_CURRENCIES = frozenset({"EUR", "PLN", "BRL", "SEK", "CZK", "HUF", "DKK", "NOK", "TRY", "RUB"})


def detect_currency(text: str) -> str | None:
    """The ISO 4217 code a price text refers to, or None."""
    upper = text.upper()
    for marker, code in CURRENCY_MARKERS:
        if marker.isascii() and marker.isalpha():
            if re.search(rf"(?<![A-Za-z]){re.escape(marker.upper())}(?![A-Za-z])", upper):
                return code
        elif marker in text:
            return code
    return None


def normalise_currency(value: str | None) -> str | None:
    """An ISO 4217 code from a code, a symbol or a price text."""
    if not value:
        return None
    value = value.strip()
    if value.upper() in ISO_CODES:
        return value.upper()
    return detect_currency(value)


def parse_amount(text: str, currency: str | None = None) -> Decimal | None:
    """The first amount in ``text``, reading "," and "." as the locale does; None when absent."""
    match = _NUMBER.search(text)
    if not match:
        return None
    raw = re.sub(r"[\s'\u00a0\u202f\u2009]", "", match.group())
    last_dot, last_comma = raw.rfind("."), raw.rfind(",")
    if last_dot >= 0 and last_comma >= 0:
        decimal_sep = "." if last_dot > last_comma else ","
    elif last_comma >= 0:
        decimals = len(raw) - last_comma - 1
        decimal_sep = "," if raw.count(",") == 1 and decimals != 3 else ""
    elif last_dot >= 0:
        decimals = len(raw) - last_dot - 1
        thousands = raw.count(".") > 1 or (decimals == 3 and currency in _DECIMAL_COMMA_CURRENCIES)
        decimal_sep = "" if thousands else "."
    else:
        decimal_sep = ""
    if decimal_sep == ",":
        raw = raw.replace(".", "").replace(",", ".")
    elif decimal_sep == ".":
        raw = raw.replace(",", "")
    else:
        raw = raw.replace(",", "").replace(".", "")
    try:
        return Decimal(raw)
    except InvalidOperation:
        return None


def parse_price(text: str | float | Decimal | None, currency: str | None = None) -> tuple[Decimal | None, str | None]:
    """(amount, ISO currency) from a price text; ``currency`` is used when the text names none."""
    if text is None:
        return None, normalise_currency(currency)
    if isinstance(text, int | float | Decimal):
        amount = Decimal(str(text))
        usable = amount.is_finite() and amount >= 0  # structured data can carry NaN, Infinity or -1
        return (amount if usable else None), normalise_currency(currency)
    found = detect_currency(text) or normalise_currency(currency)
    return parse_amount(text, found), found
