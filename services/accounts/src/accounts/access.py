"""What the routes share: the settings, the caller's address, who keeps the ledger."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Forbidden, Principal, Role
from xuncha_shared.db import DbSession
from xuncha_shared.http import CurrentPrincipal
from xuncha_shared.problems import Problem
from xuncha_shared.trusted_proxies import client_address

from accounts.config import AccountsSettings
from accounts.people import repository as people


def settings_of(request: Request) -> AccountsSettings:
    settings = request.app.state.runtime.settings
    assert isinstance(settings, AccountsSettings)
    return settings


def address_of(request: Request) -> str:
    """The address a sign-in came from, as uvicorn resolved it (forwarded headers only from
    the trusted proxies)."""
    return client_address(request, unknown="-")


async def ledger_actor(
    principal: CurrentPrincipal,
    session: DbSession,
    jurisdiction: Annotated[
        str | None,
        Query(
            pattern=r"^[0-9]{2,12}$",
            title="管辖范围",
            description="平台管理员管理其他辖区的账号时填写；默认本人的辖区",
        ),
    ] = None,
) -> Principal:
    """Who keeps the ledger of a jurisdiction: its office, or a platform administrator
    (平台管理员) for any jurisdiction. The answer speaks for the jurisdiction acted on."""
    target = jurisdiction or principal.jurisdiction
    if target == principal.jurisdiction and principal.has(Role.office):
        return principal
    account = await people.account(session, principal.subject)
    if (
        account is not None
        and account.platform_admin
        and account.active
        and account.jurisdiction == principal.jurisdiction
    ):
        return replace(principal, jurisdiction=target)
    raise Forbidden(
        "只有本辖区巡察办或平台管理员可以管理账号",
        "Only the jurisdiction's office or a platform administrator keeps its accounts",
    )


LedgerActor = Annotated[Principal, Depends(ledger_actor)]


async def committed(session: AsyncSession, refusal: Problem) -> Problem:
    """A refusal that changed something (a failure counted, a family ended) is committed
    before it is answered: the request's transaction would otherwise roll it back."""
    await session.commit()
    return refusal
