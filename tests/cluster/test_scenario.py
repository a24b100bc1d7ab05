"""The cluster scenario (issue 16, "Prove it"), run by ``make test-cluster``, following docs/cluster.md.

Crawl → detect → backfill of a new mark → review over the demo marketplace through the real DAGs on
Airflow's CeleryExecutor, with faults: the data-only Elasticsearch node is killed mid-crawl, the Celery
worker running a detection task is killed mid-task, and a second detection (``markwatch detect --full``)
races the DAG's. Reviewers decide hits on both UI processes while the backfill rescans everything.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import signal
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

pytestmark = [pytest.mark.cluster, pytest.mark.slow]

NEW_MARK = ("ROLODEX", "Sanford L.P.")  # in the demo listings, not in the demo's rights database
PASSWORD = "cluster scenario pass phrase 42"
DAG_TIMEOUT = 600.0


# --- Airflow ---------------------------------------------------------------------------------------------

def trigger(stack: Any, dag_id: str, conf: dict[str, Any]) -> str:
    run_id = f"cluster-{dag_id}-{uuid.uuid4().hex[:6]}"
    stack.airflow("dags", "trigger", dag_id, "--run-id", run_id, "--conf", json.dumps(conf))
    return run_id


def task_states(stack: Any, dag_id: str, run_id: str) -> list[tuple[Any, ...]]:
    return stack.airflow_sql("SELECT task_id, map_index, state, try_number, pid FROM task_instance "
                             "WHERE dag_id = %s AND run_id = %s ORDER BY task_id, map_index", (dag_id, run_id))


def run_state(stack: Any, dag_id: str, run_id: str) -> str | None:
    rows = stack.airflow_sql("SELECT state FROM dag_run WHERE dag_id = %s AND run_id = %s", (dag_id, run_id))
    return rows[0][0] if rows else None


def _wait_run(stack: Any, wait_for: Any, dag_id: str, run_id: str, *, timeout: float = DAG_TIMEOUT) -> list[Any]:
    """Wait for a DAG run to succeed; fail with its task states and the components' logs otherwise."""
    state = wait_for(f"{dag_id} run {run_id} to finish",
                     lambda: (run_state(stack, dag_id, run_id) or "") in ("success", "failed") and
                     run_state(stack, dag_id, run_id),
                     timeout=timeout, every=1, diagnose=stack.diagnose)
    states = task_states(stack, dag_id, run_id)
    assert state == "success", f"{dag_id} {run_id}: {states}\n{stack.diagnose()}"
    return states


def new_run(stack: Any, wait_for: Any, dag_id: str, known: set[str], *, timeout: float = 300) -> str:
    """The run of ``dag_id`` that is not in ``known`` (e.g. the detection the listings Asset triggered)."""
    def look() -> str | None:
        rows = stack.airflow_sql("SELECT run_id FROM dag_run WHERE dag_id = %s", (dag_id,))
        fresh = [r[0] for r in rows if r[0] not in known]
        return fresh[0] if fresh else None
    return wait_for(f"a new {dag_id} run", look, timeout=timeout, every=1, diagnose=stack.diagnose)


def ancestor_in(pid: int, candidates: dict[int, str]) -> str | None:
    """Which of ``candidates`` (pid → name) ``pid`` descends from."""
    while pid > 1:
        if pid in candidates:
            return candidates[pid]
        try:
            pid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (FileNotFoundError, IndexError, ValueError):
            return None
    return None


# --- Elasticsearch ---------------------------------------------------------------------------------------

def es(stack: Any, path: str, **params: Any) -> Any:
    return httpx.get(f"{stack.es_url}{path}", params=params, timeout=30).json()


def listing_docs(stack: Any) -> list[dict[str, Any]]:
    from shared_db.es.client import make_client
    from shared_db.es.listings import ListingsIndex

    settings = cluster_settings(stack)
    index = ListingsIndex(make_client(settings), settings)
    index.refresh()
    return list(index.iterate())


def cluster_settings(stack: Any) -> Any:
    from shared_db.settings import Settings

    env = stack.markwatch_env
    return Settings(_env_file=None, data_dir=Path(env["MARKWATCH_DATA_DIR"]), database_url=stack.markwatch_db,
                    es_url=stack.es_url, es_index_prefix=env["MARKWATCH_ES_INDEX_PREFIX"])


