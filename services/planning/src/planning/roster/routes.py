"""HTTP routes: 领导班子名册, the leadership roster of inspected orgs. An org's team under
``/orgs/{org_id}/roster``; the jurisdiction's ledger, its export and the import under
``/roster``."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Path, Query, Request, Response, UploadFile, status
from xuncha_shared.auth import Principal
from xuncha_shared.db import DbSession
from xuncha_shared.http import CurrentPrincipal, ExpectedVersion, Now, Paging, read_upload
from xuncha_shared.idempotency import Idempotent
from xuncha_shared.roster import CADRE_RANK_LABELS_ZH, ROSTER_POST_LABELS_ZH, CadreRank, RosterPost
from xuncha_shared.web import (
    ERRORS,
    VERSIONED,
    XLSX,
    Column,
    CursorKey,
    conflict,
    created,
    paged,
    roles_allowed,
    versioned,
    xlsx_ledger,
)

from planning.roster import repository, service
from planning.roster.importing import service as import_service
from planning.roster.schemas import (
    RosterImportReport,
    RosterMemberCreate,
    RosterMemberPage,
    RosterMemberRead,
    RosterMemberUpdate,
    RosterTermEnd,
)

router = APIRouter(tags=["roster"], responses=ERRORS)

OrgId = Annotated[uuid.UUID, Path(title="被巡察对象编号")]
MemberId = Annotated[uuid.UUID, Path(title="名册条目编号")]
Reader = Annotated[
    Principal,
    roles_allowed(
        *service.ROSTER_READERS,
        why=(
            "只有巡察办、领导小组、纪委监委和组织部可以查看领导班子名册台账",
            "Only the office, the leadership, discipline and organization read the roster ledger",
        ),
    ),
]
Keeper = Annotated[
    Principal,
    roles_allowed(
        service.Role.office,
        why=(
            "只有巡察办可以维护领导班子名册",
            "Only the inspection office maintains the leadership roster",
        ),
    ),
]
Workbook = Annotated[UploadFile, File(title="领导班子名册（.xlsx 或 .csv）")]

#: The ledger's sort key: org code, start of term, entry id.
LEDGER_KEY: CursorKey[tuple[str, date, uuid.UUID]] = CursorKey(tuple[str, date, uuid.UUID])

COLUMNS: list[Column[RosterMemberRead]] = [
    Column("单位编码", lambda m: m.org_code),
    Column("单位名称", lambda m: m.org_name),
    Column("姓名", lambda m: m.name),
    Column("职务类别", lambda m: ROSTER_POST_LABELS_ZH[m.post]),
    Column("职务名称", lambda m: m.post_title or ""),
    Column("职级", lambda m: CADRE_RANK_LABELS_ZH[m.rank]),
    Column("任职起始日", lambda m: m.since),
    Column("离任日", lambda m: m.until),
    Column("是否在任", lambda m: "在任" if m.current else "已离任"),
    Column("平台账号", lambda m: m.account or ""),
    Column("联系电话", lambda m: m.phone or ""),
]


@router.get(
    "/orgs/{org_id}/roster",
    response_model=list[RosterMemberRead],
    summary="查看单位领导班子",
    description="在任成员在前（按职务排列），其后为历任成员。巡察办、领导小组、纪委监委、组织部"
    "可查看本辖区各单位；被巡察单位只能查看本单位。",
)
async def list_org_roster(
    org_id: OrgId,
    session: DbSession,
    principal: CurrentPrincipal,
    current: Annotated[bool | None, Query(title="是否在任", description="不填则含历任")] = None,
) -> list[RosterMemberRead]:
    return await service.org_roster(session, org_id=org_id, actor=principal, current=current)


@router.post(
    "/orgs/{org_id}/roster",
    status_code=status.HTTP_201_CREATED,
    response_model=RosterMemberRead,
    summary="登记班子成员",
    description="巡察办登记单位领导班子的一名成员（或补录已离任的历任成员）。"
    "书记、行政正职、纪检监察负责人、村书记、村主任每个单位同时只能有一人在任。"
    "可带 Idempotency-Key。",
    responses=conflict("该职务已有在任者，或此人已在任"),
)
async def add_roster_member(
    org_id: OrgId,
    body: RosterMemberCreate,
    session: DbSession,
    actor: Keeper,
    now: Now,
    idempotent: Idempotent,
    request: Request,
    response: Response,
) -> RosterMemberRead:
    member = await service.appoint_member(session, org_id=org_id, data=body, actor=actor, now=now)
    location = f"{request.url.path}/{member.id}"
    return await created(response, idempotent, member, location=location)


@router.patch(
    "/orgs/{org_id}/roster/{member_id}",
    response_model=RosterMemberRead,
    summary="修改班子成员信息",
    description="更正姓名、职务、职级、任职起始日、账号、电话。须带 If-Match。离任另用“登记离任”。",
    responses=VERSIONED | conflict("该职务已有在任者，或此人已在任"),
)
async def change_roster_member(
    org_id: OrgId,
    member_id: MemberId,
    body: RosterMemberUpdate,
    expected: ExpectedVersion,
    session: DbSession,
    actor: Keeper,
    now: Now,
    response: Response,
) -> RosterMemberRead:
    member = await service.change_member(
        session,
        org_id=org_id,
        member_id=member_id,
        data=body,
        expected_version=expected,
        actor=actor,
        now=now,
    )
    return versioned(response, member)


@router.post(
    "/orgs/{org_id}/roster/{member_id}/end",
    response_model=RosterMemberRead,
    summary="登记离任",
    description="成员在该职务的任期结束：记录离任日，条目保留为历任。须带 If-Match。",
    responses=VERSIONED | conflict("已离任"),
)
async def end_roster_term(
    org_id: OrgId,
    member_id: MemberId,
    body: RosterTermEnd,
    expected: ExpectedVersion,
    session: DbSession,
    actor: Keeper,
    now: Now,
    response: Response,
) -> RosterMemberRead:
    member = await service.end_term(
        session,
        org_id=org_id,
        member_id=member_id,
        data=body,
        expected_version=expected,
        actor=actor,
        now=now,
    )
    return versioned(response, member)


OrgFilter = Annotated[uuid.UUID | None, Query(title="单位编号")]
PostFilter = Annotated[list[RosterPost] | None, Query(title="职务类别")]
RankFilter = Annotated[list[CadreRank] | None, Query(title="职级")]
CurrentFilter = Annotated[
    bool | None, Query(title="是否在任", description="true 在任；false 已离任；不填为全部")
]
NameFilter = Annotated[str | None, Query(max_length=50, title="姓名包含")]


@router.get(
    "/roster",
    response_model=RosterMemberPage,
    summary="领导班子名册台账",
    description="本辖区各被巡察单位的班子成员，按单位编码、任职起始日排序，游标分页；"
    "可按单位、职务类别、职级、是否在任、姓名筛选。",
)
async def roster_ledger(
    session: DbSession,
    principal: Reader,
    paging: Paging,
    org_id: OrgFilter = None,
    post: PostFilter = None,
    rank: RankFilter = None,
    current: CurrentFilter = None,
    q: NameFilter = None,
) -> RosterMemberPage:
    rows, total = await repository.list_members(
        session,
        jurisdiction=principal.jurisdiction,
        org_id=org_id,
        posts=[p.value for p in post or []],
        ranks=[r.value for r in rank or []],
        current=current,
        q=q,
        after=LEDGER_KEY.decode(paging.cursor),
        limit=paging.limit + 1,
    )
    return paged(
        RosterMemberPage,
        rows,
        limit=paging.limit,
        total=total,
        cursor_of=lambda r: [r[1].code, r[0].since, r[0].id],
        read=lambda r: service.member_read(*r),
    )


@router.get(
    "/roster/export.xlsx",
    summary="导出领导班子名册（Excel）",
    description="与台账相同的筛选，全部记录一张工作表。",
    response_class=Response,
    responses=XLSX,
)
async def export_roster(
    session: DbSession,
    principal: Reader,
    org_id: OrgFilter = None,
    post: PostFilter = None,
    rank: RankFilter = None,
    current: CurrentFilter = None,
    q: NameFilter = None,
) -> Response:
    rows, _ = await repository.list_members(
        session,
        jurisdiction=principal.jurisdiction,
        org_id=org_id,
        posts=[p.value for p in post or []],
        ranks=[r.value for r in rank or []],
        current=current,
        q=q,
        limit=100_000,
    )
    members = [service.member_read(m, o) for m, o in rows]
    return xlsx_ledger(
        "领导班子名册",
        COLUMNS,
        members,
        filename="领导班子名册.xlsx",
        ascii_name="roster.xlsx",
        numbered=True,
    )


@router.post(
    "/roster/import",
    response_model=RosterImportReport,
    summary="批量导入领导班子名册（XLSX/CSV）",
    description="表头：单位编码、姓名、职务类别、职级、任职起始日（可选：职务名称、离任日、平台账号、"
    "联系电话）。同一单位、姓名、职务、任职起始日的条目按更新处理，其余新增。"
    "任何一行有错则整份不导入，并逐行逐列报告错误。",
)
async def import_roster(
    file: Workbook, session: DbSession, actor: Keeper, now: Now
) -> RosterImportReport:
    content = await read_upload(file)
    return await import_service.import_roster(
        session, content=content, filename=file.filename or "", actor=actor, now=now
    )
