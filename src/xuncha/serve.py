"""One service in its own process: migrate its schema, then serve it.

The distributed deployment's entry point (one container per service, same image)::

    python -m xuncha.serve planning --host 0.0.0.0 --port 8000 [--workers 2]

Settings come from the environment with the service's prefix (``XUNCHA_PLANNING_DATABASE_URL``,
``XUNCHA_PLANNING_BUS_BACKEND=kafka``, ...). Migrations run with the service's own database
URL, so as its own role, which owns its schema and nothing else. Replicas of one service may
start together: migrations serialise on an advisory lock and the second finds nothing to do.

With ``--workers N`` the service runs as N processes sharing one listening socket (uvicorn's
worker processes), so requests use every core. Each worker is a whole replica: its own pool,
relay and consumers. That is correct because replicas are: one relay at a time holds the
service's advisory lock, the consumers join one group (Kafka splits the partitions among
them; on the PostgreSQL bus one holds the group's lock and the others stand by), and the
periodic jobs skip rows another replica has locked. Migrations run once, in the parent,
before the workers start.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import os
import sys
import time
from collections.abc import Sequence

import uvicorn
from fastapi import FastAPI
from pydantic import ValidationError
from sqlalchemy import text
from xuncha_shared.db import create_engine
from xuncha_shared.migrations import upgrade
from xuncha_shared.observability import configure_logging
from xuncha_shared.settings import SERVICES, ServiceSettings
from xuncha_shared.trusted_proxies import forwarded_header_options

log = logging.getLogger("xuncha.serve")

SERVED_SERVICE_ENV = "XUNCHA_SERVED_SERVICE"
"""Names the service to each worker process (``--workers N``): a worker builds its app from
the environment it inherits, through :func:`app_from_environment`."""


def service_settings(name: str) -> ServiceSettings:
    """The service's settings, read from the environment (``XUNCHA_<NAME>_…``)."""
    if name not in SERVICES:
        raise ValueError(f"unknown service {name!r}; expected one of {', '.join(SERVICES)}")
    config = importlib.import_module(f"{name}.config")
    settings: ServiceSettings = config.get_settings()
    return settings


async def wait_for_database(url: str, *, timeout: float) -> None:
    """Return once ``SELECT 1`` succeeds; raise the last error after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    delay = 0.2
    while True:
        engine = create_engine(url, pool_size=1, application_name="xuncha-migrate")
        try:
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            return
        except Exception as exc:
            if time.monotonic() + delay > deadline:
                raise
            log.warning("database not reachable yet (%s: %s); retrying", type(exc).__name__, exc)
        finally:
            await engine.dispose()
        await asyncio.sleep(delay)
        delay = min(delay * 2, 5.0)


async def migrate(name: str, settings: ServiceSettings, *, wait_seconds: float = 60.0) -> None:
    """Bring the service's schema to the newest revision, as the service's own role."""
    module = importlib.import_module(f"{name}.app")
    await wait_for_database(settings.database_url, timeout=wait_seconds)
    engine = create_engine(
        settings.database_url, pool_size=1, application_name=f"xuncha-{name}-migrate"
    )
    try:
        started = time.perf_counter()
        await upgrade(engine, module.MIGRATIONS, settings.db_schema)
        log.info("migrated schema %s in %.2fs", settings.db_schema, time.perf_counter() - started)
    finally:
        await engine.dispose()


WORKER_START_SECONDS = 120
"""How long a worker process may take to import, build its app and run its startup before the
supervisor counts it as dead and replaces it (uvicorn's default, 5 s, is shorter than an
import of a service on a busy two-core machine: it then replaced each worker forever)."""


def app_from_environment() -> FastAPI:
    """The app factory of one worker process: the service named by ``XUNCHA_SERVED_SERVICE``
    with its settings read from the environment, as :func:`serve_service` builds it."""
    name = os.environ[SERVED_SERVICE_ENV]
    settings = service_settings(name)
    configure_logging(settings.log_level, json_format=settings.log_json)
    app: FastAPI = importlib.import_module(f"{name}.app").create_app(settings)
    return app


def serve_service(
    name: str,
    host: str,
    port: int,
    *,
    run_migrations: bool = True,
    wait_seconds: float = 60.0,
    workers: int = 1,
) -> None:
    """Build ``name``'s settings from the environment, migrate its schema, then serve it with
    uvicorn until SIGTERM/SIGINT (graceful: the app's lifespan stops relay and consumer).

    ``workers`` > 1 serves it from that many processes (see the module's docstring)."""
    if workers < 1:
        raise ValueError("workers must be at least 1")
    settings = service_settings(name)
    configure_logging(settings.log_level, json_format=settings.log_json)
    if run_migrations:
        asyncio.run(migrate(name, settings, wait_seconds=wait_seconds))
    log.info(
        "serving %s on %s:%d with %d worker(s) (bus: %s)",
        name,
        host,
        port,
        workers,
        settings.bus_backend,
    )
    target: FastAPI | str
    if workers == 1:
        target = importlib.import_module(f"{name}.app").create_app(settings)
    else:
        # Each worker is a fresh interpreter: it imports the factory by name and builds
        # the app (and so its own pool, relay and consumers) from the inherited environment.
        os.environ[SERVED_SERVICE_ENV] = name
        # By its module's import name: run as ``python -m xuncha.serve`` this is __main__.
        target = f"xuncha.serve:{app_from_environment.__name__}"
    uvicorn.run(
        target,
        factory=workers > 1,
        workers=workers,
        timeout_worker_healthcheck=WORKER_START_SECONDS,
        host=host,
        port=port,
        log_config=None,  # keep the service's own (JSON) logging on the root logger
        access_log=False,  # requests are counted in /metrics and traced by the middleware
        # X-Forwarded-For believed only from the configured proxies (the gateway).
        **forwarded_header_options(settings.trusted_proxies),
        timeout_graceful_shutdown=20,
    )


def _worker_count(value: str) -> int:
    count = int(value)
    if count < 1:
        raise argparse.ArgumentTypeError("at least 1")
    return count


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m xuncha.serve", description="Migrate one Xuncha service, then serve it."
    )
    parser.add_argument("service", choices=SERVICES)
    parser.add_argument("--host", default="0.0.0.0", help="address to bind (default 0.0.0.0)")
    parser.add_argument("--port", type=int, default=8000, help="port to bind (default 8000)")
    parser.add_argument(
        "--no-migrate", action="store_true", help="serve without running migrations first"
    )
    parser.add_argument(
        "--db-wait",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="how long to wait for the database before giving up (default 60)",
    )
    parser.add_argument(
        "--workers",
        type=_worker_count,
        default=1,
        help="worker processes sharing the port, one per core is usual (default 1)",
    )
    args = parser.parse_args(argv)
    try:
        serve_service(
            args.service,
            args.host,
            args.port,
            run_migrations=not args.no_migrate,
            wait_seconds=args.db_wait,
            workers=args.workers,
        )
    except ValidationError as exc:
        # The settings' errors name each setting and never carry its value.
        print(f"设置有误，{args.service} 未启动 / {args.service} not started:", file=sys.stderr)
        for error in exc.errors(include_input=False, include_url=False):
            where = ".".join(str(p) for p in error["loc"]) or "settings"
            print(f"{where}: {error['msg']}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
