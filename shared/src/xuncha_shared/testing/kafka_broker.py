"""A real single-node Apache Kafka 4.x broker (KRaft, broker+controller) without Docker.

There is no Docker engine on the project's machines and the Apache tarball cannot be
downloaded, so the broker is assembled from Maven Central: ``deploy/kafka/pom.xml`` lists
``org.apache.kafka:kafka_2.13`` plus a log4j2 backend, :func:`ensure_jars` copies the runtime
classpath into ``var/kafka/lib`` (kept out of git), and :class:`KafkaBroker` runs
``java -cp lib/* kafka.Kafka server.properties`` as a child process.

Typical test use::

    broker = KafkaBroker(tmp_path / "kafka")
    with broker:                      # start() ... stop()
        producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap_servers, ...)
        ...
        broker.restart()              # same ports and data: clients reconnect
        broker.kill()                 # SIGKILL, simulates a crash
        broker.start()

Command line::

    python -m xuncha_shared.testing.kafka_broker install
    python -m xuncha_shared.testing.kafka_broker run --dir var/kafka/dev --port 9092
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import base64
import contextlib
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self

from xuncha_shared.testing.locks import file_lock

__all__ = [
    "KafkaBroker",
    "KafkaBrokerError",
    "default_lib_dir",
    "ensure_jars",
    "find_repo_root",
    "main",
]

POM_RELATIVE_PATH = Path("deploy") / "kafka" / "pom.xml"
"""Location of the broker's pom, relative to the repository root."""

LOG4J_RELATIVE_PATH = Path("deploy") / "kafka" / "log4j2.yaml"
"""Location of the broker's log4j2 configuration, relative to the repository root."""

DEPENDENCY_PLUGIN_GOAL = "org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies"

JVM_OPTIONS: tuple[str, ...] = (
    "-Xms256m",
    "-Xmx1g",
    "-XX:+UseG1GC",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djava.awt.headless=true",
)

NODE_ID = 1
"""``node.id`` of the single broker+controller node."""

_STAMP_FILE = ".pom.sha256"
_PID_FILE = "broker.pid"
_LOG_FILE = "kafka.log"
_PROPERTIES_FILE = "server.properties"
_DATA_DIR = "data"


class KafkaBrokerError(RuntimeError):
    """The broker could not be installed, started or stopped."""


# --------------------------------------------------------------------------- jars


def find_repo_root(start: Path | None = None) -> Path:
    """Return the nearest directory at or above ``start`` containing ``deploy/kafka/pom.xml``.

    Searches upwards from ``start`` (default: this file), then from the current working
    directory, so it also works when the package is installed non-editable.
    """
    candidates = [start] if start is not None else [Path(__file__), Path.cwd()]
    for origin in candidates:
        origin = origin.resolve()
        for directory in (origin, *origin.parents):
            if (directory / POM_RELATIVE_PATH).is_file():
                return directory
    raise KafkaBrokerError(
        f"cannot find {POM_RELATIVE_PATH} above {', '.join(str(c) for c in candidates)}"
    )


def default_lib_dir() -> Path:
    """Return the default jar directory, ``<repo>/var/kafka/lib``."""
    return find_repo_root() / "var" / "kafka" / "lib"


def _kafka_jars(lib_dir: Path) -> list[Path]:
    return sorted(lib_dir.glob("kafka_2.13-*.jar"))


def _pom_digest(pom: Path) -> str:
    return hashlib.sha256(pom.read_bytes()).hexdigest()


def _jars_current(lib_dir: Path, digest: str) -> bool:
    if not _kafka_jars(lib_dir):
        return False
    stamp = lib_dir / _STAMP_FILE
    # No stamp: the jars were put there by hand; accept them. A stamp written for a
    # different pom means the pom changed since: resolve again.
    return not stamp.is_file() or stamp.read_text().strip() == digest


def _tail(text: str, lines: int) -> str:
    return "\n".join(text.splitlines()[-lines:])


