"""Review UI latency with 100,000 hits: the queue and a hit detail page against a trivial endpoint.

Run: ``.venv/bin/python bench/ui.py [--hits 100000] [--requests 300] [--database-url URL]``. The hits go
into a fresh SQLite database in a temporary directory (or into the empty database at --database-url,
e.g. a throwaway PostgreSQL database), the app is served by uvicorn on a loopback port and called over
keep-alive HTTP, so the ratios compare like with like. Goal: queue p95 <= 3x trivial p95.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy import insert
from sqlalchemy.orm import Session

from shared_db.db import make_engine
from shared_db.migrate import upgrade
from shared_db.models import Hit, utcnow
from shared_db.repo.marks import upsert_mark
from shared_db.repo.users import create_user
from shared_db.schemas import MarkCreate
from shared_db.settings import Settings

PASSWORD = "bench password 12345"
MARKETPLACES = ("demo", "shopmart", "bazaar", "auctionhouse", "tmall-like", "ebuy")


def seed(settings: Settings, hits: int) -> list[int]:
    engine = make_engine(settings.resolved_database_url)
    upgrade(engine)
    rng = random.Random(7)
    with Session(engine) as session, session.begin():
        create_user("reviewer@bench.example", PASSWORD, "reviewer", session=session)
        create_user("holder@bench.example", PASSWORD, "rights_holder", session=session, org_name="Org 0")
        mark_ids = [upsert_mark(MarkCreate(text=f"MARK{i}", owner=f"Org {i % 20}"), session=session)[0].id
                    for i in range(200)]
    now = utcnow()
    rows = []
    for n in range(hits):
        probability = rng.random()
        rows.append({
            "listing_id": f"L{n}", "mark_id": rng.choice(mark_ids), "marketplace": rng.choice(MARKETPLACES),
            "seller_id": f"s{rng.randrange(5000)}", "seller_name": f"Seller {n % 5000}",
            "listing_url": f"https://shop.example/{n}", "listing_title": f"Listing {n} for MARK{n % 200} cheap",
            "score": 70 + 30 * rng.random(), "kind": "fuzzy", "reasons": ["fuzzy match"], "explanations": [],
            "features": {}, "probability": probability, "priority": rng.random() * 100, "model_version": "m1",
            "status": rng.choices(("new", "confirmed", "dismissed"), (8, 1, 1))[0], "version": 1,
            "matched_text": "MARK", "span_start": 0, "span_end": 4,
            "first_seen_at": now - timedelta(days=rng.randrange(60)), "last_seen_at": now,
            "created_at": now - timedelta(days=rng.randrange(60)), "updated_at": now,
        })
    with engine.begin() as conn:
        for start in range(0, len(rows), 5000):
            conn.execute(insert(Hit), rows[start:start + 5000])
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    return [rng.randrange(1, hits + 1) for _ in range(50)]


def serve(settings: Settings) -> tuple[subprocess.Popen[bytes], str]:
    """uvicorn in its own process (as `markwatch serve` runs it), so the client does not share its GIL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "MARKWATCH_DATA_DIR": str(settings.data_dir),
           "MARKWATCH_DATABASE_URL": settings.resolved_database_url, "MARKWATCH_LOGIN_RATE_LIMIT": "1000"}
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "review_ui.app:create_app", "--factory",
                               "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
                               "--no-access-log"], env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz").status_code == 200:
                return server, base
        except httpx.TransportError:
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError("the review UI did not start within 30 s")


def logged_in(base: str, email: str) -> httpx.Client:
    client = httpx.Client(base_url=base, follow_redirects=False, timeout=30)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 303, response.text
    return client


def measure(cases: dict[str, tuple[httpx.Client, list[str]]], requests: int) -> dict[str, dict[str, float]]:
    """Latency per case; requests are interleaved round-robin so machine noise hits every case alike."""
    for client, paths in cases.values():
        for path in paths[:5]:
            client.get(path)  # warm-up
    times: dict[str, list[float]] = {name: [] for name in cases}
    for i in range(requests):
        for name, (client, paths) in cases.items():
            path = paths[i % len(paths)]
            start = time.perf_counter()
            response = client.get(path)
            times[name].append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (path, response.status_code)
    return {name: {"median": statistics.median(values), "p95": sorted(values)[int(len(values) * 0.95) - 1]}
            for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hits", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--database-url", help="an empty database (default: a fresh SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        database_url = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
        settings = Settings(data_dir=Path(tmp), database_url=database_url, login_rate_limit=1000)
        started = time.perf_counter()
        hit_ids = seed(settings, args.hits)
        print(f"seeded {args.hits:,} hits in {time.perf_counter() - started:.1f}s")
        server, base = serve(settings)
        reviewer = logged_in(base, "reviewer@bench.example")
        holder = logged_in(base, "holder@bench.example")
        cases = {
            "trivial /healthz": (reviewer, ["/healthz"]),
            "queue (reviewer, priority)": (reviewer, ["/queue"]),
            "queue page 2..n (keyset)": (reviewer, _pages(reviewer, 20)),
            "queue most-uncertain": (reviewer, ["/queue?order=uncertain"]),
            "queue (rights holder, scoped)": (holder, ["/queue"]),
            "hit detail": (reviewer, [f"/hits/{i}" for i in hit_ids]),
        }
        results = measure(cases, args.requests)
        server.terminate()
        server.wait(timeout=10)
    base_p95 = results["trivial /healthz"]["p95"]
    base_median = results["trivial /healthz"]["median"]
    print(f"{'endpoint':32} {'median ms':>10} {'p95 ms':>8} {'p95 / trivial':>14} {'median / trivial':>17}")
    for name, r in results.items():
        print(f"{name:32} {r['median']:10.2f} {r['p95']:8.2f} {r['p95'] / base_p95:14.1f} "
              f"{r['median'] / base_median:17.1f}")
    ratio = results["queue (reviewer, priority)"]["p95"] / base_p95
    print(f"goal queue p95 <= 3x trivial: {'met' if ratio <= 3 else 'NOT met'} ({ratio:.1f}x)")


def _pages(client: httpx.Client, count: int) -> list[str]:
    """The URLs of the first ``count`` keyset pages of the queue."""
    paths, path = [], "/queue"
    for _ in range(count):
        match = re.search(r'href="(/queue\?[^"]+)" id="next-page"', client.get(path).text)
        if not match:
            break
        path = match.group(1).replace("&amp;", "&")
        paths.append(path)
    return paths


if __name__ == "__main__":
    main()
