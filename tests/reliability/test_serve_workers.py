"""Several UI processes: `markwatch serve --workers 2` beside a second `markwatch serve` on the same database.

Logout on one process ends the session on every worker of the other; failed logins counted on one
are refused on the other. Real processes, real sockets, on SQLite and PostgreSQL (issue 16, item 6).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from shared_db.repo.users import create_user
from shared_db.settings import Settings

PASSWORD = "correct horse battery 42"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SPAWNED = "multiprocessing.spawn"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def _cmdline(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")


@pytest.fixture
def serve(settings: Settings) -> Iterator:  # type: ignore[type-arg]
    """``serve(database_url, *args)``: a running `markwatch serve` on a free port; returns (url, process)."""
    started: list[subprocess.Popen[bytes]] = []

    def start(database_url: str, *args: str) -> tuple[str, subprocess.Popen[bytes]]:
        port = _free_port()
        env = {**os.environ, "MARKWATCH_DATABASE_URL": database_url}
        process = subprocess.Popen(
            [sys.executable, "-P", "-c", "from markwatch.cli import main; main()", "serve", "--port", str(port),
             *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        started.append(process)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"markwatch serve exited: {process.stderr.read().decode()[-3000:]}")
            try:
                if httpx.get(f"{url}/login", timeout=2).status_code == 200:
                    return url, process
            except httpx.HTTPError:
                time.sleep(0.3)
        pytest.fail("markwatch serve did not answer within 90 s")

    yield start
    for process in started:
        process.terminate()
    for process in started:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _browser(url: str) -> httpx.Client:
    """A client opening a new connection for every request, so the workers of one server all take turns."""
    return httpx.Client(base_url=url, follow_redirects=False, timeout=30,
                        limits=httpx.Limits(max_keepalive_connections=0))


def _attempt(client: httpx.Client, email: str, password: str) -> httpx.Response:
    token = CSRF.search(client.get("/login").text).group(1)
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def test_logout_and_login_limits_hold_across_server_processes(engine: Engine, settings: Settings, serve,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from argon2 import PasswordHasher

    import shared_db.passwords

    monkeypatch.setattr(shared_db.passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    with Session(engine) as session, session.begin():
        for role in ("admin", "reviewer"):
            create_user(f"{role}@example.org", PASSWORD, role, session=session)
    database_url = engine.url.render_as_string(hide_password=False)
    pooled, pooled_process = serve(database_url, "--workers", "2")
    single, _ = serve(database_url)

    workers = [pid for pid in _children(pooled_process.pid) if SPAWNED in _cmdline(pid)]
    assert len(workers) == 2, [_cmdline(pid) for pid in _children(pooled_process.pid)]

    with _browser(pooled) as first, _browser(single) as second:
        assert _attempt(first, "reviewer@example.org", PASSWORD).status_code == 303
        second.cookies.set("markwatch_session", first.cookies["markwatch_session"])
        assert second.get("/queue").status_code == 200  # one session, valid on every process
        assert {first.get("/queue").status_code for _ in range(12)} == {200}
        token = CSRF.search(second.get("/queue").text).group(1)
        assert second.post("/logout", data={"csrf_token": token}).status_code == 303
        after = [first.get("/queue") for _ in range(12)]  # each on a new connection: both workers answer
        assert {response.status_code for response in after} == {303}
        assert {response.headers["location"].split("?")[0] for response in after} == {"/login"}

    with _browser(pooled) as first, _browser(single) as second:
        for n in range(5):  # the account's free failures, spread over both servers and both workers
            assert _attempt(first if n % 2 else second, "admin@example.org", "wrong guess 123").status_code == 401
        assert _attempt(second, "admin@example.org", PASSWORD).status_code == 429
        assert _attempt(first, "admin@example.org", PASSWORD).status_code == 429