def ensure_jars(lib_dir: Path) -> None:
    """Make sure ``lib_dir`` holds the broker's runtime classpath.

    If no ``kafka_2.13-*.jar`` is there (or the pom changed since the jars were copied),
    run ``mvn ... copy-dependencies -DincludeScope=runtime`` on ``deploy/kafka/pom.xml``.
    Idempotent and cheap once the jars exist (a glob and a small hash). Safe against
    concurrent callers (pytest-xdist workers): resolution is serialised by a file lock and
    the jars are copied to a staging directory that replaces ``lib_dir`` only once complete.
    """
    lib_dir = lib_dir.resolve()
    pom = find_repo_root() / POM_RELATIVE_PATH
    digest = _pom_digest(pom)
    if _jars_current(lib_dir, digest):
        return
    with file_lock(lib_dir.parent / f".{lib_dir.name}.lock"):
        if _jars_current(lib_dir, digest):
            return
        mvn = shutil.which("mvn")
        if mvn is None:
            raise KafkaBrokerError(
                "Maven ('mvn') is not on PATH; it is needed once to fetch the Kafka jars"
            )
        staging = lib_dir.parent / f".{lib_dir.name}.tmp-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        command = [
            mvn,
            "-B",
            "-q",
            "-f",
            str(pom),
            DEPENDENCY_PLUGIN_GOAL,
            "-DincludeScope=runtime",
            f"-DoutputDirectory={staging}",
        ]
        result = subprocess.run(
            command, capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL
        )
        if result.returncode != 0 or not _kafka_jars(staging):
            shutil.rmtree(staging, ignore_errors=True)
            output = _tail(result.stdout + result.stderr, 40)
            raise KafkaBrokerError(
                f"{' '.join(command)} failed (exit {result.returncode}):\n{output}"
            )
        (staging / _STAMP_FILE).write_text(digest + "\n")
        previous = lib_dir.parent / f".{lib_dir.name}.old-{os.getpid()}"
        if lib_dir.exists():
            lib_dir.rename(previous)
        staging.rename(lib_dir)
        shutil.rmtree(previous, ignore_errors=True)


# --------------------------------------------------------------------------- helpers


def _free_ports(count: int, exclude: Sequence[int] = ()) -> list[int]:
    """Return ``count`` distinct free TCP ports on 127.0.0.1 (not in ``exclude``)."""
    sockets: list[socket.socket] = []
    ports: list[int] = []
    try:
        while len(ports) < count:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sockets.append(sock)
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
            if port not in exclude:
                ports.append(port)
        return ports
    finally:
        for sock in sockets:
            sock.close()


def _port_open(port: int, timeout: float = 0.5) -> bool:
    """Return whether something accepts TCP connections on 127.0.0.1:``port``."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False


def _java_executable() -> str:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").is_file():
        return str(Path(java_home) / "bin" / "java")
    java = shutil.which("java")
    if java is None:
        raise KafkaBrokerError("'java' (JDK 17+) is not on PATH and JAVA_HOME is not set")
    return java


def _new_cluster_id() -> str:
    """Return a random cluster id in Kafka's ``Uuid`` format (22 chars, base64url)."""
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cluster_id.startswith("-"):  # Kafka avoids these: they look like CLI flags
            return cluster_id


def _probe_metadata(bootstrap_servers: str, timeout: float) -> bool:
    """Return whether the broker answers a Metadata request listing itself as alive.

    Runs aiokafka on a private event loop in a helper thread, so it works whether or not
    the caller is inside a running event loop (e.g. an async pytest test).
    """
    from aiokafka.admin import AIOKafkaAdminClient

    async def probe() -> bool:
        admin = AIOKafkaAdminClient(
            bootstrap_servers=bootstrap_servers,
            client_id="xuncha-kafka-broker-probe",
            request_timeout_ms=max(int(timeout * 1000), 1000),
        )
        try:
            await asyncio.wait_for(admin.start(), timeout)
            cluster: dict[str, Any] = await asyncio.wait_for(admin.describe_cluster(), timeout)
        finally:
            with contextlib.suppress(Exception):
                await admin.close()
        brokers: list[dict[str, Any]] = cluster.get("brokers") or []
        return any(b.get("node_id") == NODE_ID for b in brokers) and (
            cluster.get("controller_id", -1) != -1
        )

    outcome: list[bool] = []

    def runner() -> None:
        try:
            outcome.append(asyncio.run(probe()))
        except Exception:
            outcome.append(False)

    thread = threading.Thread(target=runner, name="kafka-broker-probe", daemon=True)
    thread.start()
    thread.join(timeout + 5)
    return bool(outcome and outcome[0])


# --------------------------------------------------------------------------- broker


