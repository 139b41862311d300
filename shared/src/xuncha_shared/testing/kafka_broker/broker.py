"""The broker itself: a single-node KRaft Kafka run as a child process."""

import atexit
import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path
from types import TracebackType
from typing import Self

from xuncha_shared.kafka_access.broker_security import (
    CLIENT_LISTENER,
    CONTROLLER_LISTENER,
    broker_security_properties,
    storage_scram_argument,
)
from xuncha_shared.kafka_access.credentials import KafkaCredentials
from xuncha_shared.kafka_access.tls import ensure_broker_tls_files
from xuncha_shared.testing.kafka_broker.errors import KafkaBrokerError
from xuncha_shared.testing.kafka_broker.jars import (
    LOG4J_RELATIVE_PATH,
    default_lib_dir,
    ensure_jars,
    find_repo_root,
)
from xuncha_shared.testing.kafka_broker.process import (
    NODE_ID,
    free_ports,
    java_executable,
    load_or_make_passwords,
    new_cluster_id,
    port_open,
    probe_metadata,
    tail,
)

__all__ = ["JVM_OPTIONS", "KafkaBroker"]

JVM_OPTIONS: tuple[str, ...] = (
    "-Xms256m",
    "-Xmx1g",
    "-XX:+UseG1GC",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djava.awt.headless=true",
)

_PID_FILE = "broker.pid"
_LOG_FILE = "kafka.log"
_PROPERTIES_FILE = "server.properties"
_DATA_DIR = "data"
_SECRETS_FILE = "operator.secret"
_TLS_DIR = "tls"
TLS_HOSTS = ("localhost", "127.0.0.1")
"""The names the broker's certificate holds: clients dial 127.0.0.1 and check the name."""
OPERATOR_USERNAME = "xuncha-operator"
"""The harness's super-user principal (SCRAM, created when the storage is formatted)."""


class KafkaBroker:
    """A single-node KRaft Kafka broker+controller on 127.0.0.1, run as a child process.

    Ports are fixed for the object's lifetime (free ones are picked when not given), and
    data lives in ``workdir/data``, so :meth:`restart` and :meth:`kill` + :meth:`start`
    bring back the same broker with the same topics, offsets and producer state; clients
    configured with :attr:`bootstrap_servers` reconnect on their own.

    Clients sign in with SASL/SCRAM over TLS (``SASL_SSL``), as in the compose deployment:
    :attr:`operator_credentials` and the principals made from them trust :attr:`ca_file`.

    Files in ``workdir``: ``server.properties``, ``data/`` (``log.dirs``), ``tls/`` (the
    authority and the broker's certificate, kept across restarts), ``kafka.log`` (the JVM's
    stdout/stderr, WARN and above, appended across starts) and ``broker.pid``.
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
            port: client listener port (SASL_SSL); a free loopback port when ``None``.
            controller_port: CONTROLLER listener port; a free loopback port when ``None``.
            lib_dir: directory with the broker's jars; ``<repo>/var/kafka/lib`` when ``None``.
        """
        self.workdir = Path(workdir).resolve()
        taken = [p for p in (port, controller_port) if p is not None]
        free = iter(free_ports(2 - len(taken), exclude=taken))
        self.port: int = port if port is not None else next(free)
        self.controller_port: int = controller_port if controller_port is not None else next(free)
        if self.port == self.controller_port:
            raise ValueError("port and controller_port must differ")
        self.lib_dir = (lib_dir if lib_dir is not None else default_lib_dir()).resolve()
        self.last_start_seconds: float | None = None
        """Wall-clock seconds the last successful :meth:`start` took."""
        self._proc: subprocess.Popen[bytes] | None = None
        self._log_offset = 0
        self._operator_password, self._controller_password = load_or_make_passwords(
            self.workdir / _SECRETS_FILE
        )
        self.tls = ensure_broker_tls_files(self.workdir / _TLS_DIR, TLS_HOSTS)

    # ----------------------------------------------------------------- properties

    @property
    def bootstrap_servers(self) -> str:
        """The ``bootstrap_servers`` string for clients, ``"127.0.0.1:<port>"``."""
        return f"127.0.0.1:{self.port}"

    @property
    def operator_credentials(self) -> KafkaCredentials:
        """The super-user principal: the harness and the operator's tools sign in as it."""
        return KafkaCredentials(
            username=OPERATOR_USERNAME,
            password=self._operator_password,
            security_protocol="SASL_SSL",
            ssl_cafile=str(self.ca_file),
        )

    @property
    def ca_file(self) -> Path:
        """The authority every client of this broker trusts (``ca.crt``)."""
        return self.tls.ca_file

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
                f"{CLIENT_LISTENER}://127.0.0.1:{self.port},"
                f"{CONTROLLER_LISTENER}://127.0.0.1:{self.controller_port}"
            ),
            "advertised.listeners": f"{CLIENT_LISTENER}://127.0.0.1:{self.port}",
            # SASL/SCRAM over TLS for every client, PLAIN between controller and broker,
            # and ACLs: the same security as the compose deployment.
            **broker_security_properties(
                operator=self.operator_credentials,
                controller_password=self._controller_password,
                tls=self.tls,
            ),
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
        JVM in its own process group and waits until the client port accepts connections
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
        java = java_executable()
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._kill_stale_process()
        for port in (self.port, self.controller_port):
            if port_open(port, timeout=0.2):
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
        return tail(text, lines)

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
            new_cluster_id(),
            "--config",
            str(self.properties_file),
            "--ignore-formatted",
            "--add-scram",
            storage_scram_argument(self.operator_credentials),
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
                + tail(result.stdout + result.stderr, 40)
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
            if port_open(self.port, timeout=min(0.5, remaining)) and probe_metadata(
                self.bootstrap_servers,
                timeout=min(5.0, max(remaining, 0.5)),
                credentials=self.operator_credentials,
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
