"""Search templates in site profiles, look-alike spellings, watch queries from the rights database, batches."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from crawlers.profile import ProfileError, load_profile
from crawlers.search import PageBudget, QueryFileError, SearchQuery, parse_queries, split_budget
from detection.lookalikes import likely_lookalikes
from detection.normalise import title_forms
from markwatch.jobs.crawl import search_batches
from markwatch.jobs.watch_queries import load_watch_queries, watch_queries
from shared_db.repo.marks import upsert_mark
from shared_db.schemas import MarkCreate

BASE = '''marketplace = "shop"
start_urls = ["https://shop.example/"]
allowed_domains = ["shop.example"]
product_url_pattern = "^/p/(\\\\d+)$"
'''


def write_profile(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "shop.toml"
    path.write_text(BASE + text, encoding="utf-8")
    return path


def test_a_search_template_is_loaded_and_encodes_every_query(tmp_path: Path) -> None:
    path = write_profile(tmp_path, 'search_url = "https://shop.example/search?q={query}&page={page}"\n'
                                   '[search]\nresults = "a.hit"\nnext = ["a.next"]\npages_per_run = 50\n')
    search = load_profile(str(path)).search
    assert search is not None and search.paged and search.results == ["a.hit"] and search.pages_per_run == 50
    assert search.batch_size == 25 and search.recency_hours == 24.0  # defaults
    url = search.page_url("sony & co/x?#=1 索尼", 3)
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path, parts.fragment) == ("https", "shop.example", "/search", "")
    assert parse_qs(parts.query) == {"q": ["sony & co/x?#=1 索尼"], "page": ["3"]}
    assert search.rebased("http://127.0.0.1:8811/").page_url("a", 1) == "http://127.0.0.1:8811/search?q=a&page=1"
    path_template = write_profile(tmp_path, 'search_url = "https://shop.example/s/{query}"\n[search]\nresults = "a"\n')
    assert load_profile(str(path_template)).search.page_url("a/../../admin") == "https://shop.example/s/a%2F..%2F..%2Fadmin"
    assert load_profile(str(write_profile(tmp_path, ""))).search is None


@pytest.mark.parametrize(("template", "section", "message"), [
    ("https://shop.example/search?q={query", 'results = "a"', "malformed"),
    ("https://shop.example/search?q={term}", 'results = "a"', "must contain {query}"),
    ("https://shop.example/search?q={query}&s={sort}", 'results = "a"', "nothing else in braces"),
    ("https://shop.example/search?q={query!r}", 'results = "a"', "no format spec"),
    ("https://{query}.shop.example/", 'results = "a"', "part of the host"),
    ("ftp://shop.example/?q={query}", 'results = "a"', "http(s) URL"),
    ("https://169.254.169.254/?q={query}", 'results = "a"', "not in allowed_domains"),
    ("https://shop.example/?q={query}", "next = ['a']", "results must name"),
    ("https://shop.example/?q={query}", 'results = "a"\npages_per_run = -1', "pages_per_run must be"),
    ("https://shop.example/?q={query}", 'results = "a"\nbudget = 3', "unknown [search] key"),
])
def test_a_malformed_search_template_is_refused_when_the_profile_loads(
        tmp_path: Path, template: str, section: str, message: str) -> None:
    path = write_profile(tmp_path, f'search_url = "{template}"\n[search]\n{section}\n')
    with pytest.raises(ProfileError, match=re.escape(message)) as refused:
        load_profile(str(path))
    assert "shop.toml" in str(refused.value)


def test_look_alikes_are_read_back_as_the_mark_by_detection() -> None:
    for mark in ("SONY", "Samsung", "LOGITECH", "Black Diamond", "HP"):
        spellings = likely_lookalikes(mark, limit=4)
        assert spellings and len(spellings) <= 4 and mark.lower() not in spellings
        assert len(set(spellings)) == len(spellings)
        for spelling in spellings:
            assert mark.lower() in {form.text for form in title_forms(spelling)}, spelling
    assert likely_lookalikes("SONY", limit=2) == ["s0ny", "sоny"]  # leetspeak, then a Cyrillic о
    assert likely_lookalikes("索尼") == [] and likely_lookalikes("SONY", limit=0) == []


@pytest.fixture
def marks(engine: Engine) -> Engine:
    from shared_db.models import Mark, MarkVerification

    with Session(engine) as session, session.begin():
        def add(text: str, weight: float, **fields: object) -> Mark:
            return upsert_mark(MarkCreate(text=text, owner=f"{text} Inc.", weight=weight, **fields),
                               session=session)[0]

        add("SONY", 2.0, aliases=["索尼"], transliterations=["suoni"])
        add("CANON", 5.0, aliases=["佳能"])
        add("Acme", 1.0, aliases=["SONY"])  # a text two marks share is searched once, at the higher priority
        add("Ghost", 9.0, status="expired")
        pending, _ = upsert_mark(MarkCreate(text="PENDINGCO", owner="Claimant"), session=session,
                                 curator=False)
        assert pending.verification == MarkVerification.PENDING.value
        rejected = add("REJECTEDCO", 10.0)
        rejected.verification = MarkVerification.REJECTED.value
    return engine


def test_watch_queries_expand_active_marks_by_priority(marks: Engine) -> None:
    with Session(marks) as session:
        queries = load_watch_queries(session=session, lookalikes=2)
    texts = [q.text for q in queries]
    assert texts == ["CANON", "佳能", "can0n", "canоn",          # weight 5
                     "SONY", "索尼", "suoni", "s0ny", "sоny",    # weight 2: mark, alias, transliteration, look-alikes
                     "Acme", "acm3", "аcme"]                     # weight 1 (its alias SONY is already searched)
    assert [q.kind for q in queries[4:9]] == ["mark", "alias", "transliteration", "lookalike", "lookalike"]
    assert {q.priority for q in queries[:4]} == {5.0} and queries[4].priority == 2.0
    assert not {"Ghost", "PENDINGCO", "REJECTEDCO"} & set(texts)  # expired, pending, rejected: not watched
    with Session(marks) as session:
        assert [q.kind for q in load_watch_queries(session=session, lookalikes=0)].count("lookalike") == 0


def test_query_batches_share_the_budget_exactly_highest_priority_first(tmp_path: Path) -> None:
    path = write_profile(tmp_path, 'search_url = "https://shop.example/?q={query}"\n'
                                   '[search]\nresults = "a"\nbatch_size = 4\npages_per_run = 10\n')
    search = load_profile(str(path)).search
    queries = [SearchQuery(text=f"q{i}", priority=float(i % 3)) for i in range(10)]
    batches = search_batches({"name": str(path), "start_urls": None}, queries, search)
    assert [b["batch"] for b in batches] == [0, 1, 2] and {b["batches"] for b in batches} == {3}
    assert [b["budget"] for b in batches] == [4, 4, 2] and sum(b["budget"] for b in batches) == 10
    priorities = [q["priority"] for b in batches for q in b["queries"]]
    assert priorities == sorted(priorities, reverse=True)
    assert parse_queries(batches[0]["queries"]) == [q for q in sorted(queries, key=lambda q: -q.priority)][:4]
    tight = search_batches({"name": "x", "start_urls": None}, queries, search.__class__(
        url=search.url, results=["a"], batch_size=4, pages_per_run=2))
    assert [b["budget"] for b in tight] == [1, 1]  # a batch without a page of budget is not scheduled
    assert split_budget(7, [3, 3, 1]) == [3, 3, 1] and split_budget(5, []) == []
    budget = PageBudget(2)
    assert [budget.take() for _ in range(3)] == [True, True, False] and budget.remaining == 0


def test_bad_queries_are_refused_with_the_entry_named() -> None:
    assert parse_queries(["  sony   tv "]) == [SearchQuery(text="sony tv")]
    for bad, message in (({"text": "x"}, "JSON list"), ([{"priority": 1}], "entry 1 needs a text"),
                         (["ok", ""], "entry 2"), ([{"text": "x", "kind": "other"}], "kind one of"),
                         (["x" * 201], "1 to 200")):
        with pytest.raises(QueryFileError, match=message):
            parse_queries(bad)
    assert watch_queries([]) == []
