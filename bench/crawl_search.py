"""Search-driven vs whole-catalogue crawl of the demo marketplace: pages fetched, injected infringements found.

Serves the demo marketplace (default 1,500 product pages), loads the demo rights database into a
throw-away SQLite, then crawls the ``demo_market_search`` profile twice into separate indices:
``--catalogue`` (categories and pagination, every listing) and by the watch queries (the marks,
aliases, transliterations and look-alikes, within the profile's page budget). Prints the pages each
fetched and how many of the injected infringements (look-alikes, transliterations, counterfeit
vocabulary, price, unauthorised sellers) each brought into the index. Images are not fetched.
Elasticsearch: ``MARKWATCH_BENCH_ES_URL`` (default http://127.0.0.1:9200), else an embedded one started for the run. Usage:
``python bench/crawl_search.py [--size 1500]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import uuid
from collections import Counter
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    from benchenv import bench_elasticsearch

    from crawlers.fetchlog import FetchLog
    from crawlers.runner import run_crawl
    from markwatch.demo import load_marks
    from markwatch.demo_market import DemoMarket
    from shared_db.db import make_engine
    from shared_db.es.client import make_client
    from shared_db.es.listings import ListingsIndex
    from shared_db.migrate import upgrade
    from shared_db.settings import Settings

    results = {}
    with tempfile.TemporaryDirectory(prefix="markwatch-bench-search-") as tmp, \
            bench_elasticsearch(Path(tmp), port=9289) as es_url:
        base = Settings(data_dir=Path(tmp) / "var", database_url=f"sqlite:///{tmp}/bench.sqlite3", es_url=es_url,
                        crawl_images_per_listing=0, crawl_timeout_seconds=10)
        engine = make_engine(base.resolved_database_url)
        upgrade(engine)
        with DemoMarket(size=args.size, seed=args.seed, slow_seconds=0.5) as market:
            load_marks(Path(tmp) / "marks.csv", engine=engine)
            truth = {r["listing_id"]: r for r in market.ground_truth()}
            injected = {k for k, r in truth.items() if r["infringing"]}
            print(f"demo market: {len(truth)} product pages, {len(injected)} injected infringements", flush=True)
            for label, catalogue in (("whole catalogue", True), ("watch queries", False)):
                settings = base.model_copy(update={"es_index_prefix": f"bench-{uuid.uuid4().hex[:8]}",
                                                   "allowed_private_hosts": [market.base_url]})
                index = ListingsIndex(make_client(settings), settings)
                try:
                    summary = run_crawl("demo_market_search", start_urls=[f"{market.base_url}/"], settings=settings,
                                        timeout=3600, catalogue=catalogue,
                                        scrapy_settings={"AUTOTHROTTLE_ENABLED": False, "LOG_LEVEL": "WARNING"})
                    index.refresh()
                    found = {d["listing_id"] for d in index.iterate(fields=["listing_id"])}
                finally:
                    index.delete_all()
                    FetchLog(make_client(settings), settings).delete()
                results[label] = (summary, found & injected)
    for label, (summary, hits) in results.items():
        stats = summary.stats
        extra = (f" ({stats.get('markwatch/search/pages', 0)} result pages for "
                 f"{stats.get('markwatch/search/queries', 0)} queries, "
                 f"{stats.get('markwatch/search/listings_requested', 0)} listing pages, budget "
                 f"{stats.get('markwatch/search/budget')})") if "markwatch/search/budget" in stats else ""
        kinds = Counter(truth[k]["kind"] for k in hits)
        print(f"{label:16s}: {summary.pages} pages fetched{extra}, {summary.items} listings, "
              f"{len(hits)} of {len(injected)} injected infringements found; by kind: {dict(sorted(kinds.items()))}")
    full, searched = results["whole catalogue"], results["watch queries"]
    print(f"search-driven / full: {searched[0].pages / full[0].pages:.2f} of the pages, "
          f"{len(searched[1]) / max(1, len(full[1])):.2f} of the infringements found")
    return 0


if __name__ == "__main__":
    sys.exit(main())
