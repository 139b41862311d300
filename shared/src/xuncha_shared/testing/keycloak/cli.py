"""Command line: ``install`` the distribution, or ``run`` a server in the foreground."""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from xuncha_shared.testing.keycloak.errors import KeycloakError
from xuncha_shared.testing.keycloak.install import ensure_distribution
from xuncha_shared.testing.keycloak.realm import CLIENT_ID, PASSWORD
from xuncha_shared.testing.keycloak.server import KEYCLOAK_VERSION, KeycloakServer, default_home


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
