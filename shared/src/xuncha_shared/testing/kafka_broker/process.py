"""Helpers around the broker's JVM: free ports, the ``java`` executable, readiness probes."""

import asyncio
import base64
import contextlib
import os
import secrets
import shutil
import socket
import threading
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from xuncha_shared.kafka_access.credentials import NO_CREDENTIALS, KafkaCredentials
from xuncha_shared.testing.kafka_broker.errors import KafkaBrokerError

__all__ = [
    "NODE_ID",
    "free_ports",
    "java_executable",
    "load_or_make_passwords",
    "new_cluster_id",
    "port_open",
    "probe_metadata",
    "tail",
]

NODE_ID = 1
"""``node.id`` of the single broker+controller node."""


def free_ports(count: int, exclude: Sequence[int] = ()) -> list[int]:
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


def port_open(port: int, timeout: float = 0.5) -> bool:
    """Return whether something accepts TCP connections on 127.0.0.1:``port``."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False


def java_executable() -> str:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").is_file():
        return str(Path(java_home) / "bin" / "java")
    java = shutil.which("java")
    if java is None:
        raise KafkaBrokerError("'java' (JDK 17+) is not on PATH and JAVA_HOME is not set")
    return java


def load_or_make_passwords(path: Path) -> tuple[str, str]:
    """The operator's and the controller's passwords, kept in ``path`` (0600) so that a
    restart signs in with those the storage was formatted with."""
    try:
        operator, controller = path.read_text().split()
    except (OSError, ValueError):
        operator, controller = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{operator}\n{controller}\n")
        path.chmod(0o600)
    return operator, controller


def new_cluster_id() -> str:
    """Return a random cluster id in Kafka's ``Uuid`` format (22 chars, base64url)."""
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cluster_id.startswith("-"):  # Kafka avoids these: they look like CLI flags
            return cluster_id


def probe_metadata(
    bootstrap_servers: str, timeout: float, credentials: KafkaCredentials = NO_CREDENTIALS
) -> bool:
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
            **credentials.aiokafka_options(),
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


def tail(text: str, lines: int) -> str:
    """The last ``lines`` lines of ``text``."""
    return "\n".join(text.splitlines()[-lines:])
