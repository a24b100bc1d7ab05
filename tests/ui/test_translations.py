"""The Chinese interface is complete: every shown message has a translation with the same placeholders,
and the reasons and explanations detection writes are recognised and translated (old hits included)."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from detection.classifier.signals import describe
from detection.domains import DomainMatcher
from detection.marks import MarkSpec
from detection.matcher import Matcher
from markwatch.demo_market.catalogue import build_catalogue
from markwatch.demo_market.rights import DEMO_MARKS
from review_ui.babel_extract import shared_messages
from review_ui.i18n import catalogue, translator
from shared_db.messages import REGISTRY, parse, translate

CJK = re.compile(r"[\u4e00-\u9fff]")
zh = translator("zh_Hans")


def _names(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_babel_finds_every_declared_message() -> None:
    # the msgids are literal strings Babel extracts: none is built at run time, none is missed
    assert shared_messages() == {m.msgid for m in REGISTRY}


def test_translations_keep_the_placeholders() -> None:
    wrong = {msgid: text for msgid, text in catalogue("zh_Hans").items() if _names(msgid) != _names(text)}
    assert wrong == {}


def _demo_marks() -> list[MarkSpec]:
    return [MarkSpec(i, m.mark, aliases=(m.chinese,), transliterations=(m.pinyin,), classes=m.classes,
                     reference_price=100.0, currency="USD", authorised_sellers=m.authorised_sellers)
            for i, m in enumerate(DEMO_MARKS)]


def _reasons(shared_data: Path) -> list[str]:
    """Reasons the matcher writes for the demo marketplace's titles (every kind of infringement it injects)."""
    listings = build_catalogue(seed=7, size=400, data_dir=shared_data).listings
    matcher = Matcher(_demo_marks())
    contexts = [{"category": x.category, "brand": x.brand,
                 "price": float(x.price), "currency": x.currency, "seller": x.seller_id} for x in listings]
    found = matcher.match_many([x.title for x in listings], score_cutoff=70, contexts=contexts)
    reasons = [reason for matches in found for match in matches for reason in match.reasons]
    hosts = DomainMatcher([MarkSpec(1, "ROTHY'S"), MarkSpec(2, "PayPal"), MarkSpec(3, "Apple"),
                           MarkSpec(4, "Comcast", aliases=("Xfinity",))])
    for url in ("https://rothysshoessale.com/", "https://paypa1-login.example.com/", "https://paypall.net/x",
                "https://apple-support-id.com/", "https://xfinity-billing.info/"):
        reasons += [r for match in hosts.match(url, score_cutoff=70) for r in match.reasons]
    return reasons


def _explanations() -> list[str]:
    records = [
        {"mark_text": "SONY", "match_kind": "homoglyph", "match_score": 92.0, "matched_text": "S0NY",
         "terms": [["replica", "copy", "title"], ["aaa", "copy", "description"]], "price": 20, "currency": "USD",
         "reference_price": 100, "reference_currency": "USD", "seller_authorised": False, "seller_hits": 4,
         "seller_confirmed": 2, "seller_dismissed": 1, "seller_age_days": 3.0, "category_compatible": False,
         "category": "toys", "image_similarity": 0.95, "image_best_index": 1, "image_other_sellers": 3},
        {"mark_text": "CANON", "match_kind": "exact", "match_score": 100.0, "seller_authorised": True,
         "category_compatible": True, "image_similarity": 0.5, "image_best_index": 0, "image_other_sellers": 1},
        {"match_kind": "leet", "match_score": 88.0, "image_similarity": 0.97, "image_best_index": 0},
    ]
    return [text for record in records for text in describe(record).values()]


@pytest.fixture(scope="module")
def produced(shared_data: Path) -> list[str]:
    return _reasons(shared_data) + _explanations()


