"""``xuncha``: run the embedded platform, mint dev tokens, open the first administrator of a
distributed deployment, inspect and replay dead letters."""

from __future__ import annotations

import asyncio
import importlib
import re
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from xuncha_shared.auth import AuthConfig, Role, mint_dev_token
from xuncha_shared.settings import SERVICES
from xuncha_shared.trusted_proxies import forwarded_header_options

from xuncha.embedded import (
    DEFAULT_JURISDICTION,
    EmbeddedPaths,
    dev_auth,
    embedded_platform,
    office_token,
)

app = typer.Typer(help="巡察 Xuncha 平台命令 / platform commands", no_args_is_help=True)
dlq = typer.Typer(help="死信（无法处理的事件）/ dead letters", no_args_is_help=True)
app.add_typer(dlq, name="dlq")

DataDir = Annotated[Path, typer.Option("--data-dir", help="数据目录 / data directory")]
# The dashboard as `make run` builds it (web/dist in the repository).
DASHBOARD = Path(__file__).resolve().parents[2] / "web" / "dist"


@app.command()
def run(
    port: Annotated[int, typer.Option(help="端口 / port")] = 8000,
    host: Annotated[str, typer.Option(help="监听地址 / bind address")] = "127.0.0.1",
    data_dir: DataDir = Path("var"),
    jurisdiction: Annotated[str, typer.Option(help="开发令牌的管辖范围")] = DEFAULT_JURISDICTION,
    dashboard: Annotated[
        Path, typer.Option(help="已构建的前端目录 / built dashboard (npm run build)")
    ] = DASHBOARD,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo",
            help="启动后加载演示数据（含开发模式）/ load the demo county once up (implies --dev)",
        ),
    ] = False,
    dev: Annotated[
        bool,
        typer.Option(
            "--dev",
            help="开发模式：开放仅限本机的开发登录并打印开发令牌 / development: loopback-only "
            "dev sign-in and a printed dev token",
        ),
    ] = False,
) -> None:
    """启动内嵌平台（单进程、内嵌 PostgreSQL）/ Run the embedded platform."""

    # The demo loader signs its requests with the run's dev key: a development run.
    dev = dev or demo

    async def main() -> None:
        if not (dashboard / "index.html").exists():
            typer.echo(f"未找到已构建的前端 {dashboard}（make run 会构建）；/ 显示接口文档链接。")
        # The services fetch the accounts service's keys from this same process.
        loopback = "127.0.0.1" if host in {"0.0.0.0", "::", "localhost"} else host
        async with embedded_platform(
            data_dir,
            base_url=f"http://{loopback}:{port}",
            dashboard=dashboard,
            dev=dev,
            jurisdiction=jurisdiction,
        ) as platform:
            auth = platform.auth
            if platform.administrator is not None:
                typer.echo("首次启动 First start:")
                typer.echo(administrator_opened(*platform.administrator))
            if dev:
                typer.echo(
                    f"开发令牌（巡察办）dev token (office):\n{office_token(auth, jurisdiction)}"
                )
            typer.echo(f"巡察平台已启动 Xuncha is running: http://{host}:{port}/")
            typer.echo(f"接口文档 API docs: http://{host}:{port}/api/docs")
            # No proxy in front of the embedded run: no forwarded header is believed.
            config = uvicorn.Config(
                platform.app,
                host=host,
                port=port,
                log_config=None,
                access_log=False,
                **forwarded_header_options([]),
            )
            server = uvicorn.Server(config)
            if not demo:
                await server.serve()
                return
            # The demo drives the platform's own REST API over loopback once it is ready; a
            # failed load is reported and leaves the platform running.
            loading = asyncio.create_task(_load_demo(port, auth, jurisdiction))
            await server.serve()
            loading.cancel()

    asyncio.run(main())


def administrator_opened(account: str, password: str) -> str:
    """What the installer is told once: the first administrator and its password."""
    return (
        f"已开通巡察办管理员账号 {account}，初始密码（只显示这一次）：{password}\n"
        f"Administrator {account} opened, one-time password (shown once): {password}\n"
        "登录后请在「我的账号」中修改密码，再为其他人开通账号。\n"
        "Sign in, change the password under 我的账号 (My account), then open everyone "
        "else's accounts."
    )


async def _load_demo(port: int, auth: AuthConfig, jurisdiction: str) -> None:
    from xuncha.demo import run_demo_against
    from xuncha.demo.context import DemoError

    try:
        await run_demo_against(f"http://127.0.0.1:{port}", auth, jurisdiction=jurisdiction)
    except DemoError as exc:
        typer.echo(f"演示数据未能加载 the demo did not load: {exc}", err=True)


@app.command("demo")
def demo_command(
    port: Annotated[int, typer.Option(help="运行中平台的端口 / platform port")] = 8000,
    data_dir: DataDir = Path("var"),
    jurisdiction: Annotated[str, typer.Option(help="管辖范围代码")] = DEFAULT_JURISDICTION,
) -> None:
    """向运行中的内嵌平台加载演示县（可重复执行，不会重复加载）/ Load the demo county into a
    running embedded platform (idempotent)."""
    from xuncha.demo import run_demo_against
    from xuncha.demo.context import DemoError

    auth = dev_auth(EmbeddedPaths(data_dir))
    try:
        asyncio.run(run_demo_against(f"http://127.0.0.1:{port}", auth, jurisdiction=jurisdiction))
    except DemoError as exc:
        typer.echo(f"演示数据未能加载 the demo did not load: {exc}", err=True)
        raise typer.Exit(1) from exc


