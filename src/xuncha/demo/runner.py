"""Run the demo: the steps in order, each skipped when the platform already has it, with a
rich progress bar; and the entry point for the embedded platform's CLI."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

import httpx
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from xuncha_shared.auth import AuthConfig, Role, mint_dev_token
from xuncha_shared.events.planning import RoundStatus

from xuncha.demo import clues, findings, rectification
from xuncha.demo.context import DemoContext, DemoError, Step, TokenFor
from xuncha.demo.county import FULL, CountySize, DemoCounty, build_county
from xuncha.demo.findings.settings import findings_settings_step
from xuncha.demo.rounds import ROUND_HOOKS, RoundHook, round_steps, schedule_rounds_step
from xuncha.demo.steps import REGISTRY_STEPS

# Each service's steps per stage, in this order after a stage: findings', then clues' and
# rectification's (which work on what findings recorded).
findings.register(ROUND_HOOKS)
clues.register(ROUND_HOOKS)
rectification.register(ROUND_HOOKS)

__all__ = ["DemoResult", "StepTiming", "build_steps", "load_demo", "run_demo_against"]

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass
class DemoResult:
    """What a run did: the steps it ran and those it found done, and notes for the user."""

    ran: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    timings: list[StepTiming] = field(default_factory=list)
    """Every step's wall time and requests sent, in the order they ran (or were found done)."""

    @property
    def requests(self) -> int:
        return sum(t.requests for t in self.timings)


@dataclass(frozen=True)
class StepTiming:
    """One step of a run: its name, the seconds it took (its ``done`` checks included) and
    the HTTP requests it sent; ``ran`` is false when the step was found done already."""

    name: str
    seconds: float
    requests: int
    ran: bool


def build_steps(
    county: DemoCounty, hooks: dict[RoundStatus, list[RoundHook]] | None = None
) -> list[Step]:
    """Every step of the demo in order: the registry, then the rounds oldest first (each
    with the hooks later services add per stage)."""
    steps = [*REGISTRY_STEPS, schedule_rounds_step(), findings_settings_step()]
    for plan in county.rounds:
        steps += round_steps(plan, hooks if hooks is not None else ROUND_HOOKS)
    return steps


async def load_demo(
    client: httpx.AsyncClient,
    *,
    token_for: TokenFor,
    progress: Progress | None = None,
    seed: int = 0,
    size: CountySize = FULL,
    jurisdiction: str = "410825",
    today: date | None = None,
    on_step: Callable[[StepTiming], None] | None = None,
) -> DemoResult:
    """Fill a platform with the invented county and its term through the public REST APIs.

    ``client`` speaks to the platform (``/api/<service>/…``); ``token_for`` mints a token of
    ``jurisdiction`` for roles (and an org). Running it again on a filled platform adds
    nothing: every step first checks what exists. ``progress`` gets one task whose total is
    the sum of the steps' weights; ``on_step`` hears each step's timing as it finishes.
    """
    started = time.monotonic()
    today = today or datetime.now(SHANGHAI).date()
    county = build_county(seed, size=size, jurisdiction=jurisdiction, today=today)
    steps = build_steps(county)
    total = sum(s.weight for s in steps)
    task: TaskID | None = None
    if progress is not None:
        task = progress.add_task("巡察演示数据", total=total)
    result = DemoResult()
    base = 0.0

    def report(fraction: float, step: Step) -> None:
        if progress is not None and task is not None:
            progress.update(task, completed=base + step.weight * min(max(fraction, 0.0), 1.0))

    ctx = DemoContext(client=client, token_for=token_for, county=county)
    sent = 0

    async def count_request(request: httpx.Request) -> None:
        nonlocal sent
        sent += 1

    client.event_hooks["request"].append(count_request)
    try:
        for step in steps:
            if progress is not None and task is not None:
                progress.update(task, description=step.title)
            ctx.report = lambda fraction, step=step: report(fraction, step)  # type: ignore[misc]
            began, sent_before = time.monotonic(), sent
            ran = not await step.done(ctx)
            if ran:
                await step.run(ctx)
                if not await step.done(ctx):
                    raise DemoError(f"step {step.name} ran but is not done")
                result.ran.append(step.name)
            else:
                result.skipped.append(step.name)
            timing = StepTiming(step.name, time.monotonic() - began, sent - sent_before, ran)
            result.timings.append(timing)
            if on_step is not None:
                on_step(timing)
            base += step.weight
            if progress is not None and task is not None:
                progress.update(task, completed=base)
    finally:
        client.event_hooks["request"].remove(count_request)
    if progress is not None and task is not None:
        progress.update(task, description="演示数据已就绪")
    result.notes = ctx.notes
    result.seconds = time.monotonic() - started
    return result


def dev_token_for(auth: AuthConfig, jurisdiction: str) -> TokenFor:
    """Tokens signed with the embedded platform's dev key."""

    def token_for(
        *roles: Role, org_id: str | None = None, subject: str | None = None, name: str = ""
    ) -> str:
        return mint_dev_token(
            auth,
            subject=subject or f"demo-{'-'.join(roles)}",
            roles=roles,
            jurisdiction=jurisdiction,
            org_id=org_id,
            name=name,
        )

    return token_for


async def _wait_ready(client: httpx.AsyncClient, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if (await client.get("/readyz")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise DemoError("the platform did not become ready")
        await asyncio.sleep(0.5)


async def run_demo_against(
    base_url: str,
    auth: AuthConfig,
    *,
    jurisdiction: str = "410825",
    seed: int = 0,
    size: CountySize = FULL,
    console: Console | None = None,
    wait_seconds: float = 60.0,
    quiet: tuple[str, ...] = ("httpx", "xuncha.access"),
) -> DemoResult:
    """Load the demo into the platform at ``base_url`` (e.g. ``http://127.0.0.1:8000``),
    with tokens signed by ``auth`` (the embedded dev key) and a progress bar on ``console``.

    Waits up to ``wait_seconds`` for ``/readyz`` first, so it can start alongside the
    server (``xuncha run --demo``). The ``quiet`` loggers (one line per request) are held
    at WARNING while the bar runs, so the bar stays readable; their levels are restored."""
    console = console or Console()
    with _quiet(quiet):
        result = await _run(base_url, auth, jurisdiction, seed, size, console, wait_seconds)
    for note in result.notes:
        console.print(f"· {note}")
    done = "已加载" if result.ran else "已存在，未重复加载"
    console.print(
        f"演示数据{done}（{len(result.ran)} 步执行，{len(result.skipped)} 步已完成），"
        f"用时 {result.seconds:.0f} 秒。"
    )
    return result


@contextlib.contextmanager
def _quiet(names: tuple[str, ...]) -> Iterator[None]:
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(max(logger.getEffectiveLevel(), logging.WARNING))
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


async def _run(
    base_url: str,
    auth: AuthConfig,
    jurisdiction: str,
    seed: int,
    size: CountySize,
    console: Console,
    wait_seconds: float,
) -> DemoResult:
    async with httpx.AsyncClient(base_url=base_url, timeout=120) as client:
        await _wait_ready(client, wait_seconds)
        with Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as progress:
            result = await load_demo(
                client,
                token_for=dev_token_for(auth, jurisdiction),
                progress=progress,
                seed=seed,
                size=size,
                jurisdiction=jurisdiction,
            )
    return result
