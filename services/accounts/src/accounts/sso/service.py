"""Single sign-on: a token of the provincial identity platform becomes a platform session.

The provider's token is verified against its published keys (issuer, audience, expiry),
its claims name the person's roles, org and jurisdiction; the account ledger keeps the
person (opened on first sign-in, kept in step after), so the office sees them and may
disable them. The platform then issues its own tokens, as for a password sign-in.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import jwt
from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.account_names import account_name_fault
from xuncha_shared.auth import AuthConfig, Principal, Role, TokenVerifier
from xuncha_shared.events.accounts import AccountChanged, AccountOpened
from xuncha_shared.messaging import emit

from accounts.config import AccountsSettings, SsoProvider
from accounts.models import Account
from accounts.people import repository as people
from accounts.people.service import snapshot
from accounts.signin.problems import AccountDisabled, SignInFailed
from accounts.signin.schemas import TokenPair
from accounts.signin.service import issue_session

_VERIFIER = "sso_verifier"


def provider_verifier(request: Request, provider: SsoProvider) -> TokenVerifier:
    """One verifier per app (it caches the provider's keys), built on first use."""
    verifier: TokenVerifier | None = getattr(request.app.state, _VERIFIER, None)
    if verifier is None:
        verifier = TokenVerifier(
            AuthConfig(
                mode="oidc",
                issuer=provider.issuer,
                jwks_url=provider.keys_url,
                audience=provider.audience,
                roles_claim=provider.roles_claim,
                org_claim=provider.org_claim,
                jurisdiction_claim=provider.jurisdiction_claim,
                name_claim=provider.name_claim,
            )
        )
        setattr(request.app.state, _VERIFIER, verifier)
    return verifier


def account_name_of(claims: dict[str, Any], provider: SsoProvider) -> str:
    """The account the provider's token names; refused when it names none, or a name that is
    not one path segment (the account name rule: no one could reach that account again)."""
    name = claims.get(provider.account_claim)
    if not isinstance(name, str) or not 0 < len(name) <= 128:
        raise SignInFailed(
            "身份平台的令牌未注明账号", "The provider's token names no account", field="token"
        )
    fault = account_name_fault(name)
    if fault is not None:
        raise SignInFailed(
            "身份平台的令牌注明的账号不能用作本平台账号（不能是 . 或 ..，也不能含 / 或 \\）",
            f"The provider's token names an account this platform cannot keep: {fault}",
            field="token",
        )
    return name


async def exchange(
    session: AsyncSession,
    settings: AccountsSettings,
    verifier: TokenVerifier,
    token: str,
    now: datetime,
) -> TokenPair:
    assert settings.sso is not None
    principal = await verifier.verify(token)
    # Verified just above; read the one claim the principal does not carry.
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    account = await _follow(session, account_name_of(claims, settings.sso), principal, now)
    if not account.active:
        raise AccountDisabled("账号已停用，请联系巡察办", "The account is disabled")
    return await issue_session(session, settings, account, now)


async def _follow(session: AsyncSession, name: str, principal: Principal, now: datetime) -> Account:
    """The ledger's record of the person, opened or brought in step with the provider."""
    roles = [r.value for r in sorted(principal.roles - {Role.service}, key=list(Role).index)]
    try:
        org_id = uuid.UUID(principal.org_id) if principal.org_id else None
    except ValueError:
        raise SignInFailed(
            "身份平台令牌中的单位编号格式不正确",
            "The org in the provider's token is not an id",
            field="token",
        ) from None
    wanted: dict[str, Any] = {
        "display_name": (principal.name or name)[:50],
        "roles": roles,
        "jurisdiction": principal.jurisdiction,
        "org_id": org_id,
    }
    account = await people.account(session, name, for_update=True)
    if account is None:
        account = Account.model_validate(
            {"account": name, "created_at": now, "updated_at": now, "updated_by": "sso", **wanted}
        )
        session.add(account)
        await session.flush()
        await emit(session, snapshot(AccountOpened, account))
        return account
    if {k: getattr(account, k) for k in wanted} != wanted:
        for key, value in wanted.items():
            setattr(account, key, value)
        account.version += 1
        account.updated_at = now
        account.updated_by = "sso"
        await session.flush()
        await emit(session, snapshot(AccountChanged, account))
    return account
