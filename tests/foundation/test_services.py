"""`markwatch services` against a second, real embedded Elasticsearch on a spare port."""

from __future__ import annotations

import os
import re
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from markwatch.cli import app
from markwatch.cli.common import EXIT_FAILURE, EXIT_UNAVAILABLE
from markwatch.embedded_es import EmbeddedElasticsearch
from shared_db.settings import Settings, reset_settings


def _spare_port(first: int = 9290, last: int = 9399) -> int:
    """A port whose embedded-server transport port (port + 100) is free too: other checkouts on the machine may
    run this module at the same time."""
    for port in range(first, last):
        try:
            with socket.socket() as http, socket.socket() as transport:
                http.bind(("127.0.0.1", port))
                transport.bind(("127.0.0.1", port + 100))
        except OSError:
            continue
        return port
    raise RuntimeError(f"no free port pair between {first} and {last}")


SPARE_PORT = int(os.environ.get("MARKWATCH_TEST_SPARE_ES_PORT") or _spare_port())
runner = CliRunner()


def _invoke(*args: str):  # type: ignore[no-untyped-def]
    reset_settings()
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


@pytest.fixture
def embedded_env(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> Iterator[Path]:
    """Environment for an embedded server on SPARE_PORT with its own world-traversable data dir."""
    data_dir = Path(tempfile.mkdtemp(prefix="markwatch-services-"))
    data_dir.chmod(0o755)
    monkeypatch.delenv("MARKWATCH_ES_URL")
    monkeypatch.setenv("MARKWATCH_ES_PORT", str(SPARE_PORT))
    monkeypatch.setenv("MARKWATCH_DATA_DIR", str(data_dir))
    yield data_dir
    EmbeddedElasticsearch(Settings(data_dir=data_dir, es_port=SPARE_PORT)).stop()
    reset_settings()
    shutil.rmtree(data_dir, ignore_errors=True)


@pytest.mark.slow
def test_up_up_status_down_down(embedded_env: Path, settings: Settings) -> None:
    result = _invoke("services", "up")
    assert result.exit_code == 0, result.output
    seconds = float(re.search(r"in (\d+\.\d)s", result.output).group(1))
    print(f"embedded Elasticsearch start time: {seconds:.1f}s")  # shown with pytest -s
    url = f"http://127.0.0.1:{SPARE_PORT}"
    assert httpx.get(url).json()["version"]["number"] == "7.9.2"
    assert f"{settings.es_index_prefix}-listings-v1" in httpx.get(f"{url}/_alias/{settings.listings_alias}").json()
    pid = int((embedded_env / "elasticsearch" / str(SPARE_PORT) / "es.pid").read_text())

    again = _invoke("services", "up")
    assert again.exit_code == 0
    assert "already running" in again.output and f"pid {pid}" in again.output

    status = _invoke("services", "status")
    assert status.exit_code == 0
    assert f"pid {pid}" in status.output and re.search(r"health (green|yellow)", status.output)

    down = _invoke("services", "down")
    assert down.exit_code == 0 and "stopped" in down.output
    with pytest.raises(httpx.HTTPError):
        httpx.get(url, timeout=2)
    assert not (embedded_env / "elasticsearch" / str(SPARE_PORT) / "es.pid").exists()

    down_again = _invoke("services", "down")
    assert down_again.exit_code == 0 and "was not running" in down_again.output
    stopped = _invoke("services", "status")
    assert stopped.exit_code == EXIT_UNAVAILABLE and "services up" in stopped.output


def test_port_in_use_is_named(embedded_env: Path) -> None:
    with socket.socket() as blocker:
        # the earlier tests' server leaves its connections in TIME_WAIT on this port; a listener still blocks it
        blocker.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        blocker.bind(("127.0.0.1", SPARE_PORT))
        blocker.listen()
        result = _invoke("services", "up")
    assert result.exit_code == EXIT_FAILURE
    assert f"port {SPARE_PORT}" in result.output and "in use" in result.output
    assert "MARKWATCH_ES_PORT" in result.output


def test_failed_start_shows_the_log_tail(embedded_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MARKWATCH_ES_HEAP", "not-a-size")
    result = _invoke("services", "up")
    assert result.exit_code == EXIT_FAILURE
    assert "exited with code" in result.output
    assert "Last lines of" in result.output and "heap size" in result.output.lower()
    assert not (embedded_env / "elasticsearch" / str(SPARE_PORT) / "es.pid").exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="only root hands the server to 'nobody'")
def test_data_dir_unreachable_by_nobody_is_explained(tmp_path: Path) -> None:
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    server = EmbeddedElasticsearch(Settings(data_dir=private / "var", es_port=SPARE_PORT))
    with pytest.raises(Exception, match="not accessible to the user 'nobody'"):
        server.start(timeout=5)


def test_external_cluster_is_never_started_or_stopped(settings: Settings) -> None:
    up = _invoke("services", "up")
    assert up.exit_code == 0, up.output
    assert "nothing to start" in up.output and settings.listings_alias in up.output
    status = _invoke("services", "status")
    assert status.exit_code == 0 and "external Elasticsearch" in status.output
    down = _invoke("services", "down")
    assert down.exit_code == 0 and "nothing to stop" in down.output
    assert httpx.get(f"{settings.es_url}/_cluster/health").status_code == 200


def test_unreachable_external_cluster_exits_4(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    monkeypatch.setenv("MARKWATCH_ES_URL", "http://127.0.0.1:9")
    assert _invoke("services", "status").exit_code == EXIT_UNAVAILABLE
    result = _invoke("services", "up")
    assert result.exit_code == EXIT_UNAVAILABLE and "unreachable" in result.output


def test_a_node_alone_or_in_a_loopback_cluster(tmp_path: Path) -> None:
    """Without seed hosts one single-node server; with them, the -E settings of docs/cluster.md's two nodes."""
    alone = EmbeddedElasticsearch(Settings(_env_file=None, data_dir=tmp_path, es_port=9250))
    assert alone.discovery_args() == ["-Ediscovery.type=single-node"]
    assert (alone.transport_port, alone.node_name) == (9350, "markwatch-9250")
    cluster = {"data_dir": tmp_path, "es_cluster_name": "mw", "es_seed_hosts": ["127.0.0.1:9350", "127.0.0.1:9361"],
               "es_initial_master_nodes": ["es-a"]}
    master = EmbeddedElasticsearch(Settings(_env_file=None, es_port=9250, es_node_name="es-a", **cluster))
    assert master.discovery_args() == ["-Ecluster.name=mw", "-Ediscovery.seed_hosts=127.0.0.1:9350,127.0.0.1:9361",
                                       "-Ecluster.initial_master_nodes=es-a"]
    data_only = EmbeddedElasticsearch(Settings(_env_file=None, es_port=9251, es_transport_port=9361,
                                               es_node_name="es-b", es_node_master=False, **cluster))
    assert data_only.discovery_args()[-1] == "-Enode.master=false"
    assert (data_only.transport_port, data_only.root.name) == (9361, "9251")
    assert not data_only.kill()  # nothing recorded: nothing to kill


def test_a_transport_port_in_use_is_named(embedded_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        monkeypatch.setenv("MARKWATCH_ES_TRANSPORT_PORT", str(port))
        result = _invoke("services", "up", "--timeout", "5")
    assert result.exit_code == EXIT_FAILURE
    assert f"transport port {port}" in result.output and "MARKWATCH_ES_TRANSPORT_PORT" in result.output
