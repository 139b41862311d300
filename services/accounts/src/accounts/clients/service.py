"""Department systems' service accounts: the office opens one for a department's system and
hands over its secret once; the system trades id and secret for short-lived tokens (OAuth
2.0 client credentials) that every service verifies like a person's."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Principal
from xuncha_shared.http import check_version
from xuncha_shared.problems import Conflict, NotFound

from accounts.clients import repository
from accounts.clients.schemas import ClientCreate, ClientRead, ClientSecretIssued, ServiceToken
from accounts.config import AccountsSettings
from accounts.keys.service import service_token
from accounts.models import ServiceClient
from accounts.passwords import digest
from accounts.people.service import check_org
from accounts.signin.problems import ClientAuthFailed
from accounts.signin.service import address_refusal, record


def _issued(client: ServiceClient, secret: str) -> ClientSecretIssued:
    return ClientSecretIssued.model_validate(
        {**ClientRead.model_validate(client).model_dump(), "client_secret": secret}
    )


async def client_in(
    session: AsyncSession, client_id: str, jurisdiction: str, *, for_update: bool = False
) -> ServiceClient:
    client = await repository.client(session, client_id, for_update=for_update)
    if client is None or client.jurisdiction != jurisdiction:
        raise NotFound("没有此服务账号", "No such service account", field="client_id")
    return client


async def list_clients(session: AsyncSession, *, jurisdiction: str) -> list[ServiceClient]:
    return await repository.clients_of(session, jurisdiction)


async def create(
    session: AsyncSession, *, data: ClientCreate, actor: Principal, now: datetime
) -> ClientSecretIssued:
    await check_org(session, jurisdiction=actor.jurisdiction, org_id=data.org_id)
    if await repository.client(session, data.client_id) is not None:
        raise Conflict("客户端编号已存在", "The client id is taken", field="client_id")
    secret = secrets.token_urlsafe(32)
    client = ServiceClient(
        client_id=data.client_id,
        jurisdiction=actor.jurisdiction,
        display_name=data.display_name,
        roles=sorted({r.value for r in data.roles}),
        org_id=data.org_id,
        secret_hash=digest(secret),
        created_at=now,
        updated_at=now,
        updated_by=actor.subject,
        secret_rotated_at=now,
    )
    session.add(client)
    await session.flush()
    return _issued(client, secret)


def _touch(client: ServiceClient, actor: Principal, now: datetime) -> None:
    client.version += 1
    client.updated_at = now
    client.updated_by = actor.subject


async def rotate_secret(
    session: AsyncSession, *, client_id: str, expected: int, actor: Principal, now: datetime
) -> ClientSecretIssued:
    """A new secret; the old one stops working at once (tokens issued with it run out)."""
    client = await client_in(session, client_id, actor.jurisdiction, for_update=True)
    check_version(client.version, expected)
    secret = secrets.token_urlsafe(32)
    client.secret_hash = digest(secret)
    client.secret_rotated_at = now
    _touch(client, actor, now)
    await session.flush()
    return _issued(client, secret)


async def set_active(
    session: AsyncSession,
    *,
    client_id: str,
    active: bool,
    expected: int,
    actor: Principal,
    now: datetime,
) -> ServiceClient:
    client = await client_in(session, client_id, actor.jurisdiction, for_update=True)
    check_version(client.version, expected)
    if client.active != active:
        client.active = active
        _touch(client, actor, now)
        await session.flush()
    return client


async def issue_token(
    session: AsyncSession,
    *,
    settings: AccountsSettings,
    client_id: str,
    client_secret: str,
    address: str,
    now: datetime,
) -> ServiceToken:
    """Client credentials: the same answer for an unknown client, a wrong secret and a
    disabled client; failures count against the address like failed sign-ins."""
    await address_refusal(session, settings, address, now)
    client = await repository.client(session, client_id)
    if (
        client is None
        or not client.active
        or not secrets.compare_digest(client.secret_hash, digest(client_secret))
    ):
        await record(session, client_id, address, "bad-client-secret", now)
        raise ClientAuthFailed(
            "客户端编号或密钥错误，或服务账号已停用",
            "Wrong client id or secret, or the service account is disabled",
            field="client_secret",
        )
    token = await service_token(session, settings, client, now)
    return ServiceToken(access_token=token, expires_in=settings.access_token_seconds)
