"""The embedded platform: one process, one port, a real PostgreSQL from a wheel, the
PostgreSQL bus, all five services under ``/api/<service>/``. Data lives under ``var/``, so
a restart keeps it."""

from __future__ import annotations

import contextlib
import importlib
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
from accounts.people.bootstrap import first_administrator
from clues.config import CluesSettings
from cryptography.fernet import Fernet
from fastapi import Depends, FastAPI, Request
from notify.config import NotifySettings
from pydantic import BaseModel, Field, SecretStr
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.staticfiles import StaticFiles
from xuncha_shared.app import Runtime, database_ready
from xuncha_shared.auth import AuthConfig, Forbidden, Role, mint_dev_token
from xuncha_shared.bus.base import Bus
from xuncha_shared.bus.postgres import PostgresBus
from xuncha_shared.docs_and_metrics_access import (
    api_docs_need_sign_in_in_production,
    docs_routes,
)
from xuncha_shared.pgserver import LocalPostgres
from xuncha_shared.problems import install_problem_handlers, problem_response
from xuncha_shared.settings import SERVICES, ServiceSettings

from xuncha.openapi import combine
from xuncha.serve import migrate

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

DATABASE = "xuncha"
DEFAULT_JURISDICTION = "410825"
TOKEN_AUDIENCE = "xuncha"


@dataclass(frozen=True)
class EmbeddedPaths:
    root: Path

    @property
    def pgdata(self) -> Path:
        return self.root / "pg"

    @property
    def secret_file(self) -> Path:
        return self.root / "dev-signing-key"

    @property
    def clue_key_file(self) -> Path:
        return self.root / "clue-key"

    @property
    def webhook_key_file(self) -> Path:
        return self.root / "webhook-key"


def dev_auth(paths: EmbeddedPaths) -> AuthConfig:
    """The embedded platform's dev signing key, made once and kept under ``var/`` (readable
    by its owner only): the CLI's ``xuncha token`` and the demo loader sign with it."""
    paths.root.mkdir(parents=True, exist_ok=True)
    if not paths.secret_file.exists():
        paths.secret_file.write_text(secrets.token_urlsafe(48))
        paths.secret_file.chmod(0o600)
    # The embedded run requires its audience in every token (``platform_auth``): tokens
    # minted with this key carry it, or ``xuncha token`` / ``xuncha demo`` would be refused.
    return AuthConfig(
        mode="dev",
        dev_secret=SecretStr(paths.secret_file.read_text().strip()),
        audience=TOKEN_AUDIENCE,
    )


def platform_auth(base_url: str, dev_secret: SecretStr | None) -> AuthConfig:
    """How every service of a one-process run verifies tokens: people's tokens against the
    accounts service's published keys (``base_url`` is where this process answers), and
    tokens of the run's own dev key."""
    issuer = f"{base_url}/api/accounts"
    return AuthConfig(
        mode="oidc",
        issuer=issuer,
        jwks_url=f"{issuer}/.well-known/jwks.json",
        audience=TOKEN_AUDIENCE,
        dev_secret=dev_secret,
    )


def start_database(paths: EmbeddedPaths) -> LocalPostgres:
    """Start (or attach to) the embedded server and make sure the database exists."""
    server = LocalPostgres(paths.pgdata, cleanup="stop")
    server.start()
    return server


async def ensure_database(server: LocalPostgres) -> str:
    conn = await asyncpg.connect(server.dsn("postgres"))
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", DATABASE):
            await conn.execute(f'CREATE DATABASE "{DATABASE}"')
    finally:
        await conn.close()
    return server.url(DATABASE)


def clue_keys(paths: EmbeddedPaths) -> list[SecretStr]:
    """This installation's own key for the clues' confidential fields, made once and kept
    under ``var/`` (the key built into the code is for tests and development only)."""
    if not paths.clue_key_file.exists():
        paths.root.mkdir(parents=True, exist_ok=True)
        paths.clue_key_file.write_text(Fernet.generate_key().decode())
        paths.clue_key_file.chmod(0o600)
    return [SecretStr(paths.clue_key_file.read_text().strip())]


def webhook_keys(paths: EmbeddedPaths) -> list[SecretStr]:
    """This installation's own key sealing webhook secrets, made once and kept under
    ``var/`` (the key built into the code is for tests and development only)."""
    if not paths.webhook_key_file.exists():
        paths.root.mkdir(parents=True, exist_ok=True)
        paths.webhook_key_file.write_text(Fernet.generate_key().decode())
        paths.webhook_key_file.chmod(0o600)
    return [SecretStr(paths.webhook_key_file.read_text().strip())]


