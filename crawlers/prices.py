"""Prices as shops write them: "1.299,00 €", "¥1,299", "US $12.50", "12,50 zł" → (Decimal, ISO 4217).

Amounts are read by ``price-parser``; currencies come from the text, the declared currency, or — for
the symbols several currencies share ("$", "¥", "kr") — the site's locale (``html lang``, the TLD):
"¥" on a Japanese page is JPY, elsewhere CNY.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from price_parser import Price

# Longest markers first so "US $" wins over "$" and "zł" is not read as something else.
# Markers mapped to None are ambiguous: the locale decides (see :func:`resolve_symbol`).
CURRENCY_MARKERS: tuple[tuple[str, str | None], ...] = (
    ("US $", "USD"), ("US$", "USD"), ("USD", "USD"), ("EUR", "EUR"), ("€", "EUR"), ("GBP", "GBP"),
    ("£", "GBP"), ("RMB", "CNY"), ("CNY", "CNY"), ("JPY", "JPY"), ("円", "JPY"),
    ("PLN", "PLN"), ("zł", "PLN"), ("zl", "PLN"), ("CHF", "CHF"), ("CA$", "CAD"), ("C$", "CAD"),
    ("CAD", "CAD"), ("AU$", "AUD"), ("A$", "AUD"), ("AUD", "AUD"), ("NZ$", "NZD"), ("NZD", "NZD"),
    ("HK$", "HKD"), ("HKD", "HKD"), ("NT$", "TWD"), ("TWD", "TWD"), ("S$", "SGD"), ("SGD", "SGD"),
    ("MX$", "MXN"), ("MXN", "MXN"), ("₹", "INR"), ("INR", "INR"), ("₩", "KRW"), ("KRW", "KRW"),
    ("R$", "BRL"), ("BRL", "BRL"), ("₽", "RUB"), ("RUB", "RUB"), ("руб.", "RUB"), ("руб", "RUB"), ("р.", "RUB"),
    ("грн", "UAH"), ("₺", "TRY"), ("TRY", "TRY"), ("TL", "TRY"), ("₦", "NGN"), ("NGN", "NGN"), ("KSh", "KES"),
    ("KES", "KES"), ("GH₵", "GHS"), ("GHS", "GHS"), ("E£", "EGP"), ("EGP", "EGP"), ("৳", "BDT"), ("PKR", "PKR"),
    ("LKR", "LKR"),
    ("Kč", "CZK"), ("CZK", "CZK"), ("Ft", "HUF"), ("HUF", "HUF"), ("SEK", "SEK"), ("NOK", "NOK"),
    ("DKK", "DKK"), ("₫", "VND"), ("₱", "PHP"), ("฿", "THB"), ("원", "KRW"), ("₴", "UAH"), ("₪", "ILS"),
    ("RM", "MYR"), ("MYR", "MYR"), ("Rp", "IDR"), ("IDR", "IDR"), ("VND", "VND"), ("PHP", "PHP"), ("THB", "THB"),
    ("ZAR", "ZAR"), ("AED", "AED"), ("RON", "RON"), ("lei", "RON"), ("BGN", "BGN"), ("лв.", "BGN"), ("лв", "BGN"),
    ("ر.س", "SAR"), ("د.إ", "AED"), ("ج.م", "EGP"), ("جنيه", "EGP"), ("د.ك", "KWD"), ("ر.ق", "QAR"), ("د.ب", "BHD"), ("ر.ع", "OMR"),
    ("SAR", "SAR"), ("KWD", "KWD"), ("KD", "KWD"), ("QAR", "QAR"), ("BHD", "BHD"), ("OMR", "OMR"),
    ("₸", "KZT"), ("KZT", "KZT"), ("тг", "KZT"), ("₼", "AZN"), ("AZN", "AZN"),
    ("₮", "MNT"), ("MNT", "MNT"), ("RSD", "RSD"), ("ریال", "IRR"), ("﷼", "IRR"), ("IRR", "IRR"),
    ("د.م.", "MAD"), ("MAD", "MAD"), ("Dhs", None),
    ("￥", None), ("¥", None), ("元", None), ("kr", None), ("$", None), ("Rs.", None), ("Rs", None),
)
ISO_CODES = frozenset(code for _, code in CURRENCY_MARKERS if code) | {"RUB", "ZAR", "ILS", "AED", "SAR", "ISK",
                                                                       "ARS", "CLP", "COP", "PEN", "IDR", "MYR",
                                                                       "UYU", "UAH", "NPR"}
_SYMBOLS = "|".join(re.escape(m) for m, _ in CURRENCY_MARKERS if not m.isalpha())
_WORDS = "|".join(sorted({m for m, _ in CURRENCY_MARKERS if m.isalpha()} | set(ISO_CODES), key=len, reverse=True))
# the Peruvian sol, "S/ 4,299" or "S/. 4,299": only before the amount ("2024 S/S" is a season)
SOL = re.compile(r"(?<![\w/])S/\.?\s?(?=\d)")
MONEY = re.compile(rf"{SOL.pattern}|(?:{_SYMBOLS}|(?<![A-Za-z])(?:{_WORDS})(?![A-Za-z]))\s*\d"
                   rf"|\d[\d.,'\s\u00a0]*\s*(?:{_SYMBOLS}|(?<![A-Za-z])(?:{_WORDS})(?![A-Za-z]))")
"""A text that holds an amount with a currency marker ("US $12", "1.299,00 €", "12,50 zł", "1.299,99 TL")."""
EURO_COUNTRIES = frozenset("AT BE BG CY DE EE ES FI FR GR HR IE IT LT LU LV MT NL PT SI SK".split())  # BG: since 2026
COUNTRY_CURRENCY = {"US": "USD", "GB": "GBP", "UK": "GBP", "CA": "CAD", "AU": "AUD", "NZ": "NZD", "JP": "JPY",
                    "CN": "CNY", "HK": "HKD", "TW": "TWD", "KR": "KRW", "IN": "INR", "SG": "SGD", "CH": "CHF",
                    "SE": "SEK", "NO": "NOK", "DK": "DKK", "IS": "ISK", "PL": "PLN", "CZ": "CZK", "HU": "HUF",
                    "BR": "BRL", "MX": "MXN", "RU": "RUB", "TR": "TRY", "AR": "ARS", "CL": "CLP", "CO": "COP",
                    "MY": "MYR", "ID": "IDR", "TH": "THB", "VN": "VND", "PH": "PHP", "ZA": "ZAR", "IL": "ILS",
                    "AE": "AED", "SA": "SAR", "UA": "UAH", "RO": "RON", "PK": "PKR", "LK": "LKR", "NP": "NPR",
                    "BD": "BDT", "NG": "NGN", "KE": "KES", "GH": "GHS", "EG": "EGP",
                    "KZ": "KZT", "AZ": "AZN", "MN": "MNT", "RS": "RSD", "PE": "PEN", "UY": "UYU", "IR": "IRR", "MA": "MAD", "KW": "KWD",
                    **{c: "EUR" for c in EURO_COUNTRIES}}
LANGUAGE_CURRENCY = {"ja": "JPY", "zh": "CNY", "ko": "KRW", "pl": "PLN", "sv": "SEK", "da": "DKK", "nb": "NOK",
                     "no": "NOK", "cs": "CZK", "hu": "HUF", "de": "EUR", "fr": "EUR", "it": "EUR", "es": "EUR",
                     "nl": "EUR", "fi": "EUR", "el": "EUR", "sk": "EUR", "sl": "EUR", "et": "EUR", "lt": "EUR"}
# countries whose own currency is written with "$" (dollars and pesos)
_DOLLAR_COUNTRIES = {"CA": "CAD", "AU": "AUD", "NZ": "NZD", "SG": "SGD", "HK": "HKD", "TW": "TWD", "MX": "MXN",
                     "AR": "ARS", "CL": "CLP", "CO": "COP", "UY": "UYU", "BR": "BRL"}
_KRONA = {"SE": "SEK", "NO": "NOK", "DK": "DKK", "IS": "ISK", "sv": "SEK", "nb": "NOK", "no": "NOK", "da": "DKK"}
_TLD_COUNTRY = {"uk": "GB", "com.au": "AU", "co.jp": "JP", "co.nz": "NZ", "com.cn": "CN", "com.hk": "HK",
                "com.tw": "TW", "com.mx": "MX", "com.br": "BR", "com.sg": "SG", "co.kr": "KR"}
ZERO_DECIMAL = frozenset({"JPY", "KRW", "IDR", "VND", "CLP", "ISK", "COP", "HUF", "TWD"})
DOT_THOUSANDS = ZERO_DECIMAL | {"EUR", "PLN", "BRL", "SEK", "CZK", "DKK", "NOK", "TRY", "RUB", "ARS", "RON"}
# currencies of 1000 minor units: "KD 79.900" is 79.9 dinars, not 79 900
THREE_DECIMAL = frozenset({"KWD", "BHD", "OMR", "JOD", "TND", "LYD", "IQD"})
_THREE_DECIMAL_AMOUNT = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d+)\.(\d{3})(?![\d.,])")
_PLAIN_NUMBER = re.compile(r"\d{1,15}(\.\d{1,2}|\.\d{4,8})?")
EURO_CENTS = re.compile(r"(?<![\d.,])(\d{1,3}(?:[ .\u00a0]\d{3})*|\d+)\s?€\s?(\d{2})(?![\d.,])")
_MAX_TEXT = 200  # a price text longer than this is cut before parsing
# Arabic-Indic, Persian and full-width digits and separators as ASCII ("١٬٢٩٩٫٠٠" → "1,299.00", "４９，５００" → "49,500")
_DIGITS = str.maketrans({**{chr(base + i): str(i) for base in (0x660, 0x6F0, 0xFF10) for i in range(10)},
                         "\u066b": ".", "\u066c": ",", "\uff0c": ",", "\uff0e": "."})


def ascii_digits(text: str) -> str:
    """``text`` with the digits and separators other scripts use for amounts written in ASCII."""
    return text.translate(_DIGITS)


@dataclass(frozen=True)
class Locale:
    """Where a page comes from: ISO 3166 country (upper case) and ISO 639-1 language (lower case)."""

    country: str | None = None
    language: str | None = None

    @property
    def currency(self) -> str | None:
        """The currency prices on this site are most likely in when they name none."""
        if self.country in COUNTRY_CURRENCY:
            return COUNTRY_CURRENCY[self.country]
        if self.language == "zh" and self.country in ("TW", "HK"):
            return COUNTRY_CURRENCY[self.country]
        return LANGUAGE_CURRENCY.get(self.language or "")


def page_locale(url: str | None, lang: str | None = None) -> Locale:
    """The locale of a page from its ``lang`` attribute ("ja", "en-GB", "zh_CN") and its URL's TLD."""
    language = country = None
    if lang:
        parts = re.split(r"[-_]", lang.strip())
        language = parts[0].lower() or None
        if len(parts) > 1 and len(parts[1]) == 2 and parts[1].isalpha():
            country = parts[1].upper()
    host = (urlsplit(url or "").hostname or "").lower().rstrip(".")
    labels = host.split(".")
    if country is None and len(labels) >= 2:
        two = ".".join(labels[-2:])
        tld = labels[-1]
        country = _TLD_COUNTRY.get(two) or _TLD_COUNTRY.get(tld) or (tld.upper() if len(tld) == 2 else None)
    return Locale(country, language)