def indexed_count(stack: Any) -> int:
    alias = stack.markwatch_env["MARKWATCH_ES_INDEX_PREFIX"] + "-listings"
    try:
        return int(httpx.get(f"{stack.es_url}/{alias}/_count", timeout=5).json().get("count", 0))
    except (httpx.HTTPError, ValueError):
        return 0


# --- detection: the single-process reference -------------------------------------------------------------

def reference_pairs(stack: Any) -> set[tuple[str, int]]:
    """Every (listing, mark) pair detection finds when one process matches every listing against every mark."""
    from detection.batch import add_image_reuse, listing_context
    from detection.listing_hosts import add_field_matches
    from detection.marks import MarkSpec
    from detection.matcher import Matcher
    from shared_db.db import make_engine
    from shared_db.es.client import make_client
    from shared_db.es.listings import ListingsIndex
    from shared_db.repo.marks import list_marks
    from shared_db.repo.vocabulary import current_vocabulary

    settings = cluster_settings(stack)
    engine = make_engine(stack.markwatch_db)
    with Session(engine) as session:
        specs = [MarkSpec.from_model(m) for m in list_marks(session=session, active_only=True)]
        vocabulary = current_vocabulary(session=session)[1]  # the version every worker reads
    engine.dispose()
    matcher = Matcher(specs, vocabulary=vocabulary)
    index = ListingsIndex(make_client(settings), settings)
    docs = listing_docs(stack)
    add_image_reuse(docs, index)
    cutoff = settings.match_threshold
    results = matcher.match_many([str(d.get("title") or "") for d in docs], score_cutoff=cutoff,
                                 contexts=[listing_context(d) for d in docs])
    results = add_field_matches(matcher, docs, results, score_cutoff=cutoff)
    return {(doc["_id"], int(match.mark_id)) for doc, matches in zip(docs, results, strict=True) for match in matches}


def hit_pairs(stack: Any) -> Counter[tuple[str, int]]:
    from shared_db.db import make_engine
    from shared_db.models import Hit

    engine = make_engine(stack.markwatch_db)
    with Session(engine) as session:
        rows = session.execute(select(Hit.listing_id, Hit.mark_id, func.count()).group_by(Hit.listing_id, Hit.mark_id))
        counts = Counter({(listing, mark): n for listing, mark, n in rows})
    engine.dispose()
    return counts


def assert_hits_match_reference(stack: Any) -> set[tuple[str, int]]:
    reference = reference_pairs(stack)
    hits = hit_pairs(stack)
    assert reference, "the reference found no hit at all: the scenario would prove nothing"
    twice = {pair: n for pair, n in hits.items() if n > 1}
    assert not twice, f"hits stored more than once: {twice}"
    assert set(hits) == reference, (f"missing: {sorted(reference - set(hits))[:20]}, "
                                    f"unexpected: {sorted(set(hits) - reference)[:20]}")
    return reference


# --- the review UI, per worker process -------------------------------------------------------------------

class UiProcesses:
    """Which ``markwatch serve --workers`` process accepted a given TCP connection (read from /proc)."""

    def __init__(self, port: int, parent_pid: int) -> None:
        self.port, self.parent = port, parent_pid

    def worker_pids(self) -> set[int]:
        """The children of ``markwatch serve`` that hold its listening socket (not multiprocessing helpers)."""
        listening = self._inodes(lambda local, remote, state: local == self.port and state == "0A")
        return {pid for pid in self._children() if listening & self._sockets(pid)}

    def serving(self, client_port: int) -> int | None:
        accepted = self._inodes(lambda local, remote, state: local == self.port and remote == client_port)
        for pid in self.worker_pids():
            if accepted & self._sockets(pid):
                return pid
        return None

    def _children(self) -> set[int]:
        pids = set()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == self.parent:
                    pids.add(int(stat.parent.name))
            except (OSError, IndexError, ValueError):
                continue
        return pids

    @staticmethod
    def _inodes(wanted: Any) -> set[str]:
        inodes = set()
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            parts = line.split()
            local, remote = int(parts[1].split(":")[1], 16), int(parts[2].split(":")[1], 16)
            if wanted(local, remote, parts[3]):
                inodes.add(parts[9])
        return inodes

    @staticmethod
    def _sockets(pid: int) -> set[str]:
        try:
            links = [str(p.readlink()) for p in Path(f"/proc/{pid}/fd").iterdir()]
        except OSError:
            return set()
        return {link[8:-1] for link in links if link.startswith("socket:[")}


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: str
    pid: int