def embedded_settings(
    name: str, *, database_url: str, auth: AuthConfig, paths: EmbeddedPaths | None = None
) -> ServiceSettings:
    """A service's settings for the embedded run: environment first, then these."""
    config = importlib.import_module(f"{name}.config")
    base: ServiceSettings = config.get_settings()
    update: dict[str, Any] = {
        "database_url": database_url,
        "bus_backend": "postgres",
        "auth": auth,
        "db_pool_size": 3,
    }
    if isinstance(base, CluesSettings) and paths is not None and base.uses_development_key:
        update["clue_keys"] = clue_keys(paths)
    if isinstance(base, NotifySettings) and paths is not None and base.uses_development_key:
        update["secret_keys"] = webhook_keys(paths)
    return base.model_copy(update=update)


class Dispatcher:
    """Routes ``/api/<service>/…`` to that service's app (paths unchanged, as the gateway
    does) and runs every app's lifespan."""

    def __init__(self, apps: dict[str, FastAPI], index: FastAPI) -> None:
        self.apps = apps
        self.index = index

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        path: str = scope.get("path", "")
        for name, app in self.apps.items():
            if path == f"/api/{name}" or path.startswith(f"/api/{name}/"):
                await app(scope, receive, send)
                return
        await self.index(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        message = await receive()
        assert message["type"] == "lifespan.startup"
        async with contextlib.AsyncExitStack() as stack:
            try:
                for app in self.apps.values():
                    await stack.enter_async_context(app.router.lifespan_context(app))
            except Exception as exc:
                await send({"type": "lifespan.startup.failed", "message": repr(exc)})
                return
            await send({"type": "lifespan.startup.complete"})
            message = await receive()
            assert message["type"] == "lifespan.shutdown"
        await send({"type": "lifespan.shutdown.complete"})


class DashboardFiles(StaticFiles):
    """The built dashboard; a path that is no file (a client-side route such as
    ``/coverage``) gets ``index.html``, so a reload or a shared link opens the page."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        try:
            return await super().get_response(path, scope)
        except StarletteHTTPException as exc:
            if exc.status_code != 404 or path.startswith(("api/", "dev/")):
                raise
            return await super().get_response("index.html", scope)


class DevTokenRequest(BaseModel):
    """开发登录：选择角色与管辖范围，签发开发令牌。"""

    role: Role = Field(title="角色")
    jurisdiction: str = Field(
        default=DEFAULT_JURISDICTION,
        min_length=2,
        max_length=12,
        pattern=r"^\d+$",
        title="管辖范围代码",
    )
    org_id: str | None = Field(default=None, max_length=64, title="所属组织编号")
    name: str | None = Field(default=None, max_length=50, title="姓名")
    subject: str | None = Field(default=None, max_length=100, title="账号")


LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


def _loopback_host(request: Request) -> None:
    """Dev sign-in answers only to a loopback ``Host``: a web page the user visits cannot
    reach it by pointing its own name at this machine (DNS rebinding)."""
    host = request.headers.get("host", "")
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    if name.lower() not in LOOPBACK_HOSTS:
        raise Forbidden(
            "开发登录只接受本机访问（localhost / 127.0.0.1）",
            "Dev sign-in answers only to this machine (localhost / 127.0.0.1)",
            code="dev-login-loopback-only",
        )


def _dev_login(index: FastAPI, auth: AuthConfig) -> None:
    """``/dev/config`` and ``/dev/token``: the dashboard's 开发登录. Only when the run is
    started with the development flag (``xuncha run --dev``), only to a loopback ``Host``,
    never in production; the tokens are signed with the run's own dev key under ``var/``."""
    loopback = [Depends(_loopback_host)]

    @index.get("/dev/config", dependencies=loopback)
    async def dev_config() -> dict[str, Any]:
        return {
            "enabled": True,
            "jurisdiction": DEFAULT_JURISDICTION,
            "roles": [
                {"value": r.value, "label": r.label_zh} for r in Role if r is not Role.service
            ],
        }

    @index.post("/dev/token", response_model=None, dependencies=loopback)
    async def dev_token(body: DevTokenRequest, request: Request) -> dict[str, str] | JSONResponse:
        if body.role is Role.service:
            return problem_response(
                request,
                status=422,
                code="validation",
                title="Invalid input",
                message_zh="开发登录不签发部门系统服务账号令牌",
                message_en="Dev sign-in does not mint service-account tokens",
                field="role",
            )
        name = body.name or f"{body.role.label_zh}（开发）"
        token = mint_dev_token(
            auth,
            subject=body.subject or f"{body.role.value}-dev-{body.jurisdiction}",
            roles=[body.role],
            jurisdiction=body.jurisdiction,
            org_id=body.org_id or None,
            name=name,
        )
        return {"token": token, "role_zh": body.role.label_zh}


def index_app(
    apps: dict[str, FastAPI],
    dashboard: Path | None,
    dev_login: AuthConfig | None = None,
    *,
    production: bool = False,
) -> FastAPI:
    """``/`` (the dashboard when built, else a page of links), ``/healthz``, ``/readyz``,
    the combined API docs (in ``production`` for a signed-in account only, verified as the
    services verify) and the dev sign-in when given the dev signing key."""
    index = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    install_problem_handlers(index)
    if dev_login is not None and dev_login.dev_secret is not None:
        _dev_login(index, dev_login)

    @index.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    async def api_docs_access(request: Request) -> None:
        if production:  # tokens verified as every service verifies them
            runtime: Runtime = next(iter(apps.values())).state.runtime
            await api_docs_need_sign_in_in_production(
                request, production=True, verifier=runtime.verifier
            )

    docs_routes(
        index,
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
        # The services' documents in one, as the gateway serves it.
        document=lambda: combine({name: app.openapi() for name, app in apps.items()}),
        title="巡察工作平台接口文档",
        check=api_docs_access,
    )

    @index.get("/readyz")
    async def readyz() -> JSONResponse:
        states = {}
        for name, app in apps.items():
            runtime: Runtime = app.state.runtime
            states[name] = "ok" if await database_ready(runtime.engine) else "down"
        ok = all(v == "ok" for v in states.values())
        return JSONResponse(
            {"status": "ready" if ok else "unavailable", "services": states},
            status_code=200 if ok else 503,
        )

    if dashboard is not None and (dashboard / "index.html").exists():
        index.mount("/", DashboardFiles(directory=dashboard, html=True), name="dashboard")
    else:

        @index.get("/", response_class=HTMLResponse)
        async def home() -> str:
            links = "".join(f'<li><a href="/api/{n}/docs">{apps[n].title}</a></li>' for n in apps)
            return (
                "<!doctype html><meta charset='utf-8'><title>巡察 Xuncha</title>"
                "<h1>巡察工作平台 Xuncha</h1><p>各服务的接口文档：</p>"
                f"<ul>{links}</ul>"
            )

    return index


def build_dispatcher(
    settings: dict[str, ServiceSettings],
    *,
    bus: Bus,
    auth: AuthConfig,
    dashboard: Path | None = None,
    dev_login: bool = False,
    **create_kwargs: Any,
) -> Dispatcher:
    """The one-process app over already migrated schemas: every service of ``settings``
    under ``/api/<service>/``, the dashboard at ``/`` and, with ``dev_login`` (the
    development flag), 开发登录. Tests build it over their own database (``create_kwargs``
    e.g. ``clock``)."""
    if dev_login and any(s.environment == "production" for s in settings.values()):
        raise ValueError("生产环境不提供开发登录 / dev sign-in is never available in production")
    apps: dict[str, FastAPI] = {}
    for name, service_settings in settings.items():
        module = importlib.import_module(f"{name}.app")
        apps[name] = module.create_app(service_settings, bus=bus, **create_kwargs)
    production = any(s.environment == "production" for s in settings.values())
    index = index_app(apps, dashboard, dev_login=auth if dev_login else None, production=production)
    return Dispatcher(apps, index)


@dataclass(frozen=True)
class Embedded:
    app: Dispatcher
    auth: AuthConfig
    database_url: str
    # The first office administrator's account and one-time password, on the first start.
    administrator: tuple[str, str] | None


@contextlib.asynccontextmanager
async def embedded_platform(
    root: Path,
    *,
    base_url: str,
    dashboard: Path | None = None,
    dev: bool = False,
    jurisdiction: str = DEFAULT_JURISDICTION,
) -> AsyncIterator[Embedded]:
    """Start the database, migrate every schema, build the one-process app that will answer
    at ``base_url``, and open the first administrator's account if there is none."""
    paths = EmbeddedPaths(root)
    # The run's dev key (开发登录, `xuncha token`, the demo loader) only with the flag.
    auth = platform_auth(base_url, dev_auth(paths).dev_secret if dev else None)
    server = start_database(paths)
    database_url = await ensure_database(server)
    bus = PostgresBus(database_url)
    await bus.start()
    try:
        settings = {}
        for name in SERVICES:
            settings[name] = embedded_settings(
                name, database_url=database_url, auth=auth, paths=paths
            )
            await migrate(name, settings[name], wait_seconds=30)
        dispatcher = build_dispatcher(
            settings, bus=bus, auth=auth, dashboard=dashboard, dev_login=dev
        )
        administrator = await first_administrator(
            dispatcher.apps["accounts"].state.runtime, jurisdiction=jurisdiction
        )
        yield Embedded(dispatcher, auth, database_url, administrator)
    finally:
        await bus.stop()


def office_token(auth: AuthConfig, jurisdiction: str = DEFAULT_JURISDICTION) -> str:
    return mint_dev_token(
        auth,
        subject="office-dev",
        roles=[Role.office, Role.leadership],
        jurisdiction=jurisdiction,
        name="巡察办（开发）",
    )