def resolve_symbol(marker: str, locale: Locale | None) -> str:
    """The currency of an ambiguous marker ("$", "¥", "kr") on a site of ``locale``."""
    country, language = (locale.country, locale.language) if locale else (None, None)
    if marker in ("¥", "￥"):
        return "JPY" if country == "JP" or (language == "ja" and country in (None, "JP")) else "CNY"
    if marker == "元":  # yuan, and the Taiwan and Hong Kong dollars written in Chinese
        return {"TW": "TWD", "HK": "HKD"}.get(country or "", "CNY")
    if marker in ("Rs", "Rs."):  # rupees
        return {"PK": "PKR", "LK": "LKR", "NP": "NPR"}.get(country or "", "INR")
    if marker == "Dhs":  # dirhams: Moroccan, and the UAE's written the same way
        return "AED" if country == "AE" else "MAD"
    if marker == "kr":
        return _KRONA.get(country or "") or _KRONA.get(language or "") or "SEK"
    return _DOLLAR_COUNTRIES.get(country or "", "USD")


def detect_currency(text: str, locale: Locale | None = None) -> str | None:
    """The ISO 4217 code a price text refers to, or None."""
    if SOL.search(text):
        return "PEN"
    upper = text.upper()
    for marker, code in CURRENCY_MARKERS:
        if marker.isascii() and marker.isalpha():
            found = re.search(rf"(?<![A-Za-z]){re.escape(marker.upper())}(?![A-Za-z])", upper)
        else:
            found = marker in text
        if found:
            return code or resolve_symbol(marker, locale)
    return None


