"""A jurisdiction's sign-in policy: the default until its office sets one, then versioned."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Principal
from xuncha_shared.http import check_version
from xuncha_shared.problems import PreconditionRequired

from accounts.models import Policy
from accounts.policies import repository
from accounts.policies.schemas import PolicyWrite


async def policy_of(session: AsyncSession, *, jurisdiction: str) -> Policy | None:
    """The jurisdiction's policy; None while it keeps the default."""
    return await repository.policy(session, jurisdiction)


async def set_policy(
    session: AsyncSession,
    *,
    data: PolicyWrite,
    expected: int | None,
    actor: Principal,
    now: datetime,
) -> tuple[Policy, bool]:
    """Set the policy; the first time without a version, then with the one read. Returns
    the policy and whether it was set for the first time."""
    policy = await repository.policy(session, actor.jurisdiction, for_update=True)
    created = policy is None
    if policy is None:
        policy = Policy(
            jurisdiction=actor.jurisdiction,
            totp_required=data.totp_required,
            updated_at=now,
            updated_by=actor.subject,
        )
        session.add(policy)
    else:
        if expected is None:
            raise PreconditionRequired(
                "修改登录安全策略须带 If-Match", "Changing the policy needs If-Match"
            )
        check_version(policy.version, expected)
        policy.totp_required = data.totp_required
        policy.version += 1
        policy.updated_at = now
        policy.updated_by = actor.subject
    await session.flush()
    return policy, created