@dataclass
class Browser:
    """A cookie jar that sends each request to a chosen UI worker process."""

    ui: UiProcesses
    cookies: dict[str, str] = field(default_factory=dict)
    csrf: str | None = None

    def request(self, method: str, path: str, *, on: int, form: dict[str, Any] | None = None) -> Reply:
        for _ in range(200):
            conn = http.client.HTTPConnection("127.0.0.1", self.ui.port, timeout=60)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            pid = self.ui.serving(conn.sock.getsockname()[1])
            if pid != on:
                conn.close()
                continue
            headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
            body = None
            if form is not None:
                body = urlencode({**form, **({"csrf_token": self.csrf} if self.csrf else {})})
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode(errors="replace")
            conn.close()
            for raw in response.headers.get_all("Set-Cookie") or []:
                cookie = SimpleCookie(raw)
                for name, morsel in cookie.items():
                    if morsel["max-age"] == "0" or "1970" in morsel["expires"] or morsel.value == "null":
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            token = re.search(r'name="csrf_token" value="([^"]+)"', text)
            if token:
                self.csrf = token.group(1)
            return Reply(response.status, response.headers, text, pid)
        pytest.fail(f"no connection reached UI worker {on} (workers: {self.ui.worker_pids()})")

    def login(self, email: str, password: str, *, on: int) -> Reply:
        self.request("GET", "/login", on=on)
        reply = self.request("POST", "/login", on=on, form={"email": email, "password": password, "next": "/queue"})
        if reply.status == 303:
            self.request("GET", "/queue", on=on)  # the new session's CSRF token
        return reply


# --- the scenario ----------------------------------------------------------------------------------------

