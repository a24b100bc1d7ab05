"""Load: N concurrent reviewers deciding hits against the served review UI on loopback.

Prepares a fresh database (SQLite by default, or --database-url for PostgreSQL) with --hits open
hits and one reviewer per thread, serves the app with `markwatch serve` in a subprocess, and lets
every reviewer loop for --seconds: list open hits, pick one at random, decide it with the version
it read. Conflicts (409) are the expected outcome of two reviewers racing for one hit.

Prints throughput and latency, then checks the database: every accepted decision is stored once
(no lost or double decisions) and no response was a 5xx. Exit code 1 when a check fails.
`--json` prints the result as one JSON object (the reliability test reads it).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared_db.db import make_engine
from shared_db.migrate import upgrade
from shared_db.models import Decision, Hit
from shared_db.repo.hits import HitCandidate, upsert_hit
from shared_db.repo.marks import upsert_mark
from shared_db.repo.users import create_user, issue_api_token
from shared_db.schemas import MarkCreate


def prepare(database_url: str, *, hits: int, reviewers: int) -> list[str]:
    """Migrate, create the hits and the reviewers; returns one API token per reviewer."""
    engine = make_engine(database_url)
    upgrade(engine)
    with Session(engine) as session, session.begin():
        mark, _ = upsert_mark(MarkCreate(text="SONY", owner="Sony Group Corporation"), session=session)
        for i in range(hits):
            upsert_hit(HitCandidate(listing_id=f"load:{i}", mark_id=mark.id, marketplace="load",
                                    listing_title=f"s0ny headphones {i}", score=80 + i % 20, kind="leet",
                                    priority=random.Random(i).random()), session=session)
        tokens = []
        for r in range(reviewers):
            user = create_user(f"reviewer{r}@load.test", "load-test-password-1", "reviewer", session=session)
            tokens.append(issue_api_token(user, session=session))
    engine.dispose()
    return tokens


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(database_url: str, data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "MARKWATCH_DATABASE_URL": database_url, "MARKWATCH_DATA_DIR": str(data_dir)}
    process = subprocess.Popen([sys.executable, "-P", "-c", "from markwatch.cli import main; main()", "serve",
                                "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/login", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"the review UI did not start: {process.stderr.read().decode()[-2000:]}")


def reviewer(base: str, token: str, seconds: float, seed: int, log: list[tuple[str, int, float, int | None]]) -> None:
    """Loop until the time is up; ``log`` gets (kind, status, seconds, hit id) per request."""
    rng = random.Random(seed)
    headers = {"Authorization": f"Bearer {token}"}
    end = time.monotonic() + seconds
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        while time.monotonic() < end:
            began = time.perf_counter()
            page = client.get("/api/v1/hits", params={"status": "new", "limit": 20})
            log.append(("list", page.status_code, time.perf_counter() - began, None))
            items = page.json().get("items", []) if page.status_code == 200 else []
            if not items:
                continue
            hit = rng.choice(items)
            verdict = rng.choice(["confirmed", "dismissed", "escalated"])
            began = time.perf_counter()
            response = client.post(f"/api/v1/hits/{hit['id']}/decision",
                                   json={"verdict": verdict, "expected_version": hit["version"]})
            log.append(("decide", response.status_code, time.perf_counter() - began, hit["id"]))


def run(*, reviewers: int, seconds: float, hits: int, database_url: str | None) -> dict:
    with tempfile.TemporaryDirectory(prefix="markwatch-load-") as tmp:
        url = database_url or f"sqlite:///{tmp}/load.sqlite3"
        tokens = prepare(url, hits=hits, reviewers=reviewers)
        port = free_port()
        server = serve(url, Path(tmp), port)
        logs: list[list[tuple[str, int, float, int | None]]] = [[] for _ in tokens]
        try:
            threads = [threading.Thread(target=reviewer, args=(f"http://127.0.0.1:{port}", token, seconds, i, logs[i]))
                       for i, token in enumerate(tokens)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        finally:
            server.terminate()
            server.wait(timeout=30)
        entries = [entry for log in logs for entry in log]
        statuses = Counter((kind, status) for kind, status, _, _ in entries)
        accepted = Counter(hit for kind, status, _, hit in entries if kind == "decide" and status == 200)
        engine = make_engine(url)
        with Session(engine) as session:
            stored = Counter(dict(session.execute(select(Decision.hit_id, func.count()).group_by(Decision.hit_id)).all()))
            versions_reused = session.scalar(select(func.count()).select_from(
                select(Decision.hit_id, Decision.hit_version).group_by(Decision.hit_id, Decision.hit_version)
                .having(func.count() > 1).subquery()))
            decided_hits = session.scalar(select(func.count()).select_from(Hit).where(Hit.status != "new"))
        engine.dispose()
    latencies = {kind: sorted(s for k, _, s, _ in entries if k == kind) for kind in ("list", "decide")}
    return {
        "reviewers": reviewers, "seconds": seconds, "requests": len(entries),
        "requests_per_s": len(entries) / seconds,
        "decisions_accepted": sum(accepted.values()), "decisions_per_s": sum(accepted.values()) / seconds,
        "conflicts": statuses[("decide", 409)],
        "server_errors": sum(n for (_, status), n in statuses.items() if status >= 500),
        "lost_or_double": sum(((accepted - stored) + (stored - accepted)).values()),
        "versions_decided_twice": versions_reused, "decided_hits": decided_hits,
        "latency_ms": {kind: {"p50": 1000 * statistics.median(values), "p95": 1000 * values[int(0.95 * (len(values) - 1))]}
                       for kind, values in latencies.items() if values},
        "statuses": {f"{kind} {status}": n for (kind, status), n in sorted(statuses.items())},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reviewers", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--hits", type=int, default=5000)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run(reviewers=args.reviewers, seconds=args.seconds, hits=args.hits, database_url=args.database_url)
    ok = result["server_errors"] == 0 and result["lost_or_double"] == 0 and result["versions_decided_twice"] == 0
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{result['reviewers']} reviewers for {result['seconds']:.0f} s: {result['requests']} requests "
              f"({result['requests_per_s']:.1f}/s), {result['decisions_accepted']} decisions "
              f"({result['decisions_per_s']:.1f}/s), {result['conflicts']} conflicts (409)")
        for kind, figures in result["latency_ms"].items():
            print(f"  {kind:6} p50 {figures['p50']:.1f} ms, p95 {figures['p95']:.1f} ms")
        print(f"  server errors: {result['server_errors']}, lost or double decisions: {result['lost_or_double']}, "
              f"versions decided twice: {result['versions_decided_twice']}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
