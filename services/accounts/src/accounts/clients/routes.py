"""HTTP routes: 服务账号 Service accounts of department systems, and their token endpoint."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Path, Request, Response, status
from xuncha_shared.db import DbSession
from xuncha_shared.http import ExpectedVersion, Now
from xuncha_shared.problems import Problem, ProblemDetail
from xuncha_shared.web import ERRORS, VERSIONED, conflict, versioned

from accounts.access import LedgerActor, address_of, committed, settings_of
from accounts.clients import service
from accounts.clients.schemas import (
    CLIENT_ID_PATTERN,
    ClientCreate,
    ClientPage,
    ClientRead,
    ClientSecretIssued,
    ServiceToken,
)

router = APIRouter(tags=["service-accounts"])

ClientId = Annotated[str, Path(pattern=CLIENT_ID_PATTERN, title="客户端编号")]


@router.get(
    "/clients",
    response_model=ClientPage,
    summary="查询服务账号",
    description="本辖区各部门系统的服务账号（不含密钥）。",
    responses=ERRORS,
)
async def list_clients(session: DbSession, actor: LedgerActor) -> ClientPage:
    rows = await service.list_clients(session, jurisdiction=actor.jurisdiction)
    return ClientPage(items=[ClientRead.model_validate(c) for c in rows], next_cursor=None)


@router.post(
    "/clients",
    status_code=status.HTTP_201_CREATED,
    response_model=ClientSecretIssued,
    summary="开通服务账号",
    description="为部门系统开通服务账号：部门角色（纪委监委、组织部、职能部门）和所属部门。"
    "答复中的客户端密钥只显示这一次。",
    responses=ERRORS | conflict("客户端编号已存在"),
)
async def create_client(
    body: ClientCreate,
    request: Request,
    response: Response,
    session: DbSession,
    actor: LedgerActor,
    now: Now,
) -> ClientSecretIssued:
    issued = await service.create(session, data=body, actor=actor, now=now)
    response.headers["Location"] = f"{request.url.path}/{issued.client_id}"
    return versioned(response, issued)


@router.post(
    "/clients/{client_id}/rotate-secret",
    response_model=ClientSecretIssued,
    summary="更换服务账号密钥",
    description="生成新密钥（只显示这一次），旧密钥随即失效；须带 If-Match。",
    responses=ERRORS | VERSIONED,
)
async def rotate_secret(
    client_id: ClientId,
    expected: ExpectedVersion,
    response: Response,
    session: DbSession,
    actor: LedgerActor,
    now: Now,
) -> ClientSecretIssued:
    issued = await service.rotate_secret(
        session, client_id=client_id, expected=expected, actor=actor, now=now
    )
    return versioned(response, issued)


@router.post(
    "/clients/{client_id}/disable",
    response_model=ClientRead,
    summary="停用服务账号",
    description="停用后不再签发令牌；已签发的令牌在有效期后失效。须带 If-Match。",
    responses=ERRORS | VERSIONED,
)
async def disable_client(
    client_id: ClientId,
    expected: ExpectedVersion,
    response: Response,
    session: DbSession,
    actor: LedgerActor,
    now: Now,
) -> ClientRead:
    client = await service.set_active(
        session, client_id=client_id, active=False, expected=expected, actor=actor, now=now
    )
    return versioned(response, ClientRead.model_validate(client))


@router.post(
    "/clients/{client_id}/enable",
    response_model=ClientRead,
    summary="启用服务账号",
    description="须带 If-Match。",
    responses=ERRORS | VERSIONED,
)
async def enable_client(
    client_id: ClientId,
    expected: ExpectedVersion,
    response: Response,
    session: DbSession,
    actor: LedgerActor,
    now: Now,
) -> ClientRead:
    client = await service.set_active(
        session, client_id=client_id, active=True, expected=expected, actor=actor, now=now
    )
    return versioned(response, ClientRead.model_validate(client))


@router.post(
    "/token",
    response_model=ServiceToken,
    summary="服务账号取得令牌",
    description="OAuth 2.0 客户端凭证（client credentials）：部门系统以客户端编号和密钥"
    "换取访问令牌，令牌带服务账号角色、部门角色和所属部门。失败次数按来源地址限制。",
    responses={
        401: {"model": ProblemDetail, "description": "客户端编号或密钥错误，或服务账号已停用"},
        422: ERRORS[422],
        429: {"model": ProblemDetail, "description": "此地址失败次数过多（见 Retry-After）"},
    },
)
async def token(
    grant_type: Annotated[Literal["client_credentials"], Form(title="授权类型")],
    client_id: Annotated[str, Form(min_length=1, max_length=64, title="客户端编号")],
    client_secret: Annotated[str, Form(min_length=1, max_length=256, title="客户端密钥")],
    request: Request,
    session: DbSession,
    now: Now,
) -> ServiceToken:
    try:
        return await service.issue_token(
            session,
            settings=settings_of(request),
            client_id=client_id,
            client_secret=client_secret,
            address=address_of(request),
            now=now,
        )
    except Problem as refusal:
        raise await committed(session, refusal) from None