def test_crawl_detect_backfill_review_on_a_cluster_with_faults(stack: Any, wait_for: Any) -> None:
    began = time.monotonic()
    timings = dict(stack.timings)
    market = stack.market
    truth = market.ground_truth()

    # Step 3 of docs/cluster.md: the rights database and the people.
    marks_csv = stack.base / "marks.csv"
    from markwatch.demo_market.rights import write_marks_csv

    write_marks_csv(marks_csv)
    stack.markwatch("marks", "import", str(marks_csv))
    for email in ("reviewer@cluster.test", "second@cluster.test", "limits@cluster.test"):
        stack.markwatch("users", "add", email, "--role", "reviewer", "--password-stdin", stdin=PASSWORD + "\n")

    # Step 6: unpause and crawl; the data-only Elasticsearch node dies a third of the way through.
    for dag_id in ("markwatch_crawl", "markwatch_detect"):
        stack.airflow("dags", "unpause", dag_id)
    crawl_run = trigger(stack, "markwatch_crawl", {"targets": ["demo_market"],
                                                   "start_urls": {"demo_market": [market.base_url + "/"]}})
    wait_for("a third of the listings indexed", lambda: indexed_count(stack) >= len(truth) // 3 or
             run_state(stack, "markwatch_crawl", crawl_run) in ("success", "failed"),
             timeout=DAG_TIMEOUT, every=0.3, diagnose=stack.diagnose)
    killed_at = indexed_count(stack)
    assert killed_at < len(truth), "the crawl ended before the Elasticsearch node could be killed"
    alias = stack.markwatch_env["MARKWATCH_ES_INDEX_PREFIX"] + "-listings"
    primaries_on_b = [c["shard"] for c in es(stack, f"/_cat/shards/{alias}*", format="json", h="shard,prirep,node")
                      if c["prirep"] == "p" and c["node"] == "es-b"]
    from markwatch.embedded_es import EmbeddedElasticsearch

    assert EmbeddedElasticsearch(stack.es_node_settings("es-b")).kill()
    _wait_run(stack, wait_for, "markwatch_crawl", crawl_run)
    timings["crawl"] = time.monotonic() - began
    health = es(stack, "/_cluster/health")
    assert health["number_of_nodes"] == 1, health

    docs = listing_docs(stack)
    ids = Counter(doc["_id"] for doc in docs)
    listing_ids = Counter((doc["marketplace"], doc["listing_id"]) for doc in docs)
    expected = {("demo-market", record["listing_id"]) for record in truth}
    assert set(listing_ids) == expected, (f"not indexed: {sorted(expected - set(listing_ids))[:10]}, "
                                          f"unexpected: {sorted(set(listing_ids) - expected)[:10]}")
    assert max(ids.values()) == 1 and max(listing_ids.values()) == 1 and len(docs) == len(expected)

    # The crawl's listings Asset triggered detection: kill the worker of a running detect task, and race
    # a second detection (the operator's `markwatch detect --full`) against the DAG's.
    detect_run = new_run(stack, wait_for, "markwatch_detect", set())
    workers = {stack.processes.running[name].pid: name for name in ("worker-1", "worker-2")}

    def running_detect(run_id: str) -> tuple[int, str] | None:
        for task_id, _, state, _, pid in task_states(stack, "markwatch_detect", run_id):
            if task_id == "detect" and state == "running" and pid:
                owner = ancestor_in(int(pid), workers)
                if owner:
                    return int(pid), owner
        return None

    task_pid, victim = wait_for("a running detect task", lambda: running_detect(detect_run), timeout=DAG_TIMEOUT,
                                every=0.2, diagnose=stack.diagnose)
    racer = stack.processes.start("detect-racer", [stack.processes.running["ui"].args[0], "detect", "--full"],
                                  stack.markwatch_env)
    stack.processes.kill(victim)
    with contextlib.suppress(ProcessLookupError):
        os.kill(task_pid, signal.SIGKILL)  # in case the task process left the worker's process group
    stack.start_worker("worker-3")  # the replacement a supervisor would start; the retry may run on either
    assert racer.wait(timeout=DAG_TIMEOUT) == 0, stack.processes.tail("detect-racer")
    stack.processes.running.pop("detect-racer")

    # Meanwhile: logout and login limits across the two UI processes.
    ui = UiProcesses(stack.ui_port, stack.processes.running["ui"].pid)
    wait_for("two UI worker processes", lambda: len(ui.worker_pids()) >= 2, timeout=60)
    first, second = sorted(ui.worker_pids())[:2]
    alice, bob = Browser(ui), Browser(ui)
    assert alice.login("reviewer@cluster.test", PASSWORD, on=first).status == 303
    assert alice.request("GET", "/queue", on=second).status == 200  # one session, both processes
    assert bob.login("reviewer@cluster.test", PASSWORD, on=second).status == 303
    assert bob.request("POST", "/logout", on=second, form={}).status == 303
    after_logout = alice.request("GET", "/queue", on=first)
    assert after_logout.status == 303 and "/login" in (after_logout.headers.get("location") or ""), \
        "a logout on one process must end the user's sessions on the other"
    guesser, attempts, failures = Browser(ui), [], 0
    while failures < 6:  # wrong passwords, alternating processes; a refused attempt waits as asked
        pid = (first, second)[len(attempts) % 2]
        reply = guesser.login("limits@cluster.test", f"wrong guess number {len(attempts)}", on=pid)
        attempts.append((pid, reply.status))
        assert reply.status in (401, 429) and len(attempts) < 40, attempts
        if reply.status == 429:
            time.sleep(int(reply.headers["Retry-After"]))
        failures += reply.status == 401
    assert {pid for pid, status in attempts if status == 401} == {first, second}, attempts
    assert any(status == 429 for _, status in attempts), attempts
    other = first if attempts[-1][0] == second else second
    refused = guesser.login("limits@cluster.test", PASSWORD, on=other)
    assert refused.status == 429 and int(refused.headers["Retry-After"]) >= 4, \
        f"failures counted on one process must hold back a login on the other: {attempts}, {refused.status}"

    states = _wait_run(stack, wait_for, "markwatch_detect", detect_run)
    retried = [s for s in states if s[0] == "detect" and s[3] > 1]
    assert retried, f"the killed detect task was not retried: {states}"
    timings["detect"] = time.monotonic() - began - timings["crawl"]
    assert_hits_match_reference(stack)

    # Review while the detect DAG backfills a new mark over every listing; then nothing decided may change.
    reviewer = Browser(ui)
    assert reviewer.login("second@cluster.test", PASSWORD, on=first).status == 303
    mark_id = add_mark(stack, *NEW_MARK)
    backfill = backfill_mark(stack, mark_id)
    decided = review_some(stack, reviewer, (first, second))
    _wait_run(stack, wait_for, "markwatch_detect", backfill)
    reference = assert_hits_match_reference(stack)
    assert any(mark == mark_id for _, mark in reference), f"{NEW_MARK[0]} matched no listing"
    assert_backfilled(stack, mark_id)
    assert_decisions_kept(stack, decided)
    timings["backfill_and_review"] = time.monotonic() - began - timings["crawl"] - timings["detect"]

    # The killed node comes back and catches up: every shard copy holds the same listings.
    assert EmbeddedElasticsearch(stack.es_node_settings("es-b")).start().running
    wait_for("green health with both nodes", lambda: es(stack, "/_cluster/health", wait_for_status="green",
                                                        timeout="5s").get("status") == "green", timeout=180)
    copies = es(stack, f"/_cat/shards/{alias}*", format="json", h="shard,prirep,docs,node")
    per_shard: dict[str, set[str]] = {}
    for copy in copies:
        per_shard.setdefault(copy["shard"], set()).add(copy["docs"])
    assert all(len(counts) == 1 for counts in per_shard.values()), copies
    assert sum(int(next(iter(c))) for c in per_shard.values()) == len(expected), copies
    timings["total_scenario"] = time.monotonic() - began
    crawl_tries = [s[3] for s in task_states(stack, "markwatch_crawl", crawl_run) if s[0] == "crawl"]
    print("\ncluster scenario timings (s):", {k: round(v, 1) for k, v in timings.items()})
    print(f"es-b killed at {killed_at}/{len(truth)} listings indexed, holding primaries {primaries_on_b}; "
          f"crawl task tries {crawl_tries}; {victim} killed under a running detect task; "
          f"{len(reference)} hits, {sum(m == mark_id for _, m in reference)} of them for {NEW_MARK[0]}; "
          f"{len(decided)} decisions kept")


