"""Hostile input: arbitrary text and bytes give results or clear validation errors, never crashes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from crawlers.extract import extract_listing
from crawlers.prices import parse_price
from detection.marks import MarkSpec
from detection.matcher import Matcher
from detection.normalise import mark_forms, normalise, title_forms
from shared_db.importers import MarkImportError, import_marks

# Text that mixes the scripts and tricks listings use: Latin, Cyrillic/Greek look-alikes, CJK,
# full-width forms, combining marks, emoji, controls and separators.
HOSTILE_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
        st.sampled_from(list("NIKEnike0134$@.-_ Ν𝐍ＮΙКЕ耐克索尼\u200b\u202e\ufeff\u0301😀")),
    ),
    max_size=300,
)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MATCHER = Matcher([
    MarkSpec(id=1, text="NIKE", aliases=("Air Jordan",), transliterations=("耐克", "naike")),
    MarkSpec(id=2, text="SONY", transliterations=("索尼",)),
    MarkSpec(id=3, text="HP"),
    MarkSpec(id=4, text="APPLE"),
])


@FAST
@given(HOSTILE_TEXT)
def test_normalisers_accept_any_text(text: str) -> None:
    assert isinstance(normalise(text), str)
    for form in title_forms(text):
        assert isinstance(form.text, str)
    for variant, form in mark_forms(text):
        assert isinstance(variant, str) and isinstance(form, str)


@FAST
@given(HOSTILE_TEXT)
def test_matcher_spans_and_scores_stay_in_bounds(text: str) -> None:
    for match in MATCHER.match(text, score_cutoff=70):
        start, end = match.span
        assert 0 <= start <= end <= len(text)
        assert 0 <= match.score <= 100
        assert match.reasons


@FAST
@given(st.one_of(HOSTILE_TEXT, st.floats(allow_nan=True, allow_infinity=True), st.none()))
def test_price_parser_returns_a_price_or_nothing(text) -> None:  # type: ignore[no-untyped-def]
    try:
        amount, currency = parse_price(text)
    except (ValueError, ArithmeticError) as exc:  # only for non-finite floats, with a message
        assert str(exc)
        return
    assert amount is None or (isinstance(amount, Decimal) and amount.is_finite() and amount >= 0)
    assert currency is None or (len(currency) == 3 and currency.isupper())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000) | HOSTILE_TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_extract_accepts_any_bytes(body: bytes) -> None:
    listing = extract_listing(body, "https://shop.example/item/1")
    assert isinstance(listing, dict)
    assert listing["url"].startswith("http")


CSV_LINES = st.lists(
    st.one_of(
        HOSTILE_TEXT.map(lambda t: t.replace("\n", " ")),
        st.just("SONY,Sony,索尼;suoni,9,,,,not-a-price,USD,"),
        st.just("NIKE,Nike,,25,,,,120.00,USD,"),
        st.just('"unterminated,Nike'),
    ),
    max_size=8,
)


@pytest.fixture
def import_session(sqlite_engine):  # type: ignore[no-untyped-def]
    return lambda: Session(sqlite_engine)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(lines=CSV_LINES, raw=st.binary(max_size=200))
def test_csv_import_reports_rows_or_refuses_the_file(import_session, lines: list[str], raw: bytes) -> None:
    header = "mark,owner,aliases,classes,jurisdictions,registration_number,office,reference_price,currency,authorised_sellers\n"
    data = (header + "\n".join(lines)).encode() + raw
    with import_session() as session:
        try:
            report = import_marks(data, fmt="csv", session=session)
        except MarkImportError as exc:
            assert str(exc)
            return
        finally:
            session.rollback()
    assert all(line >= 1 and reason for line, reason in report.rejected)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=500) | HOSTILE_TEXT.map(lambda t: f"<TradeMark>{t}</TradeMark>".encode()))
def test_st66_import_reports_or_refuses(import_session, data: bytes) -> None:
    with import_session() as session:
        try:
            import_marks(data, fmt="st66", session=session)
        except MarkImportError as exc:
            assert str(exc)
        finally:
            session.rollback()
