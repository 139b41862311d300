"""HTTP routes: 登录安全策略 Sign-in policy of the office's jurisdiction."""

from __future__ import annotations

from fastapi import APIRouter, Response, status
from xuncha_shared.db import DbSession
from xuncha_shared.http import Now, OptionalExpectedVersion
from xuncha_shared.web import ERRORS, VERSIONED, versioned

from accounts.access import LedgerActor
from accounts.models import Policy
from accounts.policies import service
from accounts.policies.schemas import PolicyRead, PolicyWrite

router = APIRouter(prefix="/policy", tags=["accounts"], responses=ERRORS)


def _read(jurisdiction: str, policy: Policy | None) -> PolicyRead:
    if policy is None:
        return PolicyRead(
            jurisdiction=jurisdiction,
            totp_required=False,
            version=None,
            updated_at=None,
            updated_by=None,
        )
    return PolicyRead.model_validate(policy, from_attributes=True)


@router.get("", response_model=PolicyRead, summary="查看登录安全策略")
async def get_policy(session: DbSession, actor: LedgerActor, response: Response) -> PolicyRead:
    policy = await service.policy_of(session, jurisdiction=actor.jurisdiction)
    return _read(actor.jurisdiction, policy and versioned(response, policy))


@router.put(
    "",
    response_model=PolicyRead,
    summary="设置登录安全策略",
    description="本辖区是否要求两步验证。首次设置不带 If-Match（201），修改须带 If-Match。"
    "开启后，尚未设置验证器的人员在下次登录时按提示完成设置。",
    responses={
        201: {"model": PolicyRead, "description": "首次设置"},
        **VERSIONED,
    },
)
async def put_policy(
    body: PolicyWrite,
    expected: OptionalExpectedVersion,
    session: DbSession,
    actor: LedgerActor,
    now: Now,
    response: Response,
) -> PolicyRead:
    policy, created = await service.set_policy(
        session, data=body, expected=expected, actor=actor, now=now
    )
    if created:
        response.status_code = status.HTTP_201_CREATED
    return _read(actor.jurisdiction, versioned(response, policy))