def add_mark(stack: Any, text: str, owner: str) -> int:
    """A rights holder's new mark, imported and verified as an operator does it (``markwatch marks import``)."""
    path = stack.base / "new-mark.csv"
    path.write_text(f"mark,owner\n{text},{owner}\n", encoding="utf-8")
    stack.markwatch("marks", "import", str(path))
    from shared_db.db import make_engine
    from shared_db.models import Mark

    engine = make_engine(stack.markwatch_db)
    with Session(engine) as session:
        mark_id = session.scalar(select(Mark.id).where(Mark.text == text))
    engine.dispose()
    assert mark_id is not None
    return int(mark_id)


def backfill_mark(stack: Any, mark_id: int) -> str:
    """Run the backfill the import queued for the new mark: the detect DAG's ``backfill`` task claims it
    and checks it against the whole index. Returns the DAG run."""
    return trigger(stack, "markwatch_detect", {})


def assert_backfilled(stack: Any, mark_id: int) -> None:
    """The mark's queued backfill is done, against every listing of the index."""
    from shared_db.db import make_engine
    from shared_db.models import MarkBackfill

    engine = make_engine(stack.markwatch_db)
    with Session(engine) as session:
        row = session.get(MarkBackfill, mark_id)
        assert row is not None and row.status == "done" and row.listings_checked, \
            f"the new mark's backfill: {row and (row.status, row.listings_checked, row.error)}"
    engine.dispose()


def review_some(stack: Any, reviewer: Browser, pids: tuple[int, int], count: int = 6) -> dict[int, tuple[str, int]]:
    """Decide ``count`` hits through the UI, alternating between the two processes; hit id → (status, version)."""
    from shared_db.db import make_engine
    from shared_db.models import Hit

    engine = make_engine(stack.markwatch_db)
    with Session(engine) as session:
        hits = session.execute(select(Hit.id, Hit.version).where(Hit.status == "new").order_by(Hit.id)
                               .limit(count)).all()
    engine.dispose()
    assert len(hits) == count, hits
    decided = {}
    for n, (hit_id, version) in enumerate(hits):
        pid = pids[n % 2]
        verdict = "confirmed" if n % 2 else "dismissed"
        assert reviewer.request("GET", f"/hits/{hit_id}", on=pid).status == 200
        reply = reviewer.request("POST", f"/hits/{hit_id}/decide", on=pid,
                                 form={"verdict": verdict, "version": version, "reason": "cluster scenario"})
        assert reply.status in (200, 303), (reply.status, reply.body[:500])
        decided[hit_id] = (verdict, version + 1)
    return decided


def assert_decisions_kept(stack: Any, decided: dict[int, tuple[str, int]]) -> None:
    from shared_db.db import make_engine
    from shared_db.models import Decision, Hit

    engine = make_engine(stack.markwatch_db)
    with Session(engine) as session:
        now = {row.id: (row.status, row.version) for row in session.execute(
            select(Hit.id, Hit.status, Hit.version).where(Hit.id.in_(decided)))}
        decisions = Counter(session.execute(select(Decision.hit_id, Decision.verdict)).tuples())
    engine.dispose()
    assert now == decided, "a decision was overwritten by a detection run"
    assert decisions == Counter((hit_id, verdict) for hit_id, (verdict, _) in decided.items())
