"""HTTP routes: 通讯录 Directory. The office keeps its jurisdiction's people; everyone may
read and change their own e-mail and digest choice."""

from __future__ import annotations

import uuid
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request, Response, status
from xuncha_shared.auth import Role
from xuncha_shared.db import DbSession
from xuncha_shared.http import (
    CurrentPrincipal,
    ExpectedVersion,
    Now,
    Paging,
    decode_cursor,
    etag,
    split_page,
)
from xuncha_shared.idempotency import Idempotent

from notify.access import ERRORS, PLAIN, VERSIONED, office_of, office_or_leadership, settings_of
from notify.directory import service
from notify.directory.schemas import (
    MyContactUpdate,
    PersonCreate,
    PersonPage,
    PersonRead,
    PersonUpdate,
)
from notify.exports import xlsx_response

router = APIRouter(prefix="/directory", tags=["directory"], responses=ERRORS)

Account = Annotated[str, Path(min_length=1, max_length=128, pattern=PLAIN, title="账号")]


@router.get(
    "/me",
    response_model=PersonRead,
    summary="我的联系方式",
    description="通讯录中本人的记录（电子邮箱、是否每日汇总）。未登记时返回 404。",
)
async def get_me(session: DbSession, principal: CurrentPrincipal, response: Response) -> PersonRead:
    person = await service.person_in(session, principal.subject, principal.jurisdiction)
    response.headers["ETag"] = etag(person.version)
    return PersonRead.model_validate(person)


@router.patch(
    "/me",
    response_model=PersonRead,
    summary="修改我的邮箱和每日汇总",
    description="本人可修改电子邮箱和是否每日汇总（一天一封汇总邮件代替逐条邮件）。须带 If-Match。",
    responses=VERSIONED,
)
async def patch_me(
    body: MyContactUpdate,
    expected: ExpectedVersion,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    response: Response,
) -> PersonRead:
    person = await service.update_me(
        session, data=body, expected_version=expected, actor=principal, now=now
    )
    response.headers["ETag"] = etag(person.version)
    return PersonRead.model_validate(person)


@router.get(
    "/people",
    response_model=PersonPage,
    summary="查询通讯录",
    description="巡察办和领导小组查看本辖区的通讯录，按账号排序，游标分页。",
)
async def list_people(
    session: DbSession,
    principal: CurrentPrincipal,
    paging: Paging,
    org_id: Annotated[uuid.UUID | None, Query(title="所属单位编号")] = None,
    role: Annotated[Role | None, Query(title="角色")] = None,
    q: Annotated[
        str | None, Query(max_length=50, pattern=PLAIN, title="关键字（姓名或账号）")
    ] = None,
) -> PersonPage:
    office_or_leadership(principal, "查看通讯录", "read the directory")
    after = decode_cursor(paging.cursor, arity=1)
    people, total = await service.list_people(
        session,
        jurisdiction=principal.jurisdiction,
        org_id=org_id,
        role=role.value if role else None,
        q=q,
        after=str(after[0]) if after else None,
        limit=paging.limit + 1,
    )
    page, next_cursor = split_page(people, paging.limit, lambda p: [p.account])
    return PersonPage(
        items=[PersonRead.model_validate(p) for p in page], next_cursor=next_cursor, total=total
    )


@router.get(
    "/people/export.xlsx",
    summary="导出通讯录（Excel）",
    response_class=Response,
    responses={
        200: {"content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}
    },
)
async def export_people(
    request: Request, session: DbSession, principal: CurrentPrincipal
) -> Response:
    office_or_leadership(principal, "导出通讯录", "export the directory")
    people, _ = await service.list_people(
        session,
        jurisdiction=principal.jurisdiction,
        org_id=None,
        role=None,
        q=None,
        after=None,
        limit=100_000,
    )
    return xlsx_response(
        filename="通讯录.xlsx",
        sheet="通讯录",
        headers=(
            "账号",
            "姓名",
            "角色",
            "所属单位编号",
            "电子邮箱",
            "每日汇总",
            "启用",
            "修改时间",
        ),
        rows=(
            (
                p.account,
                p.display_name,
                p.roles,
                p.org_id,
                p.email,
                p.daily_digest,
                p.active,
                p.updated_at,
            )
            for p in people
        ),
        timezone=settings_of(request).timezone,
    )


@router.post(
    "/people",
    status_code=status.HTTP_201_CREATED,
    response_model=PersonRead,
    summary="登记通讯录人员",
    description="巡察办在本辖区通讯录中登记一个账号：姓名、角色、所属单位、电子邮箱、是否每日汇总。"
    "可带 Idempotency-Key。",
    responses={409: {"model": ERRORS[422]["model"], "description": "账号已登记"}},
)
async def create_person(
    body: PersonCreate,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    idempotent: Idempotent,
    request: Request,
    response: Response,
) -> PersonRead:
    actor = office_of(principal, "维护通讯录", "maintain the directory")
    person = await service.create_person(session, data=body, actor=actor, now=now)
    # An account may be written in any script; a header carries only its percent-encoding.
    location = f"{request.url.path}/{quote(person.account, safe='')}"
    response.headers["ETag"] = etag(person.version)
    response.headers["Location"] = location
    result = PersonRead.model_validate(person)
    await idempotent.remember(result, status_code=201, location=location)
    return result


@router.get("/people/{account}", response_model=PersonRead, summary="查看通讯录人员")
async def get_person(
    account: Account, session: DbSession, principal: CurrentPrincipal, response: Response
) -> PersonRead:
    if account != principal.subject:
        office_or_leadership(principal, "查看通讯录", "read the directory")
    person = await service.person_in(session, account, principal.jurisdiction)
    response.headers["ETag"] = etag(person.version)
    return PersonRead.model_validate(person)


@router.patch(
    "/people/{account}",
    response_model=PersonRead,
    summary="修改通讯录人员",
    description="巡察办修改本辖区人员的姓名、角色、单位、邮箱、每日汇总、启用状态。须带 If-Match。",
    responses=VERSIONED,
)
async def patch_person(
    account: Account,
    body: PersonUpdate,
    expected: ExpectedVersion,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    response: Response,
) -> PersonRead:
    actor = office_of(principal, "维护通讯录", "maintain the directory")
    person = await service.update_person(
        session, account=account, data=body, expected_version=expected, actor=actor, now=now
    )
    response.headers["ETag"] = etag(person.version)
    return PersonRead.model_validate(person)


@router.delete(
    "/people/{account}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="删除通讯录人员",
    description="须带 If-Match。已记录的通知不受影响。",
    responses=VERSIONED,
)
async def delete_person(
    account: Account, expected: ExpectedVersion, session: DbSession, principal: CurrentPrincipal
) -> Response:
    actor = office_of(principal, "维护通讯录", "maintain the directory")
    await service.delete_person(session, account=account, expected_version=expected, actor=actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
