"""A real OpenID Connect provider for the tests: Keycloak's server distribution, no Docker.

Like the Kafka broker (:mod:`xuncha_shared.testing.kafka_broker`), Keycloak comes from Maven
Central: ``org.keycloak:keycloak-quarkus-dist:<version>:zip`` is copied with the Maven
dependency plugin and unpacked into ``var/keycloak/keycloak-<version>`` (kept out of git).
:class:`KeycloakServer` runs ``bin/kc.sh start-dev`` on a free loopback port with the realm
of ``keycloak-realm.json`` beside this module imported at start-up, and
:class:`KeycloakRealm` is what tests talk to (issuer, endpoints, a password grant).

Why the install step starts the server once: the first ``start-dev`` re-augments the
Quarkus application for the options it is given (about 40 s) and writes the result into
the distribution's ``lib/quarkus``. Doing it at install time keeps that cost out of test
runs, and no two test runs ever write into the distribution. Every start must therefore
pass the same build options (:data:`BUILD_OPTIONS`), or the next start augments again.

The realm's data lives in memory (``--db=dev-mem``) and is imported afresh at every start;
everything else a start writes (the transaction log, the realm file it imports) goes to
the server's own work directory.

The realm ``henan`` stores a person's full Chinese name in ``firstName`` and leaves
``lastName`` empty, so that Keycloak's ``name`` claim is ``马春华`` rather than the
"given family" order ``春华 马`` it would build from two parts. Its user profile declares
``jurisdiction``, ``org`` and ``xuncha_roles``: Keycloak 26 drops user attributes that the
profile does not know, and declared ones can be made editable by administrators only (a
person must not change their own jurisdiction in the account console).

Command line::

    python -m xuncha_shared.testing.keycloak install
    python -m xuncha_shared.testing.keycloak run --port 8180
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import httpx

from xuncha_shared.auth import AuthConfig
from xuncha_shared.testing.kafka_broker.jars import find_repo_root
from xuncha_shared.testing.locks import file_lock

__all__ = [
    "AUDIENCE",
    "CLIENT_ID",
    "KEYCLOAK_VERSION",
    "PASSWORD",
    "REALM_FILE",
    "KeycloakError",
    "KeycloakRealm",
    "KeycloakServer",
    "default_home",
    "ensure_distribution",
    "is_installed",
    "main",
]

KEYCLOAK_VERSION = "26.7.3"
"""Newest release Maven Central serves here that runs on the machines' OpenJDK 17."""

COPY_GOAL = "org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy"

REALM_FILE = Path(__file__).with_name("keycloak-realm.json")
"""The realm every :class:`KeycloakServer` imports unless given another file."""

CLIENT_ID = "xuncha-dashboard"
"""The realm's public client (code flow with PKCE S256, and direct access grants)."""

AUDIENCE = "xuncha"
"""Added to every access token the client gets, and required by the services."""

PASSWORD = "Henan-2026#sso"
"""Password of every user in :data:`REALM_FILE` (``liu.xcb``, ``ma.town``, ``wang.nojur``)."""

BUILD_OPTIONS: tuple[str, ...] = ("--db=dev-mem",)
"""Build-time options persisted by the install step; a start with others re-augments."""

JVM_OPTIONS = "-Xms64m -Xmx512m -XX:TieredStopAtLevel=1"
"""Added to ``kc.sh``'s own JVM options. PostgreSQL, Kafka and Chromium share the 2-core
machine: a 512 MiB heap, and only the quick JIT compiler, which cuts the CPU time of a start
by about a third (measured here: 24-28 s instead of 37-44 s) for a slower server that tests
never notice."""

_READY_STAMP = ".xuncha-installed"


class KeycloakError(RuntimeError):
    """Keycloak could not be installed or started, or refused a token request."""


def default_home(version: str = KEYCLOAK_VERSION) -> Path:
    """Return where the distribution is unpacked: ``<repo>/var/keycloak/keycloak-<version>``."""
    return find_repo_root() / "var" / "keycloak" / f"keycloak-{version}"


def is_installed(home: Path) -> bool:
    """Whether ``home`` holds a distribution that the install step unpacked and started."""
    return (home / _READY_STAMP).is_file() and (home / "bin" / "kc.sh").is_file()


def _tail(text: str, lines: int) -> str:
    return "\n".join(text.splitlines()[-lines:])


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _unpack(archive: Path, target: Path) -> None:
    """Extract ``archive`` into ``target``, keeping the executable bits zipfile drops."""
    with zipfile.ZipFile(archive) as zipped:
        for member in zipped.infolist():
            path = Path(zipped.extract(member, target))
            mode = (member.external_attr >> 16) & 0o777
            if mode and not member.is_dir():
                path.chmod(mode)


def ensure_distribution(home: Path | None = None, version: str = KEYCLOAK_VERSION) -> Path:
    """Make sure Keycloak ``version`` is unpacked in ``home`` and augmented; return ``home``.

    Resolves the zip with ``mvn dependency:copy`` (Maven keeps it in ``~/.m2``, so a second
    install on the machine is offline), unpacks it next to ``home`` and moves it into
    place, then starts the server once (see the module docstring) and writes a stamp.
    Idempotent and cheap once the stamp exists; serialised by a file lock.
    """
    home = (home if home is not None else default_home(version)).resolve()
    if is_installed(home):
        return home
    with file_lock(home.parent / ".install.lock"):
        if is_installed(home):
            return home
        if not (home / "bin" / "kc.sh").is_file():
            _download(home, version)
        # The first start augments for BUILD_OPTIONS (and proves the server runs here).
        with tempfile.TemporaryDirectory(prefix="xuncha-keycloak-install-") as workdir:
            server = KeycloakServer(Path(workdir), home=home, log_file=home.parent / "install.log")
            with server:
                pass
        (home / _READY_STAMP).write_text(f"{version}\n")
    return home


