"""The two deployments the probes are rerun on, behind one small interface (:class:`Target`):
an HTTP client that reaches every service (``/api/<service>/…``), a token for a role, org
and jurisdiction, the logs the platform wrote, and the mail it sent.

- ``embedded``: the one-process platform as ``xuncha run`` serves it
  (:func:`tests.platform_server.serve_platform`, PostgreSQL bus), its logs captured from
  the process's own loggers;
- ``kafka``: the six processes of :func:`tests.distributed.processes.run_deployment`, real
  Kafka with SASL/SCRAM and ACLs, reached as the gateway routes them; their logs are the
  processes' log files. Only this target has a broker (:class:`KafkaAccess`).
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import secrets
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from aiosmtpd.controller import Controller
from xuncha_shared.auth import AuthConfig, mint_dev_token
from xuncha_shared.pgserver import LocalPostgres
from xuncha_shared.settings import SERVICES
from xuncha_shared.testing.kafka_broker.broker import KafkaBroker
from xuncha_shared.testing.plugin import delete_topics

from tests.distributed.processes import dev_auth, free_port, run_deployment
from tests.e2e.receivers import Mailbox
from tests.e2e.scenario import GatewayTransport
from tests.platform_server import serve_platform

J = "410825"  # 温县: the jurisdiction the probes' records are in
OTHER_J = "410822"  # another county
# The public form's limit per client address on both targets: room for the probes' own
# reports, and a limit the forged-address probe reaches in a few requests.
PUBLIC_RATE_LIMIT = 10
NOTIFY_SCHEDULER_SECONDS = 0.5


@dataclass(frozen=True)
class KafkaAccess:
    """The broker a Kafka target's services use, and their topics' prefix."""

    broker: KafkaBroker
    topic_prefix: str


@dataclass
class Target:
    """One deployment the probes run against."""

    name: str
    client: httpx.AsyncClient
    auth: AuthConfig
    mailbox: Mailbox
    read_logs: Callable[[], str]
    kafka: KafkaAccess | None = None

    def token(
        self,
        role: str,
        *,
        org_id: str | None = None,
        jurisdiction: str = J,
        subject: str | None = None,
    ) -> str:
        """A signed-in person's bearer token, as the deployment verifies it."""
        return mint_dev_token(
            self.auth,
            subject=subject or f"probe-{role}-{jurisdiction}",
            roles=[role],
            jurisdiction=jurisdiction,
            org_id=org_id,
            name="探测",
        )

    def logs(self) -> str:
        """Everything the platform has logged so far."""
        return self.read_logs()


@contextlib.contextmanager
def _smtp() -> Any:
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield mailbox, controller.port
    finally:
        controller.stop()


@contextlib.contextmanager
def _captured_logs() -> Any:
    """Every record the in-process platform logs, formatted with its traceback."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield buffer.getvalue
    finally:
        root.removeHandler(handler)


@contextlib.asynccontextmanager
async def embedded_target(pg: LocalPostgres, template_db: str) -> AsyncIterator[Target]:
    with _smtp() as (mailbox, smtp_port), _captured_logs() as read_logs:
        settings = {
            "public_rate_limit": f"{PUBLIC_RATE_LIMIT}/minute",
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp_port,
        }
        name = f"probes{os.getpid()}"
        async with (
            serve_platform(pg, template_db, name, settings=settings) as served,
            httpx.AsyncClient(base_url=served.base_url, timeout=60) as client,
        ):
            yield Target("embedded", client, served.auth, mailbox, read_logs)


@contextlib.asynccontextmanager
async def kafka_target(pg: LocalPostgres, broker: KafkaBroker, tmp: Path) -> AsyncIterator[Target]:
    prefix = f"p{secrets.token_hex(4)}.xuncha"
    with _smtp() as (mailbox, smtp_port):
        extra_env = {
            "findings": {"XUNCHA_FINDINGS_PUBLIC_RATE_LIMIT": f"{PUBLIC_RATE_LIMIT}/minute"},
            "notify": {
                "XUNCHA_NOTIFY_SMTP_HOST": "127.0.0.1",
                "XUNCHA_NOTIFY_SMTP_PORT": str(smtp_port),
                "XUNCHA_NOTIFY_SCHEDULER_SECONDS": str(NOTIFY_SCHEDULER_SECONDS),
            },
        }
        try:
            async with run_deployment(
                pg, broker, prefix, tmp, prefix="probe", extra_env=extra_env, client_timeout=60
            ) as dep:

                def read_logs() -> str:
                    return "\n".join(
                        dep.services[name].log_path.read_text(errors="replace") for name in SERVICES
                    )

                transport = GatewayTransport(dep)
                async with httpx.AsyncClient(
                    base_url="http://gateway", transport=transport, timeout=60
                ) as client:
                    yield Target(
                        "kafka", client, dev_auth(), mailbox, read_logs, KafkaAccess(broker, prefix)
                    )
        finally:
            if broker.is_running:
                await delete_topics(broker, prefix)
