"""Run a crawl from Python (Airflow tasks, ``make demo``, benchmarks) in a subprocess.

Twisted's reactor cannot be restarted, so every crawl is its own ``markwatch crawl`` process;
the result is read back from the crawl_runs row the process recorded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from crawlers.search import SearchQuery, write_queries
from shared_db.settings import Settings, get_settings


class CrawlFailed(RuntimeError):
    """The crawl process exited with an error; ``log_tail`` holds the end of its output."""

    def __init__(self, message: str, *, returncode: int | None, log_tail: str, run_id: int | None) -> None:
        super().__init__(f"{message}\n--- last lines of the crawl log ---\n{log_tail}")
        self.returncode, self.log_tail, self.run_id = returncode, log_tail, run_id


class CrawlTimedOut(CrawlFailed):
    """The crawl process did not finish within the timeout and was stopped."""


class CrawlDegraded(RuntimeError):
    """The crawl finished but had to spool listings (Elasticsearch was unavailable): nothing looks green."""


DEGRADED_EXIT = 3  # markwatch.cli.common.EXIT_PARTIAL: the crawl ran, some listings wait in the spool


@dataclass(frozen=True)
class CrawlSummary:
    """What a finished crawl recorded (the crawl_runs row)."""

    run_id: int
    profile: str
    status: str
    pages: int
    items: int
    indexed: int
    spooled: int
    errors: int
    drops: dict[str, int] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    duration_seconds: float | None = None


def settings_env(settings: Settings) -> dict[str, str]:
    """``MARKWATCH_*`` variables that make a child process build the same settings."""
    env = {}
    secrets = {key: value.get_secret_value() for key, value in settings if isinstance(value, SecretStr)}
    for key, value in {**settings.model_dump(mode="json"), **secrets}.items():
        if value is None:
            continue
        env[f"MARKWATCH_{key.upper()}"] = json.dumps(value) if isinstance(value, list | dict) else str(value)
    return env


def run_crawl(name: str, *, start_urls: list[str] | None = None, settings: Settings | None = None,
              timeout: float | None = None, scrapy_settings: dict[str, Any] | None = None,
              queries: list[SearchQuery] | None = None, budget: int | None = None,
              catalogue: bool = False) -> CrawlSummary:
    """Run ``markwatch crawl NAME`` in a subprocess and return the recorded counts.

    For a profile with a search template: ``queries`` are searched within ``budget`` pages (default:
    the profile's); without them the crawl process searches the rights database's watch queries, and
    ``catalogue=True`` walks the whole catalogue instead.

    A *degraded* crawl (it spooled listings) is returned, not raised: its summary says so.
    Raises :class:`CrawlFailed` (non-zero exit) or :class:`CrawlTimedOut`, both with the log tail.
    """
    settings = settings or get_settings()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MARKWATCH_")}
    env.update(settings_env(settings))
    with tempfile.TemporaryDirectory(prefix="markwatch-crawl-") as tmp:
        run_id_file = Path(tmp) / "run_id"
        log_path = Path(tmp) / "crawl.log"
        # -P: import the installed package, never modules from the working directory.
        command = [sys.executable, "-P", "-c", "from markwatch.cli import main; main()", "crawl", name,
                   "--run-id-file", str(run_id_file)]
        for url in start_urls or []:
            command += ["--start-url", url]
        if queries is not None:
            command += ["--queries-file", str(write_queries(queries, Path(tmp) / "queries.json"))]
        if budget is not None:
            command += ["--budget", str(budget)]
        if catalogue:
            command.append("--catalogue")
        for key, value in (scrapy_settings or {}).items():
            command += ["--set", f"{key}={json.dumps(value)}"]
        with log_path.open("wb") as log:
            process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
            try:
                returncode = process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
                raise CrawlTimedOut(f"crawl {name!r} did not finish within {timeout} s", returncode=None,
                                    log_tail=_tail(log_path), run_id=_run_id(run_id_file)) from None
        run_id = _run_id(run_id_file)
        if returncode == DEGRADED_EXIT and run_id is not None and read_summary(run_id, settings).status == "degraded":
            return read_summary(run_id, settings)
        if returncode != 0 or run_id is None:
            raise CrawlFailed(f"crawl {name!r} exited with status {returncode}", returncode=returncode,
                              log_tail=_tail(log_path), run_id=run_id)
    return read_summary(run_id, settings)


def read_summary(run_id: int, settings: Settings) -> CrawlSummary:
    """The :class:`CrawlSummary` of a recorded crawl run."""
    from shared_db.db import make_engine, transaction
    from shared_db.models import CrawlRun

    engine = make_engine(settings.resolved_database_url)
    try:
        with transaction(engine) as session:
            run = session.get_one(CrawlRun, run_id)
            duration = (run.finished_at - run.started_at).total_seconds() if run.finished_at else None
            return CrawlSummary(run_id=run.id, profile=run.profile, status=run.status, pages=run.pages,
                                items=run.items, indexed=run.indexed, spooled=run.spooled, errors=run.errors,
                                drops=dict(run.drops or {}), stats=dict(run.stats or {}), error=run.error,
                                duration_seconds=duration)
    finally:
        engine.dispose()


def _run_id(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return ""
