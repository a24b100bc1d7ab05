"""Search-driven crawls (crawlers.spiders.search) of the demo marketplace and of hostile search pages, into a real ES."""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from crawlers.fetchlog import FetchLog
from crawlers.profile import PROFILES_DIR
from crawlers.runner import run_crawl
from crawlers.search import SearchQuery
from markwatch.demo_market import DemoMarket
from markwatch.demo_market.rights import DEMO_MARKS
from shared_db.es.client import make_client
from shared_db.es.listings import ListingsIndex
from shared_db.repo.marks import upsert_mark
from shared_db.schemas import MarkCreate
from shared_db.settings import Settings

pytestmark = pytest.mark.slow
PROFILE = "demo_market_search"
PAGE_SIZE = 8
ONE_AT_A_TIME = {"MARKWATCH_SEARCH_CONCURRENT_QUERIES": 1}


@pytest.fixture(scope="module")
def shop(shared_data: Path) -> Iterator[DemoMarket]:
    """A 300-listing demo marketplace whose search shows 8 results a page."""
    with DemoMarket(size=300, seed=7, data_dir=shared_data, page_size=PAGE_SIZE, slow_seconds=0.3) as demo:
        yield demo


@pytest.fixture
def shop_settings(crawl_settings: Settings, shop: DemoMarket, sqlite_engine: Engine) -> Iterator[Settings]:
    current = crawl_settings.model_copy(update={"allowed_private_hosts": [shop.base_url]})
    yield current
    FetchLog(make_client(current), current).delete()


@pytest.fixture
def demo_marks(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session, session.begin():
        for mark in DEMO_MARKS:
            upsert_mark(MarkCreate(text=mark.mark, owner=mark.owner, aliases=[mark.chinese],
                                   transliterations=[mark.pinyin], classes=list(mark.classes),
                                   authorised_sellers=list(mark.authorised_sellers)), session=session)


def indexed_ids(settings: Settings) -> set[str]:
    index = ListingsIndex(make_client(settings), settings)
    index.refresh()
    return {doc["listing_id"] for doc in index.iterate(fields=["listing_id"])}


def search(shop: DemoMarket, settings: Settings, queries: list[SearchQuery] | None = None, *,
           profile: str = PROFILE, **options: Any) -> Any:
    summary = run_crawl(profile, start_urls=[f"{shop.base_url}/"], settings=settings, timeout=300, queries=queries,
                        **options)
    assert summary.status == "succeeded", summary.error
    return summary


def test_watch_queries_find_the_injected_lookalikes_and_more_than_the_marks_words_alone(
        shop: DemoMarket, shop_settings: Settings, demo_marks: None, sqlite_engine: Engine) -> None:
    from detection.batch import run_detection
    from shared_db.models import Hit

    truth = {r["listing_id"]: r for r in shop.ground_truth()}
    injected = {key for key, r in truth.items() if r["infringing"]}
    before = shop.requests["product"]
    watched = search(shop, shop_settings)  # no queries given: the crawl reads the rights database's
    stats = watched.stats
    assert stats["markwatch/search/queries"] == stats["markwatch/search/queries_given"] > 3 * len(DEMO_MARKS)
    assert stats["markwatch/search/queries/lookalike"] > 0 and stats["markwatch/search/queries/transliteration"] > 0
    found = indexed_ids(shop_settings)
    assert found <= set(truth) and shop.requests["product"] - before == len(found)
    assert len(found) < len(truth)  # not the whole catalogue
    assert len(found & injected) >= 0.8 * len(injected)

    words_only = shop_settings.model_copy(update={"es_index_prefix": f"test-{uuid.uuid4().hex[:10]}"})
    try:
        search(shop, words_only, [SearchQuery(text=m.mark, priority=1.0, kind="mark") for m in DEMO_MARKS])
        by_words = indexed_ids(words_only)
    finally:
        ListingsIndex(make_client(words_only), words_only).delete_all()
        FetchLog(make_client(words_only), words_only).delete()
    only_watched = {truth[key]["kind"] for key in (found - by_words) & injected}
    assert "transliteration" in only_watched, only_watched  # 佳能, huipu: no spelling of the mark's word
    assert by_words & injected < found & injected

    run_detection(settings=shop_settings, engine=sqlite_engine, full=True)
    with Session(sqlite_engine) as session:
        hit = {key.split(":", 1)[1] for key in session.scalars(select(Hit.listing_id))}
    kinds = {truth[key]["kind"] for key in hit & injected}
    assert {"leet", "homoglyph", "typo", "transliteration"} <= kinds, kinds


def test_listings_fetched_within_the_recency_window_are_not_fetched_again(
        shop: DemoMarket, shop_settings: Settings) -> None:
    queries = [SearchQuery(text="canon")]
    first = search(shop, shop_settings, queries)
    requested = first.stats["markwatch/search/listings_requested"]
    assert requested > PAGE_SIZE and first.indexed == requested

    again = search(shop, shop_settings, queries)
    assert again.stats["markwatch/search/pages"] == first.stats["markwatch/search/pages"]
    assert again.stats.get("markwatch/search/listings_requested", 0) == 0
    assert again.stats["markwatch/search/skipped_recent"] == requested

    client = make_client(shop_settings)
    old = (datetime.now(UTC) - timedelta(days=2)).isoformat()
    log = FetchLog(client, shop_settings)
    for index, field in ((log.name, "fetched_at"), (shop_settings.listings_alias, "crawled_at")):
        client.update_by_query(index=index, refresh=True, conflicts="proceed", body={
            "script": {"source": f"ctx._source.{field} = params.old", "params": {"old": old}}})
    aged = search(shop, shop_settings, queries)  # older than the profile's 24 hours: fetched again
    assert aged.stats["markwatch/search/listings_requested"] == requested
    assert aged.stats["markwatch/incremental/unchanged"] == requested and aged.indexed == 0
    # unchanged pages are not re-indexed, but the fetch log knows they were just fetched
    assert search(shop, shop_settings, queries).stats.get("markwatch/search/listings_requested", 0) == 0


def test_the_page_budget_goes_to_the_highest_priority_query_first_and_is_never_exceeded(
        shop: DemoMarket, shop_settings: Settings) -> None:
    canon = [x.listing_id for x in shop.search_engine.search("canon")]
    assert len(canon) > PAGE_SIZE
    before = shop.requests["search"] + shop.requests["product"]
    summary = search(shop, shop_settings, [SearchQuery(text="sony", priority=1.0),
                                           SearchQuery(text="canon", priority=5.0)],
                     budget=6, scrapy_settings=ONE_AT_A_TIME)
    stats = summary.stats
    assert shop.requests["search"] + shop.requests["product"] - before == 6
    assert stats["markwatch/search/pages"] == 1 and stats["markwatch/search/listings_requested"] == 5
    assert stats["markwatch/search/budget_exhausted"] is True and stats["markwatch/search/queries_unsearched"] == 1
    assert indexed_ids(shop_settings) == set(canon[:5])  # canon's best results; sony was never searched


def write_profile(tmp_path: Path, **search: Any) -> str:
    """The packaged search profile with some ``[search]`` values replaced, as a file."""
    lines = [line for line in (PROFILES_DIR / f"{PROFILE}.toml").read_text(encoding="utf-8").splitlines()
             if line.split(" = ")[0] not in search]
    at = lines.index("[search]") + 1
    lines[at:at] = [f"{key} = {value}" for key, value in search.items()]
    path = tmp_path / f"{PROFILE}_custom.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_result_pages_are_followed_to_the_last_or_the_profiles_limit(
        shop: DemoMarket, shop_settings: Settings, tmp_path: Path) -> None:
    results = shop.search_engine.search("sony")
    assert len(results) > 2 * PAGE_SIZE
    pages = min(math.ceil(len(results) / PAGE_SIZE), 4)
    walked = search(shop, shop_settings, [SearchQuery(text="sony")])
    assert walked.stats["markwatch/search/pages"] == pages
    assert indexed_ids(shop_settings) == {x.listing_id for x in results[: pages * PAGE_SIZE]}

    shallow = write_profile(tmp_path, max_pages_per_query=1, recency_hours=0)
    first_page = search(shop, shop_settings, [SearchQuery(text="sony")], profile=shallow)
    assert first_page.stats["markwatch/search/pages"] == 1
    assert first_page.stats["markwatch/search/listings_requested"] == PAGE_SIZE  # recency 0: fetched again