def _download(home: Path, version: str) -> None:
    mvn = shutil.which("mvn")
    if mvn is None:
        raise KeycloakError("Maven ('mvn') is not on PATH; it is needed once to fetch Keycloak")
    staging = home.parent / f".{home.name}.tmp-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        artifact = f"org.keycloak:keycloak-quarkus-dist:{version}:zip"
        command = [mvn, "-B", "-q", COPY_GOAL, f"-Dartifact={artifact}", "-DoutputDirectory=."]
        result = subprocess.run(
            command,
            cwd=staging,  # no project here: the copy goal needs none
            capture_output=True,
            text=True,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        archive = staging / f"keycloak-quarkus-dist-{version}.zip"
        if result.returncode != 0 or not archive.is_file():
            output = _tail(result.stdout + result.stderr, 40)
            raise KeycloakError(f"{' '.join(command)} failed (exit {result.returncode}):\n{output}")
        _unpack(archive, staging)
        archive.unlink()
        unpacked = staging / f"keycloak-{version}"
        if not (unpacked / "bin" / "kc.sh").is_file():
            raise KeycloakError(f"{artifact} holds no keycloak-{version}/bin/kc.sh")
        shutil.rmtree(home, ignore_errors=True)
        unpacked.rename(home)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


@dataclass(frozen=True)
class KeycloakRealm:
    """A realm of a running Keycloak, as the tests and services see it."""

    base_url: str
    """``http://127.0.0.1:<port>``, no trailing slash."""
    realm: str
    client_id: str = CLIENT_ID

    @property
    def issuer(self) -> str:
        """The ``iss`` of the realm's tokens, ``<base_url>/realms/<realm>``."""
        return f"{self.base_url}/realms/{self.realm}"

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    @property
    def jwks_url(self) -> str:
        return f"{self.issuer}/protocol/openid-connect/certs"

    @property
    def token_url(self) -> str:
        return f"{self.issuer}/protocol/openid-connect/token"

    @property
    def authorization_url(self) -> str:
        return f"{self.issuer}/protocol/openid-connect/auth"

    def auth_config(self, **overrides: Any) -> AuthConfig:
        """Settings that make a service verify this realm's access tokens."""
        values: dict[str, Any] = {
            "mode": "oidc",
            "issuer": self.issuer,
            "jwks_url": self.jwks_url,
            "audience": AUDIENCE,
            "roles_claim": "xuncha_roles",
        }
        values.update(overrides)
        return AuthConfig.model_validate(values)

    async def password_grant(
        self, username: str, password: str = PASSWORD, *, scope: str = "openid"
    ) -> dict[str, Any]:
        """Sign ``username`` in with a direct access grant and return the token response.

        Raises:
            KeycloakError: Keycloak refused (its status and error body in the message).
        """
        form = {
            "grant_type": "password",
            "client_id": self.client_id,
            "username": username,
            "password": password,
            "scope": scope,
        }
        async with httpx.AsyncClient(timeout=30) as client:
            response = await client.post(self.token_url, data=form)
        if response.status_code != 200:
            raise KeycloakError(
                f"password grant for {username!r} refused ({response.status_code}): "
                f"{response.text[:500]}"
            )
        body: dict[str, Any] = response.json()
        return body


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
                return _tail(log.read().decode("utf-8", errors="replace"), lines)
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


def _run_foreground(server: KeycloakServer) -> int:
    """Run ``server`` until Ctrl-C or SIGTERM (or until it dies); return an exit code."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    # Explicit handlers: SIGINT may be inherited as ignored (e.g. when started with `&`).
    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        server.start()
        print(
            f"Keycloak ready: issuer {server.realm.issuer}, client {CLIENT_ID}, users' "
            f"password {PASSWORD} (started in {server.last_start_seconds:.1f}s; "
            f"log: {server.log_file}). Ctrl-C to stop.",
            flush=True,
        )
        while server.is_running:
            time.sleep(0.5)
        print(f"Keycloak exited unexpectedly; log tail:\n{server.log_tail()}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point: ``install`` the distribution or ``run`` a server."""
    parser = argparse.ArgumentParser(
        prog="python -m xuncha_shared.testing.keycloak",
        description="Local Keycloak (OpenID Connect provider) from Maven Central.",
    )
    parser.add_argument("--keycloak-version", default=KEYCLOAK_VERSION, help="Keycloak version")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("install", help="fetch, unpack and augment Keycloak (idempotent)")
    run = commands.add_parser("run", help="run Keycloak with the henan realm until Ctrl-C")
    run.add_argument("--port", type=int, default=8180, help="HTTP port (default 8180)")
    args = parser.parse_args(argv)
    version: str = args.keycloak_version
    try:
        began = time.monotonic()
        home = ensure_distribution(default_home(version), version)
        if args.command == "install":
            print(f"Keycloak {version} ready in {home} ({time.monotonic() - began:.1f}s)")
            return 0
        with tempfile.TemporaryDirectory(prefix="xuncha-keycloak-") as workdir:
            server = KeycloakServer(
                Path(workdir), home=home, port=args.port, log_file=home.parent / "run.log"
            )
            return _run_foreground(server)
    except KeycloakError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
