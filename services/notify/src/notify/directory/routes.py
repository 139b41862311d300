"""HTTP routes: 通讯录 Directory. The office keeps its jurisdiction's people; everyone may
read and change their own e-mail and digest choice."""

from __future__ import annotations

import uuid
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request, Response, status
from xuncha_shared.auth import Principal, Role
from xuncha_shared.db import DbSession
from xuncha_shared.http import CurrentPrincipal, ExpectedVersion, Now, Paging, split_page
from xuncha_shared.idempotency import Idempotent
from xuncha_shared.web import (
    ERRORS,
    NAME,
    VERSIONED,
    XLSX,
    Column,
    conflict,
    created,
    roles_allowed,
    versioned,
)

from notify.config import CurrentSettings
from notify.directory import service
from notify.directory.models import Person
from notify.directory.schemas import (
    MyContactUpdate,
    PersonCreate,
    PersonPage,
    PersonRead,
    PersonUpdate,
)
from notify.exports import xlsx_ledger_in
from notify.schemas import PLAIN

router = APIRouter(prefix="/directory", tags=["directory"], responses=ERRORS)

Account = Annotated[str, Path(min_length=1, max_length=128, pattern=PLAIN, title="账号")]
READERS = (Role.office, Role.leadership)
Reader = Annotated[
    Principal,
    roles_allowed(
        *READERS,
        why=(
            "只有巡察办和领导小组可以查看通讯录",
            "Only the inspection office and the leadership may read the directory",
        ),
    ),
]
Exporter = Annotated[
    Principal,
    roles_allowed(
        *READERS,
        why=(
            "只有巡察办和领导小组可以导出通讯录",
            "Only the inspection office and the leadership may export the directory",
        ),
    ),
]
Keeper = Annotated[
    Principal,
    roles_allowed(
        Role.office,
        why=("只有巡察办可以维护通讯录", "Only the inspection office may maintain the directory"),
    ),
]

COLUMNS: list[Column[Person]] = [
    Column("账号", lambda p: p.account),
    Column("姓名", lambda p: p.display_name),
    Column("角色", lambda p: p.roles),
    Column("所属单位编号", lambda p: p.org_id),
    Column("电子邮箱", lambda p: p.email),
    Column("每日汇总", lambda p: p.daily_digest),
    Column("启用", lambda p: p.active),
    Column("修改时间", lambda p: p.updated_at),
]


@router.get(
    "/me",
    response_model=PersonRead,
    summary="我的联系方式",
    description="通讯录中本人的记录（电子邮箱、是否每日汇总）。未登记时返回 404。",
)
async def get_me(session: DbSession, principal: CurrentPrincipal, response: Response) -> PersonRead:
    person = await service.person_in(
        session, account=principal.subject, jurisdiction=principal.jurisdiction
    )
    return versioned(response, PersonRead.model_validate(person))


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
    return versioned(response, PersonRead.model_validate(person))


@router.get(
    "/people",
    response_model=PersonPage,
    summary="查询通讯录",
    description="巡察办和领导小组查看本辖区的通讯录，按账号排序，游标分页。",
)
async def list_people(
    session: DbSession,
    principal: Reader,
    paging: Paging,
    org_id: Annotated[uuid.UUID | None, Query(title="所属单位编号")] = None,
    role: Annotated[Role | None, Query(title="角色")] = None,
    q: Annotated[
        str | None, Query(max_length=50, pattern=PLAIN, title="关键字（姓名或账号）")
    ] = None,
) -> PersonPage:
    after = NAME.decode(paging.cursor)
    people, total = await service.list_people(
        session,
        jurisdiction=principal.jurisdiction,
        org_id=org_id,
        role=role.value if role else None,
        q=q,
        after=after[0] if after else None,
        limit=paging.limit + 1,
    )
    page, next_cursor = split_page(people, paging.limit, lambda p: [p.account])
    return PersonPage(
        items=[PersonRead.model_validate(p) for p in page], next_cursor=next_cursor, total=total
    )


@router.get(
    "/people/export.xlsx", summary="导出通讯录（Excel）", response_class=Response, responses=XLSX
)
async def export_people(
    settings: CurrentSettings, session: DbSession, principal: Exporter
) -> Response:
    people, _ = await service.list_people(
        session,
        jurisdiction=principal.jurisdiction,
        org_id=None,
        role=None,
        q=None,
        after=None,
        limit=100_000,
    )
    return xlsx_ledger_in(settings.timezone, "通讯录", COLUMNS, people, filename="通讯录.xlsx")


@router.post(
    "/people",
    status_code=status.HTTP_201_CREATED,
    response_model=PersonRead,
    summary="登记通讯录人员",
    description="巡察办在本辖区通讯录中登记一个账号：姓名、角色、所属单位、电子邮箱、是否每日汇总。"
    "可带 Idempotency-Key。",
    responses=conflict("账号已登记"),
)
async def create_person(
    body: PersonCreate,
    session: DbSession,
    actor: Keeper,
    now: Now,
    idempotent: Idempotent,
    request: Request,
    response: Response,
) -> PersonRead:
    person = await service.create_person(session, data=body, actor=actor, now=now)
    # An account may be written in any script; a header carries only its percent-encoding.
    location = f"{request.url.path}/{quote(person.account, safe='')}"
    return await created(response, idempotent, PersonRead.model_validate(person), location=location)


@router.get("/people/{account}", response_model=PersonRead, summary="查看通讯录人员")
async def get_person(
    account: Account, session: DbSession, principal: CurrentPrincipal, response: Response
) -> PersonRead:
    person = await service.person_for(session, account=account, viewer=principal)
    return versioned(response, PersonRead.model_validate(person))


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
    actor: Keeper,
    now: Now,
    response: Response,
) -> PersonRead:
    person = await service.update_person(
        session, account=account, data=body, expected_version=expected, actor=actor, now=now
    )
    return versioned(response, PersonRead.model_validate(person))


@router.delete(
    "/people/{account}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="删除通讯录人员",
    description="须带 If-Match。已记录的通知不受影响。",
    responses=VERSIONED,
)
async def delete_person(
    account: Account, expected: ExpectedVersion, session: DbSession, actor: Keeper
) -> Response:
    await service.delete_person(session, account=account, expected_version=expected, actor=actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
