"""Marks in host names and URLs (detection.domains): the failure classes of issue 14, with real hosts."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from detection import hosts, lexicon
from detection.batch import run_detection
from detection.domains import (
    FUZZY_MIN_LENGTH,
    Candidate,
    DomainMatcher,
    _same_start,
    edit_keys,
    one_edit,
    plausible_typo,
)
from detection.hosts import looks_like_host, split_host
from detection.listing_hosts import FieldMatch, add_field_matches, listing_hosts
from detection.marks import MarkSpec
from detection.matcher import KINDS, Matcher
from shared_db.es.client import make_client
from shared_db.es.listings import ListingsIndex
from shared_db.models import Hit
from shared_db.repo.marks import upsert_mark
from shared_db.schemas import MarkCreate
from shared_db.settings import Settings as AppSettings

# Real marks, and real marks that sit close to them (distractors a register holds).
REGISTER = [MarkSpec(i, text, aliases=aliases) for i, (text, aliases) in enumerate([
    ("ROTHY'S", ()), ("RANGE ROVER", ()), ("TVB", ()), ("TIRE RACK", ()), ("SODEXO", ()), ("PayPal", ()),
    ("eBay", ()), ("Amazon", ()), ("Apple", ()), ("Orange", ()), ("Instagram", ()), ("Elon", ()), ("Belk", ()),
    ("Glass", ()), ("Signal", ()), ("ING", ()), ("TypeORM", ()), ("Comcast", ("Xfinity",)), ("Xcode", ()),
    ("Bento", ()), ("Git", ()), ("Rover", ()), ("Watch", ()), ("Facebook", ()), ("Lloyds Bank", ("Lloyds",)),
])]
ID = {mark.text: mark.id for mark in REGISTER}


@pytest.fixture(scope="module")
def matcher() -> DomainMatcher:
    return DomainMatcher(REGISTER)


def found(matcher: DomainMatcher, text: str) -> dict[str, str]:
    """Mark text → matched text, for the marks found in ``text``."""
    return {REGISTER[match.mark_id].text: match.matched_text for match in matcher.match(text)}


@pytest.mark.parametrize(("host", "mark", "matched", "reason"), [
    # a mark concatenated with other words, its apostrophe dropped (UDRP: Rothy's)
    ("rothysshoessale.com", "ROTHY'S", "rothys",
     "'rothys' in the host name rothysshoessale.com is the mark 'ROTHY'S' (written without spaces or "
     "punctuation), joined with 'shoes sale'"),
    # a multi-word mark written without its space, then another word
    ("rangeroverdoncaster.com", "RANGE ROVER", "rangerover", "joined with 'doncaster'"),
    ("tireracktires.com", "TIRE RACK", "tirerack", "joined with 'tires'"),
    # a short mark as a whole piece beside a dictionary word
    ("watchtvb.com", "TVB", "tvb", "joined with 'watch'"),
    # a typo alone in the label: two letters one apart swapped
    ("sodoxe.cloud", "SODEXO", "sodoxe", "is one edit from the mark 'SODEXO' (83% similar)"),
    # a typo concatenated with other words, and with letters that are no word
    ("instsgramnm.000webhostapp.com", "Instagram", "instsgram", "one edit from the mark 'Instagram'"),
    # the mark inflected, in a hyphenated label
    ("cancel-blockir-facebooks.ga", "Facebook", "facebook", "'facebook' in the host name"),
    # an ordinary-word mark as a whole hyphen-separated part of a subdomain that spells a host
    ("www.amazon.co-pz.icu", "Amazon", "amazon", "is an ordinary word"),
    ("amazon-jp.account175.xyz", "Amazon", "amazon", "'amazon' in the host name"),
    # a typo of a long multi-word form cutting into the next word
    ("lloydbanking-secure-payee-attempt.com", "Lloyds Bank", "lloydbank", "one edit from the mark 'Lloyds Bank'"),
])
def test_marks_hidden_in_real_phishing_and_udrp_hosts_are_found(
        matcher: DomainMatcher, host: str, mark: str, matched: str, reason: str) -> None:
    matches = [m for m in matcher.match(host) if m.mark_id == ID.get(mark, ID.get(mark.title()))]
    assert matches, f"{mark} not found in {host}"
    match = matches[0]
    assert match.kind == "domain" and match.matched_text == matched
    assert host[match.span[0]:match.span[1]] == matched
    assert any(reason in r for r in match.reasons), match.reasons


def test_other_marks_in_the_same_hosts_are_not_reported(matcher: DomainMatcher) -> None:
    # "rover" and "watch" are ordinary-word marks: inside "rangerover" or "watchtvb" they are no hit.
    assert set(found(matcher, "rangeroverdoncaster.com")) == {"RANGE ROVER"}
    assert set(found(matcher, "watchtvb.com")) == {"TVB"}


@pytest.mark.parametrize("host", [
    "delonghi.com",            # ELON is a slice of a name of its own
    "www.belkin.com",          # BELK likewise
    "orangecountyhomes.com",   # ORANGE is an ordinary word joined with others
    "www.glassdoor.com",       # GLASS likewise
    "appsignal.com",           # SIGNAL likewise
    "www.bookingholdings.com",  # ING is the end of "booking"
    "www.typeform.com",        # one edit from TYPEORM, but no typo a person makes ('f' struck from nowhere)
    "dfinity.org",             # one edit from XFINITY, but another first letter: another name
    "adventofcode.com",        # "fcode" cuts through "advent of code"
    "www.bentley.com",         # "bentl" is a slice of a name of its own
    "git.devuan.org",          # GIT as a subdomain names the service there
    "www.storage.com",
])
def test_genuine_hosts_do_not_match(matcher: DomainMatcher, host: str) -> None:
    assert matcher.match(host) == []


def test_punycode_host_with_look_alike_characters_is_decoded(matcher: DomainMatcher) -> None:
    text = "https://xn--80ak6aa92e.com/login"  # аррӏе.com, in Cyrillic letters
    (match,) = matcher.match(text)
    assert match.mark_id == ID["Apple"] and match.score == 100.0
    assert text[match.span[0]:match.span[1]] == "xn--80ak6aa92e"
    assert "(аррӏе.com)" in match.reasons[0] and "look-alike characters" in match.reasons[1]


def test_unicode_host_is_folded_and_spans_the_original(matcher: DomainMatcher) -> None:
    text = "раураl-secure.com"  # Cyrillic р, а, у
    (match,) = matcher.match(text)
    assert match.mark_id == ID["PayPal"] and match.matched_text == "раураl" and match.span == (0, 6)


def test_url_path_and_query_are_ignored(matcher: DomainMatcher) -> None:
    text = "  https://user@www.paypal-secure.example-login.com:8443/ebay/signin?next=amazon#apple"
    (match,) = matcher.match(text)
    assert match.mark_id == ID["PayPal"] and text[match.span[0]:match.span[1]] == "paypal"
    assert matcher.match("https://example.com/paypal/instagram?brand=ebay") == []


def test_digits_for_letters_and_repeated_letters(matcher: DomainMatcher) -> None:
    assert found(matcher, "wwwfac3b00k-login.com") == {"Facebook": "fac3b00k"}
    assert found(matcher, "paypaaal-help.net") == {"PayPal": "paypaaal"}
    assert found(matcher, "faceboook-rnessages.com") == {"Facebook": "faceboook"}  # "rnessages": no mark


def test_letter_pairs_drawn_as_one_letter() -> None:
    matcher = DomainMatcher([MarkSpec(1, "Samsung"), MarkSpec(2, "Microsoft"), MarkSpec(3, "Twitter")])
    [match] = matcher.match("sarnsungstore.net")
    assert (match.mark_id, match.matched_text) == (1, "sarnsung")
    assert any("look-alike characters" in reason for reason in match.reasons)
    assert [m.matched_text for m in matcher.match("login.rnicrosoft-verify.com")] == ["rnicrosoft"]
    assert matcher.match("tvvitter-verify.com") == []  # "twitter" is an English word: only as written


def test_authorised_domains_are_not_hits() -> None:
    own = DomainMatcher([MarkSpec(1, "ROTHY'S", authorised_domains=("rothys.com",))])
    assert own.match("https://shop.rothys.com/") == []
    assert [m.mark_id for m in own.match("rothys-outlet.com")] == [1]


@pytest.mark.parametrize(("text", "expected"), [
    ("rothysshoessale.com", True), ("https://x.shop/p?q=1", True), ("WWW.Example.CO.UK.", True),
    ("xn--80ak6aa92e.com", True), ("Socket.io", True),
    ("3.5mm", False), ("v2.0", False), ("Node.js", False), ("Nike Air Max 90", False), ("", False),
    ("127.0.0.1", False), ("http://192.168.0.1/login", False), ("see paypal.com now", False), ("nike", False),
])
def test_looks_like_host(text: str, expected: bool) -> None:
    assert looks_like_host(text) is expected


def test_the_bundled_suffix_list_is_used_and_nothing_is_fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a network connection was attempted")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    hosts._extractor.cache_clear()
    try:
        extractor = hosts._extractor()
        assert extractor.suffix_list_urls == () and not extractor._cache.enabled  # no URL to fetch, no disk cache
        host = split_host("https://ig-securityabout.blogspot.com/x")
    finally:
        hosts._extractor.cache_clear()
    assert host is not None and host.suffix == "blogspot.com" and host.labels[0].text == "ig-securityabout"


def test_matcher_routes_hosts_to_the_domain_matcher() -> None:
    title_matcher = Matcher(REGISTER)
    (match,) = title_matcher.match("rothysshoessale.com")
    assert match.kind == "domain" and match.mark_id == ID["ROTHY'S"] and "domain" in KINDS
    titles = ["Rothy's flats size 8", "https://sodoxe.cloud/menu", "plain kettle"]
    results = title_matcher.match_many(titles)
    assert [m.kind for m in results[0]] != ["domain"] and results[0][0].mark_id == ID["ROTHY'S"]
    assert [(m.mark_id, m.kind) for m in results[1]] == [(ID["SODEXO"], "domain")]
    assert results[2] == []


# -- the fast path against brute force ----------------------------------------------------------------


def reference_candidates(matcher: DomainMatcher, part: str) -> set[Candidate]:
    """Every slice against every form, the definitions read literally."""
    out = set()
    for start in range(len(part)):
        for end in range(start + 1, len(part) + 1):
            piece = part[start:end]
            for index, form in enumerate(matcher._forms):
                if piece == form.text:
                    out.add(Candidate(start, end, index, 0))
                elif (len(form.text) >= FUZZY_MIN_LENGTH and piece not in matcher._exact and one_edit(piece, form.text)
                      and _same_start(piece, form.text) and plausible_typo(piece, form.text)
                      and not lexicon.is_known_spelling(piece)):
                    out.add(Candidate(start, end, index, 1))
    return out


class BruteForceMatcher(DomainMatcher):
    def candidates(self, part: str) -> list[Candidate]:
        return sorted(reference_candidates(self, part), key=lambda c: (c.start, c.end, c.form, c.edits))


WORDS = st.text(alphabet="abeilnors", min_size=2, max_size=8)


@settings(max_examples=150, deadline=None)
@given(forms=st.lists(WORDS, min_size=1, max_size=6), part=st.text(alphabet="abeilnors1", min_size=1, max_size=14))
def test_candidates_are_those_of_brute_force(forms: list[str], part: str) -> None:
    matcher = DomainMatcher([MarkSpec(i, form) for i, form in enumerate(forms)])
    assert set(matcher.candidates(part)) == reference_candidates(matcher, part)


@settings(max_examples=60, deadline=None)
@given(forms=st.lists(WORDS, min_size=1, max_size=5),
       labels=st.lists(st.text(alphabet="abeilnors-", min_size=1, max_size=12), min_size=1, max_size=3))
def test_matches_are_those_of_brute_force(forms: list[str], labels: list[str]) -> None:
    host = ".".join(label.strip("-") or "x" for label in labels) + ".com"
    marks = [MarkSpec(i, form) for i, form in enumerate(forms)]
    assert DomainMatcher(marks).match(host) == BruteForceMatcher(marks).match(host)


@given(a=WORDS, b=WORDS)
def test_one_edit_pairs_share_an_edit_key(a: str, b: str) -> None:
    if one_edit(a, b):
        assert edit_keys(a) & edit_keys(b)


# -- listings: seller and shop host names in batch detection --------------------------------------


def test_listing_hosts_skip_the_marketplace_itself() -> None:
    shop = {"marketplace": "demo", "url": "https://rothysshoessale.com/p/1"}
    assert listing_hosts(shop) == [("url", shop["url"])]
    on_market = {"marketplace": "amazon", "url": "https://www.amazon.com/dp/1",
                 "seller_url": "https://www.amazon.com/shops/rothysshoessale"}
    assert listing_hosts(on_market) == []
    linked = {"marketplace": "amazon", "url": "https://amazon.com/dp/1", "seller_url": "http://tireracktires.com"}
    assert listing_hosts(linked) == [("seller_url", "http://tireracktires.com")]


def test_field_matches_join_title_matches() -> None:
    title_matcher = Matcher(REGISTER)
    listings = [{"title": "Rothy's flats", "marketplace": "demo", "url": "https://rothysshoessale.com/p"},
                {"title": "summer flats", "marketplace": "demo", "seller_url": "https://rothysshoessale.com"}]
    results = add_field_matches(title_matcher, listings, title_matcher.match_many([d["title"] for d in listings]),
                                score_cutoff=80.0)
    (in_title,) = results[0]
    assert not isinstance(in_title, FieldMatch) and in_title.kind != "domain"
    assert in_title.reasons[-1].startswith("url: 'rothys' in the host name rothysshoessale.com")
    (in_field,) = results[1]
    assert isinstance(in_field, FieldMatch) and in_field.field == "seller_url" and in_field.kind == "domain"


@pytest.fixture
def index(settings: AppSettings) -> Iterator[ListingsIndex]:
    listings = ListingsIndex(make_client(settings), settings)
    listings.ensure()
    yield listings


def test_batch_detection_reports_seller_domains(settings: AppSettings, sqlite_engine: Engine,
                                                index: ListingsIndex) -> None:
    with Session(sqlite_engine) as session, session.begin():
        mark, _ = upsert_mark(MarkCreate(text="ROTHY'S", owner="Rothy's, Inc.", authorised_domains=["rothys.com"]),
                              session=session)
        rothys = mark.id
    index.bulk_upsert([
        {"marketplace": "demo", "listing_id": "1", "title": "Women's flat shoes", "url": "https://market.example/p/1",
         "seller_url": "https://rothysshoessale.com/"},
        {"marketplace": "rothys", "listing_id": "2", "title": "The Point", "url": "https://rothys.com/p/2"},
        {"marketplace": "demo", "listing_id": "3", "title": "Women's flat shoes", "url": "https://market.example/p/3",
         "seller_url": "https://market.example/seller/rothysshoessale"},
    ], refresh=True)
    summary = run_detection(settings=settings, engine=sqlite_engine)
    assert summary.status == "succeeded" and summary.listings_scanned == 3
    with Session(sqlite_engine) as session:
        (hit,) = session.scalars(select(Hit)).all()
    assert (hit.listing_id, hit.mark_id, hit.kind, hit.matched_text) == ("demo:1", rothys, "domain", "rothys")
    assert hit.span_start is None and hit.span_end is None  # the span lies in the seller URL, not the title
    assert hit.reasons[0].startswith("seller_url: 'rothys' in the host name rothysshoessale.com is the mark")
