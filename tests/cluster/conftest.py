"""The cluster scenario's stack: every process it starts, in its own process group, stopped at the end.

The steps follow ``docs/cluster.md``: two embedded Elasticsearch nodes (one master and data node, one
data-only node) on loopback, PostgreSQL databases for markwatch and for Airflow's metadata, Airflow 3
with the CeleryExecutor on Redis (scheduler, DAG processor, API server, two Celery workers), and the
review UI with two worker processes. Ports and names are unique per run, so the scenario neither meets
the shared test Elasticsearch (9300) nor the demo (9200).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PG_ADMIN = os.environ.get("MARKWATCH_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("MARKWATCH_CLUSTER_BROKER_URL", "redis://127.0.0.1:6379/0")
ES_NODES = (("es-a", 9250, 9350, True), ("es-b", 9251, 9351, False))  # name, http, transport, master-eligible
START_TIMEOUT = 240.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(what: str, check: Callable[[], Any], *, timeout: float, every: float = 0.5,
             diagnose: Callable[[], str] | None = None) -> Any:
    """Poll ``check`` until it returns something truthy; fail naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    detail = diagnose() if diagnose else ""
    pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}\n{detail}")


@dataclass
class Processes:
    """Long-running processes, each the leader of its own process group, logging to one file each."""

    logs: Path
    running: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def start(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 - the child owns it
        process = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True, cwd=REPO)
        log.close()
        self.running[name] = process
        return process

    def kill(self, name: str) -> None:
        """SIGKILL the whole process group of ``name``, as a crashed machine would end it."""
        process = self.running.pop(name)
        _signal_group(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

    def stop_all(self) -> None:
        for process in self.running.values():
            _signal_group(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for process in self.running.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            _signal_group(process.pid, signal.SIGKILL)  # children that outlived their leader, too
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        self.running.clear()

    def tail(self, name: str, lines: int = 40) -> str:
        path = self.logs / f"{name}.log"
        text = path.read_text(errors="replace") if path.exists() else "(no log)"
        return f"--- {name} ---\n" + "\n".join(text.splitlines()[-lines:])


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def _signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


@dataclass
class Stack:
    """What the scenario talks to: URLs, databases, environments and the processes it started."""

    base: Path
    processes: Processes
    markwatch_env: dict[str, str]
    airflow_env: dict[str, str]
    markwatch_db: str
    airflow_db: str
    es_url: str
    ui_port: int
    api_port: int
    market: Any
    queue: str
    timings: dict[str, float] = field(default_factory=dict)

    def markwatch(self, *args: str, stdin: str | None = None, timeout: float = 300,
                  check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run ``markwatch ARGS`` as an operator would, in the cluster's environment."""
        return _run([str(BIN / "markwatch"), *args], self.markwatch_env, stdin=stdin, timeout=timeout, check=check)

    def airflow(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return _run([str(BIN / "airflow"), *args], self.airflow_env, timeout=timeout)

    def start_worker(self, name: str) -> None:
        """A Celery worker serving this run's queue, one task at a time (docs/cluster.md, step 4)."""
        self.processes.start(name, [str(BIN / "airflow"), "celery", "worker", "--celery-hostname",
                                    f"{name}-{self.queue}@%h", "--queues", self.queue, "--concurrency", "1",
                                    "--skip-serve-logs"], self.airflow_env)

    def airflow_sql(self, query: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with psycopg.connect(_libpq(self.airflow_db), autocommit=True) as conn:
            return list(conn.execute(query, params).fetchall())

    def es_node_settings(self, name: str) -> Any:
        from shared_db.settings import Settings

        return Settings(**_es_node_values(self.base, name))

    def diagnose(self) -> str:
        return "\n".join(self.processes.tail(name) for name in list(self.processes.running))


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def _run(args: list[str], env: dict[str, str], *, stdin: str | None = None, timeout: float,
         check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(args, env=env, input=stdin, capture_output=True, text=True, timeout=timeout, cwd=REPO)
    if check and result.returncode != 0:
        pytest.fail(f"{' '.join(args[:4])} exited {result.returncode}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result


def _es_node_values(base: Path, name: str) -> dict[str, Any]:
    node = {n[0]: n for n in ES_NODES}[name]
    return {"data_dir": base / "es", "es_port": node[1], "es_transport_port": node[2], "es_node_name": name,
            "es_cluster_name": f"markwatch-{base.name}", "es_node_master": node[3], "es_heap": "384m",
            "es_seed_hosts": [f"127.0.0.1:{n[2]}" for n in ES_NODES],
            "es_initial_master_nodes": [n[0] for n in ES_NODES if n[3]]}


def es_node_env(base: Path, name: str, common: dict[str, str]) -> dict[str, str]:
    """The environment of ``markwatch services up`` for one node (docs/cluster.md, step 1)."""
    env = {key: value for key, value in common.items() if key != "MARKWATCH_ES_URL"}
    for key, value in _es_node_values(base, name).items():
        env[f"MARKWATCH_{key.upper()}"] = json.dumps(value) if isinstance(value, list) else str(value)
    env["MARKWATCH_ES_NODE_MASTER"] = "true" if _es_node_values(base, name)["es_node_master"] else "false"
    return env


def _create_database(name: str) -> str:
    with psycopg.connect(_libpq(PG_ADMIN), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"


def _drop_database(name: str) -> None:
    with psycopg.connect(_libpq(PG_ADMIN), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _http_ok(url: str) -> bool:
    try:
        return httpx.get(url, timeout=3).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture(scope="session", name="wait_for")
def wait_for_fixture() -> Callable[..., Any]:
    return wait_for


@pytest.fixture(scope="module")
def stack(shared_data: Path) -> Iterator[Stack]:
    """Start the whole cluster (docs/cluster.md, steps 1-6); stop and delete everything it made afterwards."""
    from markwatch.demo_market import DemoMarket
    from markwatch.embedded_es import EmbeddedElasticsearch
    from shared_db.settings import Settings

    started = time.monotonic()
    run = uuid.uuid4().hex[:8]
    previous_handler = signal.signal(signal.SIGTERM, _interrupt)  # a terminated run still stops its processes
    # Not under pytest's 0700 basetemp: as root, Elasticsearch runs as `nobody`, which must reach its data dir.
    base = Path(tempfile.mkdtemp(prefix=f"markwatch-cluster-{run}-"))
    base.chmod(0o755)
    (base / "logs").mkdir()
    processes = Processes(base / "logs")
    databases: list[str] = []
    # The huge page and the gzip bomb stay above the crawl's size limits, so neither becomes a listing.
    market = DemoMarket(host="127.0.0.1", port=0, seed=7, size=150, slow_seconds=0.5)
    market.__enter__()
    try:
        markwatch_db = _create_database(f"markwatch_cluster_{run}")
        databases.append(f"markwatch_cluster_{run}")
        airflow_db = _create_database(f"airflow_cluster_{run}")
        databases.append(f"airflow_cluster_{run}")
        ui_port, api_port = free_port(), free_port()
        market_host = market.base_url.split("://", 1)[1]
        common = {
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
            "HOME": os.environ.get("HOME", "/root"), "LANG": "C.UTF-8",
            "MARKWATCH_SHARED_DATA": str(shared_data),
            "MARKWATCH_ENV": "production",
            "MARKWATCH_SECRET_KEY": secrets.token_urlsafe(48),
            "MARKWATCH_DATA_DIR": str(base / "var"),
            "MARKWATCH_DATABASE_URL": markwatch_db,
            "MARKWATCH_ES_URL": f"http://127.0.0.1:{ES_NODES[0][1]}",
            "MARKWATCH_ES_INDEX_PREFIX": f"cluster-{run}",
            "MARKWATCH_ES_REPLICAS": "1",
            "MARKWATCH_ES_SHARDS": "2",
            "MARKWATCH_ALLOWED_PRIVATE_HOSTS": json.dumps([market_host]),
            "MARKWATCH_DETECTION_SKEW_SECONDS": "2",
            "MARKWATCH_LOGIN_RATE_LIMIT": "2",
            "MARKWATCH_CRAWL_IMAGES_PER_LISTING": "1",
            "MARKWATCH_CRAWL_INDEX_BATCH": "10",  # listings reach the index during the crawl, so a node dies mid-crawl
        }
        queue = f"markwatch-cluster-{run}"
        airflow_home = base / "airflow"
        airflow_home.mkdir()
        airflow_env = {
            **common,
            "AIRFLOW_HOME": str(airflow_home),
            "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
            "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{api_port}/execution/",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": airflow_db,
            # psycopg 3 serves the async engine too (Airflow's default would be asyncpg, not installed).
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC": airflow_db,
            "AIRFLOW__CELERY__BROKER_URL": REDIS_URL,
            "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + airflow_db,
            "AIRFLOW__CELERY__WORKER_CONCURRENCY": "1",
            "AIRFLOW__OPERATORS__DEFAULT_QUEUE": queue,
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(api_port),
            "AIRFLOW__API__SECRET_KEY": secrets.token_urlsafe(32),
            "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(32),
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
            "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": "60",
            "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL": "5",
            "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(airflow_home / "logs"),
            # Crawls run when the scenario triggers them; this schedule never comes round during a test.
            "MARKWATCH_CRAWL_SCHEDULE": "0 0 29 2 *",
        }
        stack = Stack(base=base, processes=processes, markwatch_env=common, airflow_env=airflow_env,
                      markwatch_db=markwatch_db, airflow_db=airflow_db, es_url=common["MARKWATCH_ES_URL"],
                      ui_port=ui_port, api_port=api_port, market=market, queue=queue)

        # Step 1: the Elasticsearch nodes, the master first; Airflow's schema is migrated meanwhile.
        migrate = processes.start("airflow-db-migrate", [str(BIN / "airflow"), "db", "migrate"], airflow_env)
        for name, *_ in ES_NODES:
            _run([str(BIN / "markwatch"), "services", "up", "--timeout", str(START_TIMEOUT)],
                 es_node_env(base, name, common), timeout=START_TIMEOUT + 60)
        wait_for("a green two-node cluster", lambda: _http_ok(
            f"{stack.es_url}/_cluster/health?wait_for_status=green&wait_for_nodes=2&timeout=5s"), timeout=START_TIMEOUT)
        # Step 2: markwatch's schema.
        stack.markwatch("db", "upgrade")
        if migrate.wait(timeout=START_TIMEOUT) != 0:
            pytest.fail("airflow db migrate failed\n" + processes.tail("airflow-db-migrate"))
        processes.running.pop("airflow-db-migrate")
        stack.timings["stores"] = time.monotonic() - started

        # Step 4: the Airflow components and two Celery workers on the run's queue.
        airflow = str(BIN / "airflow")
        processes.start("api-server", [airflow, "api-server", "--port", str(api_port)], airflow_env)
        processes.start("scheduler", [airflow, "scheduler"], airflow_env)
        processes.start("dag-processor", [airflow, "dag-processor"], airflow_env)
        for worker in ("worker-1", "worker-2"):
            stack.start_worker(worker)
        # Step 5: the review UI, two worker processes.
        processes.start("ui", [str(BIN / "markwatch"), "serve", "--workers", "2", "--port", str(ui_port)], common)
        wait_for("the review UI", lambda: _http_ok(f"http://127.0.0.1:{ui_port}/healthz"), timeout=START_TIMEOUT,
                 diagnose=stack.diagnose)
        wait_for("the Airflow API server", lambda: _http_ok(f"http://127.0.0.1:{api_port}/api/v2/monitor/health"),
                 timeout=START_TIMEOUT, diagnose=stack.diagnose)
        wait_for("the markwatch DAGs to be parsed", lambda: len(stack.airflow_sql(
            "SELECT dag_id FROM dag WHERE dag_id IN ('markwatch_crawl', 'markwatch_detect')")) == 2,
            timeout=START_TIMEOUT, every=2, diagnose=stack.diagnose)
        stack.timings["started"] = time.monotonic() - started
        yield stack
    finally:
        processes.stop_all()
        for name, *_ in ES_NODES:
            EmbeddedElasticsearch(Settings(**_es_node_values(base, name))).stop()
        market.__exit__(None, None, None)
        for name in databases:
            _drop_database(name)
        shutil.rmtree(base, ignore_errors=True)
        signal.signal(signal.SIGTERM, previous_handler)
