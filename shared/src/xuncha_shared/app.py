"""Build a service's FastAPI app: engine, bus, relay, consumer, auth, health and metrics.

Every service calls :func:`create_service_app` from its own ``create_app``; nothing is
built before that call. The same app runs alone (one process per service, Kafka) or
mounted with the others in the embedded process (PostgreSQL bus, shared bus object).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.convertors import CONVERTOR_TYPES, Convertor, register_url_convertor
from starlette.routing import compile_path

from xuncha_shared.auth import TokenVerifier
from xuncha_shared.bus.base import Bus
from xuncha_shared.bus.kafka import KafkaBus
from xuncha_shared.bus.postgres import PostgresBus
from xuncha_shared.clock import Clock, OffsetFileClock, SystemClock
from xuncha_shared.consumer import EventConsumer, HandlerRegistry
from xuncha_shared.db import create_engine, create_sessionmaker
from xuncha_shared.docs_and_metrics_access import (
    api_docs_need_sign_in_in_production,
    docs_routes,
    metrics_need_metrics_token_in_production,
)
from xuncha_shared.http import hold_to_document
from xuncha_shared.idempotency import IDEMPOTENCY_INFO_KEY, IdempotentReplay, on_replay
from xuncha_shared.messaging import OUTBOX_INFO_KEY, MessagingTables, OutboxContext
from xuncha_shared.observability import Metrics, RequestObservability, configure_logging
from xuncha_shared.openapi import install_openapi, operation_id
from xuncha_shared.problems import install_problem_handlers
from xuncha_shared.relay import OutboxRelay
from xuncha_shared.settings import ServiceSettings, topic_for

log = logging.getLogger(__name__)


PeriodicJob = Callable[[AsyncSession, datetime], Awaitable[None]]


@dataclass(frozen=True)
class ServiceSpec:
    """What a service brings: its name, docs titles, routers, tables and handlers."""

    name: str
    title: str
    description: str
    tables: MessagingTables
    routers: Sequence[APIRouter]
    handlers: HandlerRegistry = field(default_factory=HandlerRegistry)
    openapi_tags: Sequence[dict[str, Any]] = ()
    # Time-based facts (due soon, overdue): each job runs in its own transaction every
    # ``settings.scheduler_seconds`` and must be idempotent (emit each fact once).
    periodic: Sequence[PeriodicJob] = ()


@dataclass
class Runtime:
    """Everything a running service holds; lives on ``app.state.runtime``."""

    spec: ServiceSpec
    settings: ServiceSettings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    bus: Bus
    owns_bus: bool
    clock: Clock
    metrics: Metrics
    verifier: TokenVerifier
    relay: OutboxRelay
    consumer: EventConsumer | None
    tasks: list[asyncio.Task[None]] = field(default_factory=list)


def build_bus(settings: ServiceSettings) -> Bus:
    """The bus backend the settings ask for."""
    if settings.bus_backend == "kafka":
        return KafkaBus(
            settings.kafka_bootstrap_servers,
            client_id=f"xuncha-{settings.service}",
            credentials=settings.kafka_credentials,
        )
    return PostgresBus(settings.effective_bus_database_url)


def build_runtime(
    spec: ServiceSpec,
    settings: ServiceSettings,
    *,
    clock: Clock | None = None,
    bus: Bus | None = None,
) -> Runtime:
    """Wire a service's parts without starting anything."""
    if clock is None:
        offset_file = settings.clock_offset_file
        clock = OffsetFileClock(offset_file) if offset_file else SystemClock()
    engine = create_engine(
        settings.database_url,
        pool_size=settings.db_pool_size,
        application_name=f"xuncha-{spec.name}",
    )
    topic = topic_for(settings.topic_prefix, spec.name)
    sessionmaker = create_sessionmaker(
        engine,
        **{
            OUTBOX_INFO_KEY: OutboxContext(tables=spec.tables, topic=topic, clock=clock),
            IDEMPOTENCY_INFO_KEY: spec.tables.idempotency,
        },
    )
    metrics = Metrics.create()
    the_bus = bus or build_bus(settings)
    relay = OutboxRelay(
        engine=engine,
        tables=spec.tables,
        bus=the_bus,
        clock=clock,
        metrics=metrics,
        batch_size=settings.relay_batch_size,
        poll_seconds=settings.relay_poll_seconds,
    )
    consumer = None
    producers = sorted(spec.handlers.topics_from)
    if producers:
        consumer = EventConsumer(
            name=spec.name,
            bus=the_bus,
            sessionmaker=sessionmaker,
            tables=spec.tables,
            handlers=spec.handlers,
            topics=[topic_for(settings.topic_prefix, p) for p in producers],
            group=settings.group_id,
            dlq_topic=settings.dlq_topic,
            clock=clock,
            metrics=metrics,
            max_attempts=settings.consumer_max_attempts,
            backoff_seconds=settings.consumer_backoff_seconds,
            backoff_max_seconds=settings.consumer_backoff_max_seconds,
        )
    return Runtime(
        spec=spec,
        settings=settings,
        engine=engine,
        sessionmaker=sessionmaker,
        bus=the_bus,
        owns_bus=bus is None,
        clock=clock,
        metrics=metrics,
        verifier=TokenVerifier(settings.auth),
        relay=relay,
        consumer=consumer,
    )