def normalise_currency(value: str | None, locale: Locale | None = None) -> str | None:
    """An ISO 4217 code from a code, a symbol or a price text."""
    if not value:
        return None
    value = str(value).strip()
    if value.upper() in ISO_CODES:
        return value.upper()
    return detect_currency(value[:_MAX_TEXT], locale)


def parse_amount(text: str, currency: str | None = None) -> Decimal | None:
    """The first amount in ``text`` (the low end of a range), reading "," and "." as shops do; None when absent."""
    text = ascii_digits(text[:_MAX_TEXT])
    three = _THREE_DECIMAL_AMOUNT.search(text) if currency in THREE_DECIMAL else None
    if three:
        return Decimal(f"{three.group(1).replace(',', '')}.{three.group(2)}")
    if _PLAIN_NUMBER.fullmatch(text.strip()) or re.fullmatch(r"0\.\d{1,8}", text.strip()):
        return Decimal(text.strip())
    text = re.sub(r"(?<=\d)'(?=\d{3})", "", text)  # Swiss thousands: 1'299.50
    text = EURO_CENTS.sub(r"\1,\2 €", text)  # French "199€99"
    amount = Price.fromstring(text, currency_hint=currency).amount
    if amount is None:
        return None
    try:
        return amount if amount.is_finite() and amount >= 0 else None
    except InvalidOperation:
        return None


def parse_price(text: str | float | Decimal | None, currency: str | None = None,
                locale: Locale | None = None, *, machine: bool = False) -> tuple[Decimal | None, str | None]:
    """(amount, ISO currency) from a price text; ``currency`` (declared) wins over a symbol in the text,
    ``locale`` decides what an ambiguous symbol means. ``machine``: the text is a structured-data value,
    where "59.90" is read as written and "1.299" is 1299 only in a currency written with dot thousands
    (EUR, JPY, IDR, …)."""
    declared = normalise_currency(currency, locale)
    if text is None:
        return None, declared
    if isinstance(text, int | float | Decimal):
        amount = Decimal(str(text))
        usable = amount.is_finite() and amount >= 0  # structured data can carry NaN, Infinity or -1
        return (amount if usable else None), declared
    text = ascii_digits(text)
    found = declared or detect_currency(text[:_MAX_TEXT], locale)
    plain = text.strip()
    if machine and re.fullmatch(r"\d{1,15}\.\d{1,8}", plain):
        if found in DOT_THOUSANDS and re.fullmatch(r"[1-9]\d{0,2}(?:\.\d{3})+", plain):
            return Decimal(plain.replace(".", "")), found
        return Decimal(plain), found
    return parse_amount(text, found), found