@app.command()
def token(
    role: Annotated[list[Role], typer.Option("--role", help="角色，可多次 / role(s)")],
    jurisdiction: Annotated[str, typer.Option(help="管辖范围代码")] = DEFAULT_JURISDICTION,
    org: Annotated[str | None, typer.Option(help="所属组织编号 / org id")] = None,
    name: Annotated[str, typer.Option(help="姓名 / name")] = "",
    subject: Annotated[str | None, typer.Option(help="用户标识 / subject")] = None,
    data_dir: DataDir = Path("var"),
) -> None:
    """签发开发令牌（仅以 --dev 启动的内嵌平台接受）/ Mint a dev token for an embedded
    platform started with --dev."""
    auth = dev_auth(EmbeddedPaths(data_dir))
    typer.echo(
        mint_dev_token(
            auth,
            subject=subject or f"{'-'.join(role)}-{jurisdiction}",
            roles=role,
            jurisdiction=jurisdiction,
            org_id=org,
            name=name,
        )
    )


@app.command()
def serve(
    service: Annotated[str, typer.Argument(help="服务名 / service")],
    host: str = "0.0.0.0",
    port: int = 8000,
    workers: Annotated[
        int, typer.Option(min=1, help="工作进程数 / worker processes sharing the port")
    ] = 1,
) -> None:
    """单独运行一个服务（分布式部署）/ Serve one service (distributed deployment)."""
    from xuncha.serve import serve_service

    serve_service(service, host, port, workers=workers)


JURISDICTION = re.compile(r"^\d{2,12}$")


@app.command("admin")
def admin_command(
    jurisdiction: Annotated[
        str, typer.Option(help="管辖范围代码 / jurisdiction code (410825)")
    ] = DEFAULT_JURISDICTION,
) -> None:
    """开通第一个巡察办管理员账号（分布式部署）/ Open the first office administrator.

    Reads the accounts service's settings from the environment (XUNCHA_ACCOUNTS_…).

    Migrates nothing (the service does when it starts); a second run opens nothing."""
    from accounts.app import spec
    from accounts.models import Account
    from accounts.people.bootstrap import ADMINISTRATOR, first_administrator
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError
    from xuncha_shared.app import build_runtime

    from xuncha.serve import service_settings

    if not JURISDICTION.match(jurisdiction):
        raise typer.BadParameter(
            "管辖范围代码是 2 至 12 位数字 / a jurisdiction code is 2 to 12 digits",
            param_hint="--jurisdiction",
        )
    settings = service_settings("accounts")

    async def main() -> None:
        runtime = build_runtime(spec(), settings)
        try:
            async with runtime.engine.connect() as conn:
                table = f"{settings.db_schema}.{Account.__tablename__}"
                migrated = await conn.scalar(text("SELECT to_regclass(:t)"), {"t": table})
            if migrated is None:
                typer.echo(
                    "账号服务尚未建好数据库表：请先启动账号服务（docker compose up -d）。\n"
                    "The accounts schema is not migrated yet: start the accounts service "
                    "first (docker compose up -d).",
                    err=True,
                )
                raise typer.Exit(1)
            try:
                opened = await first_administrator(runtime, jurisdiction=jurisdiction)
            except IntegrityError:
                typer.echo(
                    f"账号 {ADMINISTRATOR} 已属于另一管辖范围，未开通新的管理员。\n"
                    f"The account {ADMINISTRATOR} belongs to another jurisdiction; no "
                    "administrator was opened.",
                    err=True,
                )
                raise typer.Exit(1) from None
        finally:
            await runtime.engine.dispose()
        if opened is None:
            typer.echo(
                f"管辖范围 {jurisdiction} 已有账号，未开通新的管理员；"
                "其他账号由巡察办管理员在工作台开通。\n"
                f"Jurisdiction {jurisdiction} has accounts already; no administrator was "
                "opened (the office opens further accounts in the dashboard)."
            )
        else:
            typer.echo(administrator_opened(*opened))

    asyncio.run(main())


def _check_service(service: str) -> None:
    if service not in SERVICES:
        raise typer.BadParameter(f"未知服务 unknown service: {service}; 可选 {', '.join(SERVICES)}")


@dlq.command("replay")
def dlq_replay(
    service: Annotated[str, typer.Argument(help="服务名 / service")],
    limit: Annotated[int | None, typer.Option(help="最多重放条数")] = None,
) -> None:
    """重放死信：修复原因后重新处理 / Hand dead letters to the service's handlers again.

    Uses the service's settings from the environment (XUNCHA_<SERVICE>_…)."""
    from xuncha_shared.app import build_runtime
    from xuncha_shared.consumer import replay_dead_letters

    from xuncha.serve import service_settings

    _check_service(service)
    settings = service_settings(service)
    spec = importlib.import_module(f"{service}.app").spec()

    async def main() -> tuple[int, int]:
        runtime = build_runtime(spec, settings)
        if runtime.consumer is None:
            return 0, 0
        await runtime.bus.start()
        try:
            return await replay_dead_letters(
                runtime.consumer,
                runtime.bus,
                dlq_topic=settings.dlq_topic,
                group=f"{settings.group_id}.dlq-replay",
                limit=limit,
            )
        finally:
            await runtime.bus.stop()
            await runtime.engine.dispose()

    replayed, failed = asyncio.run(main())
    typer.echo(f"已重放 replayed: {replayed}; 仍失败 still failing: {failed}")
    raise typer.Exit(1 if failed else 0)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
