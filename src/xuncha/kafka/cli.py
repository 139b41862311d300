"""``python -m xuncha.kafka``: Kafka access for the services and for partner agencies.

    python -m xuncha.kafka services                 # topics, one principal per service, ACLs
    python -m xuncha.kafka partner add jiwei        # a partner's principal (password printed once)
    python -m xuncha.kafka partner grant jiwei planning findings
    python -m xuncha.kafka partner grant jiwei --all        # every published topic but clues
    python -m xuncha.kafka partner revoke jiwei findings    # or no topic: everything
    python -m xuncha.kafka partner show jiwei

Signs in as the operator's super-user principal: XUNCHA_KAFKA_BOOTSTRAP_SERVERS,
XUNCHA_KAFKA_OPERATOR_USERNAME, XUNCHA_KAFKA_OPERATOR_PASSWORD, XUNCHA_KAFKA_SECURITY_PROTOCOL
(SASL_SSL, the default, trusting XUNCHA_KAFKA_SSL_CAFILE; or SASL_PLAINTEXT),
XUNCHA_TOPIC_PREFIX.

    python -m xuncha.kafka certs --out DIR --host kafka --host localhost

makes the broker's TLS files (a new CA, ca.crt for every client, and the broker's key and
certificate for those host names); it keeps files already there unless --force.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Literal, TypeVar, cast

import typer
from xuncha_shared.kafka_access.admin import KafkaAccessAdmin
from xuncha_shared.kafka_access.credentials import KafkaCredentials
from xuncha_shared.kafka_access.partners import (
    add_partner,
    grant_partner,
    revoke_partner,
    show_partner,
)
from xuncha_shared.kafka_access.policy import AccessPolicyError, partner_default_topics
from xuncha_shared.kafka_access.provisioning import provision_services
from xuncha_shared.kafka_access.tls import broker_tls_files, write_broker_tls_files
from xuncha_shared.settings import SERVICES

T = TypeVar("T")

app = typer.Typer(help="Kafka 访问控制 / Kafka access (SASL/SCRAM principals, ACLs)")
partner = typer.Typer(help="合作单位 / partner agencies", no_args_is_help=True)
app.add_typer(partner, name="partner")

Prefix = Annotated[
    str, typer.Option("--prefix", envvar="XUNCHA_TOPIC_PREFIX", help="主题前缀 / topic prefix")
]


def operator_admin() -> KafkaAccessAdmin:
    """The admin client, signed in as the operator's principal from the environment."""
    bootstrap = os.environ.get("XUNCHA_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
    protocol = os.environ.get("XUNCHA_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
    if protocol not in {"SASL_PLAINTEXT", "SASL_SSL"}:
        raise typer.BadParameter(f"XUNCHA_KAFKA_SECURITY_PROTOCOL: {protocol}")
    password = os.environ.get("XUNCHA_KAFKA_OPERATOR_PASSWORD")
    if not password:
        raise typer.BadParameter(
            "需要 XUNCHA_KAFKA_OPERATOR_PASSWORD / XUNCHA_KAFKA_OPERATOR_PASSWORD is not set"
        )
    operator = KafkaCredentials(
        username=os.environ.get("XUNCHA_KAFKA_OPERATOR_USERNAME", "xuncha-operator"),
        password=password,
        security_protocol=cast(Literal["SASL_PLAINTEXT", "SASL_SSL"], protocol),
        ssl_cafile=os.environ.get("XUNCHA_KAFKA_SSL_CAFILE") or None,
    )
    return KafkaAccessAdmin(bootstrap, operator)


@app.command()
def services(
    prefix: Prefix = "xuncha",
    partitions: Annotated[int, typer.Option(min=1, help="每个主题的分区数")] = 3,
) -> None:
    """建立主题与各服务的账号和权限 / Topics, one principal per service, its ACLs.

    Each service's password comes from XUNCHA_<SERVICE>_KAFKA_PASSWORD, the variable the
    service itself signs in with."""
    passwords = {s: os.environ.get(f"XUNCHA_{s.upper()}_KAFKA_PASSWORD", "") for s in SERVICES}
    missing = [f"XUNCHA_{s.upper()}_KAFKA_PASSWORD" for s, p in passwords.items() if not p]
    if missing:
        raise typer.BadParameter(f"未设置 not set: {', '.join(missing)}")
    provision_services(operator_admin(), prefix, passwords, partitions=partitions)
    typer.echo(f"services ready under {prefix}: {', '.join(SERVICES)}")


@app.command()
def certs(
    out: Annotated[Path, typer.Option("--out", help="写入目录 / directory to write")],
    hosts: Annotated[
        list[str],
        typer.Option("--host", help="客户端连接 broker 所用的主机名或 IP / broker host name"),
    ],
    owner: Annotated[
        str | None,
        typer.Option(help="文件属主 UID:GID（broker 的用户）/ owner of the files (the broker's)"),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="重新生成（新 CA）/ make new ones (a new CA)")
    ] = False,
) -> None:
    """生成 Kafka 的 TLS 证书 / The broker's TLS files: ca.crt (for every client and
    partner), broker.key, broker.crt and broker.pem (key + chain, Kafka's PEM keystore)."""
    files = broker_tls_files(out)
    if files.exist() and not force:
        typer.echo(f"kept the TLS files in {out} (--force makes new ones)")
        return
    try:
        write_broker_tls_files(out, hosts, owner=_owner(owner))
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    typer.echo(f"wrote {files.ca_file.name} (give it to every client) and the broker's key and")
    typer.echo(f"certificate for {', '.join(hosts)} in {out}")


def _owner(value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    uid, _, gid = value.partition(":")
    if not (uid.isdigit() and gid.isdigit()):
        raise typer.BadParameter("--owner 须为 UID:GID / --owner must be UID:GID")
    return int(uid), int(gid)


@partner.command("add")
def partner_add(name: Annotated[str, typer.Argument(help="合作单位名 / partner name")]) -> None:
    """新建合作单位账号（密码只显示一次）/ Create a partner's principal; prints its password
    once (XUNCHA_KAFKA_PARTNER_PASSWORD sets it instead)."""
    given = os.environ.get("XUNCHA_KAFKA_PARTNER_PASSWORD") or None
    credentials = _policy(lambda: add_partner(operator_admin(), name, given))
    typer.echo(f"principal: {credentials.username}")
    typer.echo(f"mechanism: {credentials.mechanism}")
    typer.echo(f"consumer groups: {credentials.username}.<anything>")
    if given is None:
        typer.echo(f"password (shown once): {credentials.password}")
    typer.echo("reads nothing until granted: python -m xuncha.kafka partner grant NAME TOPIC...")


@partner.command("grant")
def partner_grant(
    name: Annotated[str, typer.Argument(help="合作单位名 / partner name")],
    topics: Annotated[
        list[str] | None, typer.Argument(help="服务名或主题名 / service or topic names")
    ] = None,
    all_published: Annotated[
        bool, typer.Option("--all", help="所有已发布主题（不含线索）/ every topic but clues")
    ] = False,
    prefix: Prefix = "xuncha",
) -> None:
    """授权读取主题 / Let a partner read topics (clues only when named)."""
    wanted = list(topics or []) + (partner_default_topics(prefix) if all_published else [])
    if not wanted:
        raise typer.BadParameter("给出主题或 --all / name topics or pass --all")
    granted = _policy(lambda: grant_partner(operator_admin(), prefix, name, wanted))
    typer.echo(f"granted: {', '.join(granted)}")


@partner.command("revoke")
def partner_revoke(
    name: Annotated[str, typer.Argument(help="合作单位名 / partner name")],
    topics: Annotated[list[str] | None, typer.Argument(help="不给则全部收回 / none: all")] = None,
    prefix: Prefix = "xuncha",
) -> None:
    """收回授权 / Take back topics (all of them when none is named)."""
    _policy(lambda: revoke_partner(operator_admin(), prefix, name, topics or None))
    typer.echo("revoked")


@partner.command("show")
def partner_show(name: Annotated[str, typer.Argument(help="合作单位名 / partner name")]) -> None:
    """查看合作单位的账号与可读主题 / A partner's principal and readable topics."""
    access = _policy(lambda: show_partner(operator_admin(), name))
    typer.echo(f"principal: {access.username} ({'exists' if access.exists else 'missing'})")
    typer.echo(f"consumer groups: {access.group_prefix}<anything>")
    typer.echo(f"topics: {', '.join(access.topics) or '(none)'}")


def _policy(call: Callable[[], T]) -> T:
    try:
        return call()
    except AccessPolicyError as exc:
        raise typer.BadParameter(str(exc)) from exc


def main() -> None:
    app()