def test_hostile_result_links_are_not_followed_and_queries_are_encoded(
        serve: Callable[..., Any], product_page: Callable[..., bytes], crawl_settings: Settings,
        tmp_path: Path) -> None:
    server, elsewhere = serve(), serve({"/item/4": (200, {}, product_page("Elsewhere"))})
    links = ["/item/1", "/item/1?ref=again", "http://10.0.0.1/item/2", "http://169.254.169.254/item/3",
             f"{elsewhere.base_url}/item/4", "javascript:alert(1)", "/about", "/item/5"]
    results = "".join(f'<a class="hit" href="{href}">x</a>' for href in links)
    query_path = "/find?text=sony%20%26%20co%2F..%3F%23%20%E7%B4%A2%E5%B0%BC&p=1"
    server.pages.update({
        query_path: (200, {}, f'<html><body>{results}<a class="more" href="http://10.0.0.1/find?p=2">next</a>'
                              "</body></html>".encode()),
        "/item/1": (200, {}, product_page("SONY headphones")),
        "/item/5": (302, {"Location": "http://10.0.0.1/item/5"}, b""),
    })
    profile = tmp_path / "hostile_shop.toml"
    profile.write_text(f'''marketplace = "hostile-shop"
start_urls = ["{server.base_url}/"]
allowed_domains = ["127.0.0.1"]
product_url_pattern = "^/item/(\\\\d+)$"
search_url = "{server.base_url}/find?text={{query}}&p={{page}}"
[search]
results = "a.hit"
next = "a.more"
''', encoding="utf-8")
    settings = crawl_settings.model_copy(update={"allowed_private_hosts": [server.base_url]})
    try:
        summary = run_crawl(str(profile), settings=settings, timeout=120,
                            queries=[SearchQuery(text="sony & co/..?# 索尼")])
    finally:
        FetchLog(make_client(settings), settings).delete()
    assert summary.status == "succeeded", summary.error
    assert query_path in server.requests
    assert sorted(p for p in server.requests if p.startswith("/item/")) == ["/item/1", "/item/5"]
    assert elsewhere.requests == []
    stats = summary.stats
    assert stats["markwatch/search/offsite_results"] == 5  # 10.0.0.1, 169.254.169.254, another port, javascript:, next
    assert stats["markwatch/search/not_listings"] == 1 and stats["markwatch/search/duplicate_results"] == 1
    assert stats["markwatch/blocked/private_address"] == 1  # /item/5's redirect, refused by the middleware
    assert indexed_ids(settings) == {"1"}