async def start_runtime(runtime: Runtime) -> None:
    """Start the bus (if ours), the relay and the consumer as background tasks."""
    if runtime.owns_bus:
        with contextlib.suppress(Exception):
            # A bus that is down at start is retried by the relay and consumer loops.
            await runtime.bus.start()
    name = runtime.spec.name
    if runtime.settings.relay_enabled:
        runtime.tasks.append(asyncio.create_task(runtime.relay.run(), name=f"{name}-relay"))
    if runtime.settings.scheduler_enabled and runtime.spec.periodic:
        runtime.tasks.append(asyncio.create_task(run_periodic(runtime), name=f"{name}-scheduler"))
    if runtime.settings.consumers_enabled and runtime.consumer is not None:
        runtime.tasks.append(asyncio.create_task(runtime.consumer.run(), name=f"{name}-consumer"))


async def run_periodic_once(runtime: Runtime) -> None:
    """Run every periodic job once, each in its own transaction (tests call this directly
    after moving the clock)."""
    for job in runtime.spec.periodic:
        async with runtime.sessionmaker() as session, session.begin():
            await job(session, runtime.clock.now())


async def run_periodic(runtime: Runtime) -> None:
    """Run the periodic jobs until cancelled; a failing run is logged and retried next time."""
    while True:
        try:
            await run_periodic_once(runtime)
        except Exception:
            log.exception("periodic job failed")
        await asyncio.sleep(runtime.settings.scheduler_seconds)


STOP_SECONDS = 15.0


async def stop_runtime(runtime: Runtime) -> None:
    """Cancel background work, close the bus (if ours) and the engine."""
    for task in runtime.tasks:
        task.cancel()
    if runtime.tasks:
        # Bounded, so that one loop that fails to stop cannot hang the shutdown for good;
        # it is named in the log instead.
        _, pending = await asyncio.wait(runtime.tasks, timeout=STOP_SECONDS)
        for task in pending:
            log.error(
                "%s did not stop within %ss of being cancelled", task.get_name(), STOP_SECONDS
            )
    runtime.tasks.clear()
    if runtime.owns_bus:
        await runtime.bus.stop()
    await runtime.engine.dispose()


async def database_ready(engine: AsyncEngine) -> bool:
    """True when a short query succeeds."""
    try:
        async with asyncio.timeout(3):
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        return True
    except Exception:
        return False


async def metrics_access(request: Request) -> None:
    """``/metrics``: in production only with the metrics token or an office token."""
    runtime: Runtime = request.app.state.runtime
    settings = runtime.settings
    await metrics_need_metrics_token_in_production(
        request,
        production=settings.production,
        enabled=settings.metrics_enabled,
        metrics_token=settings.metrics_token,
        verifier=runtime.verifier,
    )


async def api_docs_access(request: Request) -> None:
    """``/docs``, ``/redoc``, ``/openapi.json``: in production only for a signed-in account."""
    runtime: Runtime = request.app.state.runtime
    await api_docs_need_sign_in_in_production(
        request, production=runtime.settings.production, verifier=runtime.verifier
    )