class KafkaBroker:
    """A single-node KRaft Kafka broker+controller on 127.0.0.1, run as a child process.

    Ports are fixed for the object's lifetime (free ones are picked when not given), and
    data lives in ``workdir/data``, so :meth:`restart` and :meth:`kill` + :meth:`start`
    bring back the same broker with the same topics, offsets and producer state; clients
    configured with :attr:`bootstrap_servers` reconnect on their own.

    Files in ``workdir``: ``server.properties``, ``data/`` (``log.dirs``), ``kafka.log``
    (the JVM's stdout/stderr, WARN and above, appended across starts) and ``broker.pid``.
    """

    def __init__(
        self,
        workdir: Path,
        *,
        port: int | None = None,
        controller_port: int | None = None,
        lib_dir: Path | None = None,
    ) -> None:
        """Configure (but do not start) a broker.

        Args:
            workdir: directory for config, data and logs; created if missing.
            port: PLAINTEXT listener port; a free loopback port when ``None``.
            controller_port: CONTROLLER listener port; a free loopback port when ``None``.
            lib_dir: directory with the broker's jars; ``<repo>/var/kafka/lib`` when ``None``.
        """
        self.workdir = Path(workdir).resolve()
        taken = [p for p in (port, controller_port) if p is not None]
        free = iter(_free_ports(2 - len(taken), exclude=taken))
        self.port: int = port if port is not None else next(free)
        self.controller_port: int = controller_port if controller_port is not None else next(free)
        if self.port == self.controller_port:
            raise ValueError("port and controller_port must differ")
        self.lib_dir = (lib_dir if lib_dir is not None else default_lib_dir()).resolve()
        self.last_start_seconds: float | None = None
        """Wall-clock seconds the last successful :meth:`start` took."""
        self._proc: subprocess.Popen[bytes] | None = None
        self._log_offset = 0

    # ----------------------------------------------------------------- properties

    @property
    def bootstrap_servers(self) -> str:
        """The ``bootstrap_servers`` string for clients, ``"127.0.0.1:<port>"``."""
        return f"127.0.0.1:{self.port}"

    @property
    def is_running(self) -> bool:
        """Whether the broker's JVM process is alive (not necessarily ready)."""
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int | None:
        """Process id of the running JVM, or ``None``."""
        return self._proc.pid if self.is_running and self._proc is not None else None

    @property
    def data_dir(self) -> Path:
        """The broker's ``log.dirs`` (partition logs and KRaft metadata)."""
        return self.workdir / _DATA_DIR

    @property
    def log_file(self) -> Path:
        """File receiving the JVM's stdout and stderr."""
        return self.workdir / _LOG_FILE

    @property
    def properties_file(self) -> Path:
        """The generated ``server.properties``."""
        return self.workdir / _PROPERTIES_FILE

    def server_properties(self) -> dict[str, str]:
        """Return the broker configuration written to ``server.properties``."""
        return {
            "process.roles": "broker,controller",
            "node.id": str(NODE_ID),
            "controller.quorum.voters": f"{NODE_ID}@127.0.0.1:{self.controller_port}",
            "listeners": (
                f"PLAINTEXT://127.0.0.1:{self.port},CONTROLLER://127.0.0.1:{self.controller_port}"
            ),
            "advertised.listeners": f"PLAINTEXT://127.0.0.1:{self.port}",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "inter.broker.listener.name": "PLAINTEXT",
            "controller.listener.names": "CONTROLLER",
            "log.dirs": str(self.data_dir),
            "num.partitions": "1",
            "default.replication.factor": "1",
            "min.insync.replicas": "1",
            "auto.create.topics.enable": "true",
            "offsets.topic.replication.factor": "1",
            "offsets.topic.num.partitions": "1",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "transaction.state.log.num.partitions": "1",
            "share.coordinator.state.topic.replication.factor": "1",
            "share.coordinator.state.topic.min.isr": "1",
            "share.coordinator.state.topic.num.partitions": "1",
            "group.initial.rebalance.delay.ms": "0",
            # After a crash (kill()) the controller keeps the dead incarnation's session until
            # it times out before letting the restarted broker register: 9 s by default.
            "broker.session.timeout.ms": "3000",
            "broker.heartbeat.interval.ms": "500",
            "num.network.threads": "2",
            "num.io.threads": "4",
        }

    # ----------------------------------------------------------------- lifecycle

    def start(self, timeout: float = 90) -> None:
        """Start the broker and block until it serves metadata.

        Writes ``server.properties``, formats the storage on first start only, launches the
        JVM in its own process group and waits until the PLAINTEXT port accepts connections
        and a Metadata request lists this broker. Does nothing if already running.

        Raises:
            KafkaBrokerError: a port is taken, the JVM exits early, or ``timeout`` seconds
                pass; the message includes the tail of :attr:`log_file`.
        """
        if self.is_running:
            return
        began = time.monotonic()
        ensure_jars(self.lib_dir)  # may take a while the very first time: not in `timeout`
        deadline = time.monotonic() + timeout
        java = _java_executable()
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._kill_stale_process()
        for port in (self.port, self.controller_port):
            if _port_open(port, timeout=0.2):
                raise KafkaBrokerError(f"port 127.0.0.1:{port} is already in use")
        self._write_properties()
        self._format_storage_if_needed(java)

        try:
            with self.log_file.open("ab") as log:
                self._log_offset = log.tell()
                stamp = time.strftime("%Y-%m-%d %H:%M:%S")
                log.write(
                    f"=== {stamp} starting kafka.Kafka on {self.bootstrap_servers}\n".encode()
                )
                log.flush()
                self._proc = subprocess.Popen(
                    self._java_command(java, "kafka.Kafka", str(self.properties_file)),
                    cwd=self.workdir,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # Ctrl-C in the caller's terminal must not reach it
                )
            (self.workdir / _PID_FILE).write_text(f"{self._proc.pid}\n")
            atexit.register(self._stop_at_exit)
            self._wait_ready(deadline, timeout)
        except BaseException:
            self._signal_and_wait(signal.SIGKILL, 10)  # leave no half-started JVM behind
            raise
        self.last_start_seconds = time.monotonic() - began

    def stop(self, timeout: float = 30) -> None:
        """Stop gracefully: SIGTERM, wait up to ``timeout`` seconds, then SIGKILL."""
        self._signal_and_wait(signal.SIGTERM, timeout)

    def kill(self) -> None:
        """SIGKILL the broker (no controlled shutdown, no flush): simulates a crash."""
        self._signal_and_wait(signal.SIGKILL, 10)

    def restart(self, timeout: float = 90) -> None:
        """Stop, then start again on the same ports and data directory."""
        self.stop()
        self.start(timeout)

    def log_tail(self, lines: int = 40) -> str:
        """Return the last ``lines`` lines the broker logged since the last start."""
        try:
            with self.log_file.open("rb") as log:
                log.seek(self._log_offset)
                text = log.read().decode("utf-8", errors="replace")
        except OSError:
            return ""
        return _tail(text, lines)

    def __enter__(self) -> Self:
        """Start the broker (if not running) and return it."""
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop the broker."""
        self.stop()

    def __repr__(self) -> str:
        state = f"pid={self.pid}" if self.is_running else "stopped"
        return f"<KafkaBroker {self.bootstrap_servers} {state} workdir={self.workdir}>"

    # ----------------------------------------------------------------- internals

    def _java_command(self, java: str, main_class: str, *args: str) -> list[str]:
        log4j = find_repo_root() / LOG4J_RELATIVE_PATH
        return [
            java,
            *JVM_OPTIONS,
            f"-Dlog4j2.configurationFile={log4j}",
            f"-Dkafka.logs.dir={self.workdir}",
            "-cp",
            str(self.lib_dir / "*"),  # expanded by java itself, not by a shell
            main_class,
            *args,
        ]

    def _write_properties(self) -> None:
        lines = [f"{key}={value}" for key, value in self.server_properties().items()]
        text = "# Generated by xuncha_shared.testing.kafka_broker\n" + "\n".join(lines) + "\n"
        self.properties_file.write_text(text)

    def _format_storage_if_needed(self, java: str) -> None:
        if (self.data_dir / "meta.properties").is_file():
            return
        command = self._java_command(
            java,
            "kafka.tools.StorageTool",
            "format",
            "--cluster-id",
            _new_cluster_id(),
            "--config",
            str(self.properties_file),
            "--ignore-formatted",
        )
        result = subprocess.run(
            command,
            cwd=self.workdir,
            capture_output=True,
            text=True,
            check=False,
            stdin=subprocess.DEVNULL,
            timeout=120,
        )
        with self.log_file.open("a") as log:
            log.write(f"=== kafka-storage format (exit {result.returncode})\n")
            log.write(result.stdout + result.stderr)
        if result.returncode != 0:
            raise KafkaBrokerError(
                f"kafka-storage format failed (exit {result.returncode}):\n"
                + _tail(result.stdout + result.stderr, 40)
            )

    def _wait_ready(self, deadline: float, timeout: float) -> None:
        assert self._proc is not None
        while True:
            code = self._proc.poll()
            if code is not None:
                raise KafkaBrokerError(
                    f"Kafka broker exited with code {code} during start-up; "
                    f"log tail ({self.log_file}):\n{self.log_tail(80)}"
                )
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise KafkaBrokerError(
                    f"Kafka broker not ready on {self.bootstrap_servers} after {timeout:g}s; "
                    f"log tail ({self.log_file}):\n{self.log_tail(80)}"
                )
            if _port_open(self.port, timeout=min(0.5, remaining)) and _probe_metadata(
                self.bootstrap_servers, timeout=min(5.0, max(remaining, 0.5))
            ):
                return
            time.sleep(0.1)

    def _signal_and_wait(self, sig: signal.Signals, timeout: float) -> None:
        proc = self._proc
        if proc is None:
            return
        try:
            if proc.poll() is None:
                self._killpg(proc.pid, sig)
                try:
                    proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    self._killpg(proc.pid, signal.SIGKILL)
                    proc.wait(10)
        finally:
            self._proc = None
            atexit.unregister(self._stop_at_exit)
            with contextlib.suppress(FileNotFoundError):
                (self.workdir / _PID_FILE).unlink()

    @staticmethod
    def _killpg(pgid: int, sig: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, sig)

    def _kill_stale_process(self) -> None:
        """SIGKILL a broker left behind on this workdir by a process that died hard."""
        pid_file = self.workdir / _PID_FILE
        try:
            pid = int(pid_file.read_text().strip())
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except (OSError, ValueError):
            pid_file.unlink(missing_ok=True)
            return
        if str(self.properties_file).encode() in cmdline and b"kafka.Kafka" in cmdline:
            self._killpg(pid, signal.SIGKILL)
            for _ in range(100):
                if not Path(f"/proc/{pid}").exists():
                    break
                time.sleep(0.1)
        pid_file.unlink(missing_ok=True)

    def _stop_at_exit(self) -> None:
        self._signal_and_wait(signal.SIGTERM, 5)


# --------------------------------------------------------------------------- CLI


def _run_foreground(broker: KafkaBroker, out: IO[str]) -> int:
    """Run ``broker`` until Ctrl-C / SIGTERM (or until it dies); return an exit code."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    # Explicit handlers: SIGINT may be inherited as ignored (e.g. when started with `&`).
    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    code = 0
    try:
        broker.start()
        out.write(
            f"Kafka broker ready on {broker.bootstrap_servers} "
            f"(started in {broker.last_start_seconds:.1f}s; log: {broker.log_file}). "
            "Ctrl-C to stop.\n"
        )
        out.flush()
        while broker.is_running:
            time.sleep(0.5)
        out.write(f"Kafka broker exited unexpectedly; log tail:\n{broker.log_tail()}\n")
        code = 1
    except KeyboardInterrupt:
        pass
    finally:
        out.write("Stopping Kafka broker...\n")
        out.flush()
        broker.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point: ``install`` the jars or ``run`` a broker in the foreground."""
    parser = argparse.ArgumentParser(
        prog="python -m xuncha_shared.testing.kafka_broker",
        description="Local Apache Kafka broker (KRaft, single node) from Maven Central jars.",
    )
    parser.add_argument(
        "--lib-dir", type=Path, default=None, help="jar directory (default <repo>/var/kafka/lib)"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("install", help="resolve the broker's jars with Maven (idempotent)")
    run = commands.add_parser("run", help="run a broker in the foreground until Ctrl-C")
    run.add_argument("--dir", type=Path, required=True, help="work directory (config, data, log)")
    run.add_argument("--port", type=int, default=9092, help="PLAINTEXT port (default 9092)")
    run.add_argument(
        "--controller-port", type=int, default=None, help="CONTROLLER port (default port+1)"
    )
    args = parser.parse_args(argv)
    lib_dir: Path = args.lib_dir if args.lib_dir is not None else default_lib_dir()

    try:
        if args.command == "install":
            began = time.monotonic()
            ensure_jars(lib_dir)
            jars = ", ".join(p.name for p in _kafka_jars(lib_dir))
            print(f"Kafka jars ready in {lib_dir} ({jars}; {time.monotonic() - began:.1f}s)")
            return 0
        port: int = args.port
        controller_port: int = args.controller_port if args.controller_port else port + 1
        broker = KafkaBroker(args.dir, port=port, controller_port=controller_port, lib_dir=lib_dir)
        return _run_foreground(broker, sys.stdout)
    except KafkaBrokerError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
