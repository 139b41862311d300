"""The round, driven in order: receivers and the six processes up, each stage in turn (with
an optional chaos point between stages), everything down again."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path

import httpx
from aiosmtpd.controller import Controller
from xuncha_shared.auth import Role
from xuncha_shared.pgserver import LocalPostgres
from xuncha_shared.settings import SERVICES
from xuncha_shared.testing.kafka_broker.broker import KafkaBroker

from tests.distributed.processes import Deployment, free_port, run_deployment
from tests.e2e.receivers import Mailbox, WebhookReceiver
from tests.e2e.scenario import (
    SHANGHAI,
    START_TIMEOUT,
    WENXIAN,
    GatewayTransport,
    J,
    Scenario,
    pick_cast,
)
from tests.e2e.stages.clue_handling import clues_handled, clues_proposed
from tests.e2e.stages.figures import figures
from tests.e2e.stages.notifications import notifications, notify_setup
from tests.e2e.stages.on_site import immediate_tasks, on_site
from tests.e2e.stages.rectifying import rectification
from tests.e2e.stages.registry_and_round import consultation, registry_and_term, round_and_groups
from tests.e2e.stages.reporting import reports_and_feedback
from xuncha.demo.context import DemoContext
from xuncha.demo.county import build_county

Chaos = Callable[[str], Awaitable[None]]


async def inspection_round(
    pg: LocalPostgres,
    broker: KafkaBroker,
    topic_prefix: str,
    tmp_path: Path,
    token: Callable[..., str],
    chaos: Callable[[Deployment], Chaos] | None = None,
) -> None:
    """Receivers up, the six processes up, the scenario, everything down again."""
    mailbox = Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    hooks = WebhookReceiver()
    await hooks.start()
    clock_file = tmp_path / "clock-offset"
    extra_env: dict[str, dict[str, str]] = {
        # Deadlines are checked every second, so a moved clock is acted on at once.
        "rectification": {"XUNCHA_RECTIFICATION_SCHEDULER_SECONDS": "1"},
        "findings": {"XUNCHA_FINDINGS_SCHEDULER_SECONDS": "1"},
        "notify": {
            "XUNCHA_NOTIFY_SCHEDULER_SECONDS": "0.5",
            "XUNCHA_NOTIFY_SMTP_HOST": "127.0.0.1",
            "XUNCHA_NOTIFY_SMTP_PORT": str(smtp.port),
            "XUNCHA_NOTIFY_RETRY_BASE_SECONDS": "1",
            "XUNCHA_NOTIFY_RETRY_MAX_SECONDS": "2",
            # The department's webhook receiver listens on loopback.
            "XUNCHA_NOTIFY_WEBHOOK_ALLOW_PRIVATE_TARGETS": "true",
        },
    }
    for name in SERVICES:  # one clock for the whole deployment, moved by the scenario
        extra_env.setdefault(name, {})[f"XUNCHA_{name.upper()}_CLOCK_OFFSET_FILE"] = str(clock_file)
    try:
        async with run_deployment(
            pg,
            broker,
            topic_prefix,
            tmp_path,
            prefix="e2e",
            extra_env=extra_env,
            start_timeout=START_TIMEOUT,
        ) as dep:
            http = httpx.AsyncClient(
                base_url="http://gateway", transport=GatewayTransport(dep), timeout=60.0
            )
            try:
                await run_scenario(
                    dep, http, token, mailbox, hooks, clock_file, chaos(dep) if chaos else None
                )
            except BaseException:
                print(dep.logs())
                raise
            finally:
                await http.aclose()
    finally:
        smtp.stop()
        await hooks.stop()


async def run_scenario(
    dep: Deployment,
    http: httpx.AsyncClient,
    token: Callable[..., str],
    mailbox: Mailbox,
    hooks: WebhookReceiver,
    clock_file: Path,
    chaos: Chaos | None = None,
) -> None:
    """The whole round; ``chaos(point)`` is awaited at each named point between phases."""
    today = datetime.now(SHANGHAI).date()
    county = build_county(0, size=WENXIAN, jurisdiction=J, today=today)

    def token_for(
        *roles: Role, org_id: str | None = None, subject: str | None = None, name: str = ""
    ) -> str:
        return token(*roles, org_id=org_id, subject=subject, name=name or "测试用户")

    ctx = DemoContext(client=http, token_for=token_for, county=county)
    s = Scenario(http=http, token=token_for, county=county, ctx=ctx, clock_file=clock_file)
    s.timings.update({k: round(v, 2) for k, v in dep.timings.items()})
    cast = pick_cast(county)

    async def point(name: str) -> None:
        if chaos is not None:
            await chaos(name)
            s.lap(f"chaos.{name}")

    try:
        await registry_and_term(s, cast)
        secret = await notify_setup(s, cast, hooks)
        rnd = await round_and_groups(s, cast)
        await consultation(s, cast, rnd)
        await point("before_on_site")
        problems = await on_site(s, cast, rnd)
        await point("after_on_site")
        await immediate_tasks(s, cast, rnd, problems)
        clues = await clues_proposed(s, cast, rnd, problems)
        await reports_and_feedback(s, cast, rnd, problems)
        await point("after_feedback")
        await clues_handled(s, cast, clues)
        await point("after_clues")
        done = await rectification(s, cast, rnd, problems)
        await point("after_rectification")
        await figures(s, cast, rnd, problems, done)
        await notifications(s, cast, rnd, mailbox, hooks, secret)
    finally:
        print("\ne2e timings (s):", s.timings)