def health_router(prefix: str) -> APIRouter:
    """``healthz`` (the process lives), ``readyz`` (it can serve: database reachable) and
    ``metrics`` (Prometheus; behind :func:`metrics_access`)."""
    router = APIRouter(prefix=prefix, tags=["health"])

    @router.get("/healthz", summary="存活检查 Liveness", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", summary="就绪检查 Readiness", include_in_schema=False)
    async def readyz(request: Request) -> JSONResponse:
        runtime: Runtime = request.app.state.runtime
        ok = await database_ready(runtime.engine)
        return JSONResponse(
            {"status": "ready" if ok else "unavailable", "database": "ok" if ok else "down"},
            status_code=200 if ok else 503,
        )

    @router.get(
        "/metrics",
        summary="监控指标 Metrics",
        include_in_schema=False,
        dependencies=[Depends(metrics_access)],
    )
    async def metrics(request: Request) -> Response:
        runtime: Runtime = request.app.state.runtime
        return Response(generate_latest(runtime.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return router


class _SegmentConvertor(Convertor[str]):
    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


def _segment_convertor(reserved: set[str]) -> str:
    """A convertor matching one path segment that is none of ``reserved`` (registered once)."""
    words = "|".join(sorted(re.escape(word) for word in reserved))
    regex = f"(?!(?:{words})(?:/|$))[^/]+"
    name = "seg" + hashlib.sha256(regex.encode()).hexdigest()[:12]
    if name not in CONVERTOR_TYPES:
        register_url_convertor(name, type(name, (_SegmentConvertor,), {"regex": regex})())
    return name


def _literal_siblings(routes: list[APIRoute], route: APIRoute, index: int) -> set[str]:
    """The literal segments other routes put where ``route`` has a parameter at ``index``:
    ``export.xlsx`` beside ``{key}`` in ``/rules/export.xlsx`` and ``/rules/{key}``."""
    segments = route.path.split("/")
    literals = set()
    for other in routes:
        theirs = other.path.split("/")
        if len(theirs) != len(segments) or "{" in theirs[index]:
            continue
        if all(a == b for i, (a, b) in enumerate(zip(segments, theirs, strict=True)) if i != index):
            literals.add(theirs[index])
    return literals


def literal_segments_first(router: APIRouter) -> None:
    """A path parameter never takes the literal a sibling route has in its place, so
    ``/cadres/import`` is never taken for ``/cadres/{cadre_id}`` nor ``/rules/export.xlsx``
    for ``/rules/{key}``: a method the literal path does not serve is a 405 naming the ones it
    does, not a 422 (or 428) from the wrong route. Any other malformed value still reaches
    its route and is a 422 naming the parameter."""
    routes = [route for route in router.routes if isinstance(route, APIRoute)]
    for route in routes:
        segments = route.path.split("/")
        for param in route.dependant.path_params:
            placeholder = f"{{{param.name}}}"
            if placeholder not in segments:
                continue
            index = segments.index(placeholder)
            reserved = _literal_siblings(routes, route, index)
            if reserved:
                segments[index] = f"{{{param.name}:{_segment_convertor(reserved)}}}"
        path = "/".join(segments)
        if path != route.path:
            route.path = path
            route.path_regex, route.path_format, route.param_convertors = compile_path(path)


def create_service_app(
    spec: ServiceSpec,
    settings: ServiceSettings,
    *,
    clock: Clock | None = None,
    bus: Bus | None = None,
    configure_logs: bool = True,
) -> FastAPI:
    """The FastAPI app of one service, serving under ``/api/<name>``."""
    if configure_logs:
        configure_logging(settings.log_level, json_format=settings.log_json)
    runtime = build_runtime(spec, settings, clock=clock, bus=bus)
    base = f"/api/{spec.name}"

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await start_runtime(runtime)
        try:
            yield
        finally:
            await stop_runtime(runtime)

    app = FastAPI(
        title=spec.title,
        description=spec.description,
        version="1.0.0",
        # Served below by docs_routes, behind api_docs_access.
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        openapi_tags=list(spec.openapi_tags) or None,
        generate_unique_id_function=operation_id(spec.name),
        dependencies=[Depends(hold_to_document)],
    )
    install_openapi(app)
    docs_routes(
        app,
        openapi_url=f"{base}/openapi.json",
        docs_url=f"{base}/docs",
        redoc_url=f"{base}/redoc",
        document=app.openapi,
        title=spec.title,
        check=api_docs_access,
    )
    app.state.runtime = runtime
    install_problem_handlers(app)
    app.add_exception_handler(IdempotentReplay, on_replay)
    app.add_middleware(RequestObservability, metrics=runtime.metrics)
    app.include_router(health_router(base))
    app.include_router(health_router(""))
    for router in spec.routers:
        literal_segments_first(router)
        app.include_router(router, prefix=base)
    return app
