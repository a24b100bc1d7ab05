"""Crawl benchmark: the full pipeline vs a do-nothing spider over the same demo marketplace.

Serves the demo marketplace (default 5,000 product pages) on 127.0.0.1, then crawls its sitemap
twice in subprocesses: ``baseline_noop`` (fetches every product page and its images, does nothing) and
``demo_market_sitemap`` (extract → validate → normalise → evidence → incremental → images →
Elasticsearch; each listing's image is one more download, ``MARKWATCH_CRAWL_IMAGES_PER_LISTING=0``
leaves images out).
Both run with the same Scrapy settings (AutoThrottle off, so the figure is throughput, not
politeness). The pair is run ``--repeat`` times, alternating, and the best rate of each is kept
(this machine is shared, so single runs are noisy). Prints pages/s of each and their ratio (goal ≥ 0.6).

Elasticsearch: ``MARKWATCH_BENCH_ES_URL``, else http://127.0.0.1:9200 when it answers, else an
embedded one started for the run. Usage: ``python bench/crawl.py [--size 5000]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import uuid
from pathlib import Path

BENCH_SCRAPY = {"AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS": 32, "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
                "LOG_LEVEL": "WARNING"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=5000, help="product pages (default 5000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=2, help="runs of each spider; the best is kept")
    args = parser.parse_args(argv)

    from benchenv import bench_elasticsearch

    from crawlers.runner import run_crawl
    from markwatch.demo_market import DemoMarket
    from shared_db.db import make_engine
    from shared_db.es.client import make_client
    from shared_db.es.listings import ListingsIndex
    from shared_db.migrate import upgrade
    from shared_db.settings import Settings

    with tempfile.TemporaryDirectory(prefix="markwatch-bench-") as tmp, \
            bench_elasticsearch(Path(tmp), port=9287) as es_url:
        settings = Settings(data_dir=Path(tmp) / "var", database_url=f"sqlite:///{tmp}/bench.sqlite3",
                            es_url=es_url, es_index_prefix=f"bench-{uuid.uuid4().hex[:8]}",
                            crawl_timeout_seconds=10)
        upgrade(make_engine(settings.resolved_database_url))
        index = ListingsIndex(make_client(settings), settings)
        try:
            with DemoMarket(size=args.size, seed=args.seed, slow_seconds=0.5) as market:
                settings = settings.model_copy(update={"allowed_private_hosts": [market.base_url]})
                start = [f"{market.base_url}/robots.txt"]
                print(f"demo market: {len(market.catalogue.products)} product pages at {market.base_url}", flush=True)
                runs: dict[str, list] = {"do-nothing spider": [], "full pipeline": []}
                for _ in range(args.repeat):
                    runs["do-nothing spider"].append(run_crawl(
                        "baseline_noop", start_urls=start, settings=settings, timeout=1800, scrapy_settings=BENCH_SCRAPY))
                    runs["full pipeline"].append(run_crawl(
                        "demo_market_sitemap", start_urls=start, settings=settings, timeout=1800,
                        scrapy_settings={**BENCH_SCRAPY, "MARKWATCH_FULL_REINDEX": True}))
            index.refresh()
            indexed = index.count()
        finally:
            index.delete_all()
    rates = {}
    for label, summaries in runs.items():
        measured = [(s.pages / _elapsed(s), s) for s in summaries if _elapsed(s)]
        rates[label], best = max(measured, key=lambda pair: pair[0])
        print(f"{label:18s}: {best.pages} pages in {_elapsed(best):.1f} s = {rates[label]:.0f} pages/s "
              f"(items {best.items}, indexed {best.indexed}, "
              f"images fetched {best.stats.get('markwatch/images/downloaded', 0)}, errors {best.errors}; "
              f"all runs: {', '.join(f'{r:.0f}' for r, _ in measured)} pages/s)")
    full = runs["full pipeline"][-1]
    ratio = rates["full pipeline"] / rates["do-nothing spider"] if rates["do-nothing spider"] else 0.0
    print(f"listings in Elasticsearch: {indexed}")
    print(f"ratio full / do-nothing: {ratio:.2f} (goal >= 0.6)")
    return 0 if ratio >= 0.6 and indexed == full.items else 1


def _elapsed(summary: object) -> float:
    stats = getattr(summary, "stats", {}) or {}
    return float(stats.get("elapsed_time_seconds") or getattr(summary, "duration_seconds", 0) or 0)


if __name__ == "__main__":
    sys.exit(main())