def test_what_detection_writes_is_recognised_and_translated(produced: list[str]) -> None:
    unknown = sorted({text for text in produced if parse(text) is None})
    assert unknown == [], "reasons or explanations not made from a declared message"
    used = {parse(text)[0].msgid for text in produced}
    assert len(used) >= 20, sorted(used)  # the sample exercises many kinds of reason
    for text in set(produced):
        chinese = translate(text, zh)
        assert CJK.search(chinese) and chinese != text, text


def test_nested_reasons_translate_their_parts() -> None:
    reason = ("url: 'rothys' in the host name rothysshoessale.com is the mark 'ROTHY'S' (written without spaces "
              "or punctuation), joined with 'shoes sale'")
    assert translate(reason, zh) == ("url：主机名 rothysshoessale.com 中的“rothys”即商标“ROTHY'S”（去掉空格或标点书写），"
                                     "与“shoes sale”连写")
    counted = ("'HP' is short (2 letters or digits): counted because it stands in the brand position, "
               "the goods fit the mark's classes")
    assert translate(counted, zh) == "“HP”是较短的商标（2 个字母或数字）：因位于品牌位置、商品符合该商标的类别而计入"
    assert translate("some text a person typed", zh) == "some text a person typed"
    assert translate("'x' is 87% similar to the mark 'SONY'", translator("en")) == "'x' is 87% similar to the mark 'SONY'"


def test_a_hit_page_shows_reasons_and_explanations_in_chinese(world, login_as, csrf, sqlite_engine) -> None:
    from sqlalchemy.orm import Session

    from shared_db.models import Hit

    with Session(sqlite_engine) as session, session.begin():
        hit = session.get(Hit, world.hits_a[0])
        hit.reasons = ["'acme' is the mark 'ACME'", "listing category 'bags' fits the mark's classes"]
        hit.explanations = ["price 90% below reference", "seller first seen 3 days ago"]
    client = login_as("reviewer")
    client.post("/account/locale", data={"locale": "zh_Hans", "next": "/queue", "csrf_token": csrf(client, "/queue")})
    page = client.get(f"/hits/{world.hits_a[0]}").text
    assert "“acme”即商标“ACME”" in page and "商品类别“bags”符合该商标的类别" in page
    assert "价格低于参考价 90%" in page and "卖家首次出现于 3 天前" in page
    assert "is the mark" not in page and "below reference" not in page


def test_form_validation_errors_in_chinese(world, login_as, csrf) -> None:
    holder = login_as("holder_a")
    holder.post("/account/locale", data={"locale": "zh_Hans", "next": "/marks", "csrf_token": csrf(holder, "/marks")})
    response = holder.post("/marks/new", data={"csrf_token": csrf(holder, "/marks/new"), "text": "BAD",
                                               "classes": "99", "currency": "dollars"})
    assert response.status_code == 422
    assert "classes: 尼斯分类号应在 1 到 45 之间，收到的是 [99]" in response.text
    assert "币种必须是 ISO 4217 代码" in response.text and "ISO 4217 code such as" not in response.text
    admin = login_as("admin")
    admin.post("/account/locale", data={"locale": "zh_Hans", "next": "/queue", "csrf_token": csrf(admin, "/queue")})
    weak = admin.post("/admin/users", data={"email": "x@example.org", "password": "short", "role": "reviewer",
                                            "csrf_token": csrf(admin, "/admin/users")})
    assert weak.status_code == 422 and "密码至少需要 12 个字符" in weak.text


def test_url_safety_errors_in_chinese(world, login_as, csrf) -> None:
    holder = login_as("holder_a")
    holder.post("/account/locale", data={"locale": "zh_Hans", "next": "/report", "csrf_token": csrf(holder, "/report")})
    token = csrf(holder, "/report")
    for url, expected in (("http://127.0.0.1:9200/", "不允许此地址"), ("ftp://example.com/x", "只能举报 http:// 和 https:// 网址")):
        page = holder.post("/report", data={"url": url, "csrf_token": token})
        assert page.status_code == 422 and expected in page.text.split('id="report-error">', 1)[1].split("</p>")[0]
