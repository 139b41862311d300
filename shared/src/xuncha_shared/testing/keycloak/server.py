"""A Keycloak server as a child process group: ``kc.sh start-dev`` on a free loopback port,
the realm imported at start-up, and the options every start must share with the install."""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType
from typing import Self

import httpx

from xuncha_shared.testing.kafka_broker.jars import find_repo_root
from xuncha_shared.testing.keycloak.errors import KeycloakError
from xuncha_shared.testing.keycloak.realm import REALM_FILE, KeycloakRealm

KEYCLOAK_VERSION = "26.7.3"
"""Newest release Maven Central serves here that runs on the machines' OpenJDK 17."""

BUILD_OPTIONS: tuple[str, ...] = ("--db=dev-mem",)
"""Build-time options persisted by the install step; a start with others re-augments."""

JVM_OPTIONS = "-Xms64m -Xmx512m -XX:TieredStopAtLevel=1"
"""Added to ``kc.sh``'s own JVM options. PostgreSQL, Kafka and Chromium share the 2-core
machine: a 512 MiB heap, and only the quick JIT compiler, which cuts the CPU time of a start
by about a third (measured here: 24-28 s instead of 37-44 s) for a slower server that tests
never notice."""


def default_home(version: str = KEYCLOAK_VERSION) -> Path:
    """Return where the distribution is unpacked: ``<repo>/var/keycloak/keycloak-<version>``."""
    return find_repo_root() / "var" / "keycloak" / f"keycloak-{version}"


def tail(text: str, lines: int) -> str:
    """The last ``lines`` lines of ``text``."""
    return "\n".join(text.splitlines()[-lines:])


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class KeycloakServer:
    """``kc.sh start-dev`` on 127.0.0.1 with one imported realm, run as a process group.

    Files in ``workdir``: ``import/<realm>-realm.json`` and ``transaction-logs/``. The
    server's output is appended to ``log_file`` (``workdir/keycloak.log`` by default).
    """

    def __init__(
        self,
        workdir: Path,
        *,
        home: Path | None = None,
        port: int | None = None,
        realm_file: Path = REALM_FILE,
        log_file: Path | None = None,
        jvm_options: str = JVM_OPTIONS,
    ) -> None:
        """Configure (but do not start) a server; ``port`` is a free one when ``None``."""
        self.workdir = Path(workdir).resolve()
        self.home = (home if home is not None else default_home()).resolve()
        self.port: int = port if port is not None else _free_port()
        self.realm_file = realm_file
        self.realm = KeycloakRealm(
            base_url=f"http://127.0.0.1:{self.port}",
            realm=str(json.loads(realm_file.read_text(encoding="utf-8"))["realm"]),
        )
        self.log_file = (
            log_file if log_file is not None else self.workdir / "keycloak.log"
        ).resolve()
        self.jvm_options = jvm_options
        self.last_start_seconds: float | None = None
        """Wall-clock seconds the last successful :meth:`start` took."""
        self._proc: subprocess.Popen[bytes] | None = None
        self._log_offset = 0

    @property
    def is_running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def command(self) -> list[str]:
        """The ``kc.sh`` command line a start runs."""
        return [
            str(self.home / "bin" / "kc.sh"),
            "start-dev",
            *BUILD_OPTIONS,
            "--http-host=127.0.0.1",
            f"--http-port={self.port}",
            "--import-realm",
            # --import-realm would point this at <home>/data/import, but only if that
            # exists, and the install never creates it: the realm comes from workdir.
            f"-Dkeycloak.migration.dir={self.workdir / 'import'}",
            "-Dquarkus.transaction-manager.object-store.directory="
            f"{self.workdir / 'transaction-logs'}",
        ]

    def environment(self) -> dict[str, str]:
        """The caller's environment without Keycloak or JVM settings of its own, plus ours."""
        env = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("KC_", "KEYCLOAK_", "QUARKUS_", "JAVA_OPTS"))
        }
        env["JAVA_OPTS_KC_HEAP"] = self.jvm_options  # kc.sh appends it to its defaults
        return env

    def start(self, timeout: float = 240) -> None:
        """Start and block until the realm's discovery document names its issuer.

        Raises:
            KeycloakError: not installed, the port is taken, the server exits early or is
                not ready within ``timeout`` seconds (with the tail of :attr:`log_file`).
        """
        if self.is_running:
            return
        if not (self.home / "bin" / "kc.sh").is_file():
            raise KeycloakError(
                f"Keycloak is not installed in {self.home}: run `make keycloak` "
                "(python -m xuncha_shared.testing.keycloak install)"
            )
        began = time.monotonic()
        imports = self.workdir / "import"
        imports.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.realm_file, imports / f"{self.realm.realm}-realm.json")
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        with self.log_file.open("ab") as log:
            self._log_offset = log.tell()
            stamp = time.strftime("%Y-%m-%d %H:%M:%S")
            log.write(f"=== {stamp} starting Keycloak on {self.realm.base_url}\n".encode())
            log.flush()
            self._proc = subprocess.Popen(
                self.command(),
                cwd=self.workdir,
                env=self.environment(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stop() ends kc.sh and java
            )
        atexit.register(self.stop)
        try:
            self._wait_ready(began + timeout, timeout)
        except BaseException:
            self._signal_and_wait(signal.SIGKILL, 10)
            raise
        self.last_start_seconds = time.monotonic() - began

    def stop(self, timeout: float = 30) -> None:
        """SIGTERM the process group, wait up to ``timeout`` seconds, then SIGKILL it."""
        self._signal_and_wait(signal.SIGTERM, timeout)

    def rss_bytes(self) -> int:
        """Resident memory of the server's processes (``kc.sh`` and its JVM), in bytes."""
        if self._proc is None:
            return 0
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, ValueError, IndexError):
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[2]) == self._proc.pid:  # fields[2] is the process group
                    total += int(fields[21]) * os.sysconf("SC_PAGE_SIZE")  # rss in pages
        return total

    def log_tail(self, lines: int = 60) -> str:
        """The last ``lines`` lines the server logged since the last start."""
        try:
            with self.log_file.open("rb") as log:
                log.seek(self._log_offset)
                return tail(log.read().decode("utf-8", errors="replace"), lines)
        except OSError:
            return ""

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _wait_ready(self, deadline: float, timeout: float) -> None:
        assert self._proc is not None
        while True:
            code = self._proc.poll()
            if code is not None:
                raise KeycloakError(
                    f"Keycloak exited with code {code} during start-up; "
                    f"log tail ({self.log_file}):\n{self.log_tail()}"
                )
            if time.monotonic() > deadline:
                raise KeycloakError(
                    f"Keycloak not ready on {self.realm.base_url} after {timeout:g}s; "
                    f"log tail ({self.log_file}):\n{self.log_tail()}"
                )
            with contextlib.suppress(httpx.HTTPError, ValueError):
                response = httpx.get(self.realm.discovery_url, timeout=2)
                if response.status_code == 200 and (
                    response.json().get("issuer") == self.realm.issuer
                ):
                    return
            time.sleep(0.5)

    def _signal_and_wait(self, sig: signal.Signals, timeout: float) -> None:
        proc = self._proc
        if proc is None:
            return
        try:
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(proc.pid, sig)
                try:
                    proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(10)
            # kc.sh may be gone while its JVM still shuts down: end the whole group.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
        finally:
            self._proc = None
            atexit.unregister(self.stop)
