"""HTTP routes: 线索管理台账 The clue ledger (office and proposing groups). Thin; the
authorization is per record (see ``ledger.access``)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status
from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Principal, Role
from xuncha_shared.db import DbSession
from xuncha_shared.events.clues import ClueStatus
from xuncha_shared.http import CurrentPrincipal, ExpectedVersion, Now, Paging, split_page
from xuncha_shared.idempotency import Idempotent
from xuncha_shared.web import (
    ERRORS,
    TIME_ID,
    VERSIONED,
    XLSX,
    conflict,
    created,
    roles_allowed,
    versioned,
)

from clues.audit import service as audit
from clues.crypto import Sealer
from clues.deps import DefaultsDep, SealerDep
from clues.ledger import repository, service, views
from clues.ledger.access import readable, require_list_access, viewer
from clues.ledger.export import ledger_export
from clues.ledger.recall import recall_transfer
from clues.ledger.repository import ClueFilter
from clues.ledger.schemas import (
    ClueCreate,
    ClueDetail,
    ClueReceipt,
    ClueSummaryPage,
    KeeperWrite,
    RecallWrite,
    ReviewWrite,
    TransferWrite,
)
from clues.ledger.stages import StageClock, StageClockDep

STATE_CHANGE = conflict("当前状态不允许此操作（列出可进行的操作）") | VERSIONED
"""A versioned write the clue's status may refuse (the 409 lists the allowed actions)."""

router = APIRouter(tags=["ledger"], responses=ERRORS)
ClueId = Annotated[uuid.UUID, Path(title="线索编号")]


@router.post(
    "/clues",
    status_code=status.HTTP_201_CREATED,
    response_model=ClueReceipt,
    summary="提出问题线索",
    description="巡察组成员就本组发现的问题（source_problem_id）或本组所在轮次的信访举报"
    "（source_report_id）提出线索，二者择一。被反映人、反映的问题和证据加密保存；提出后"
    "巡察组只能看到统计数据。来源尚未同步时返回 422。可带 Idempotency-Key。",
)
async def propose_clue(
    principal: Annotated[
        Principal,
        roles_allowed(
            Role.group,
            why=("只有巡察组成员可以提出问题线索", "Only inspection group members propose clues"),
        ),
    ],
    body: ClueCreate,
    session: DbSession,
    now: Now,
    sealer: SealerDep,
    idempotent: Idempotent,
    request: Request,
    response: Response,
) -> ClueReceipt:
    clue = await service.propose(session, data=body, who=viewer(principal), sealer=sealer, now=now)
    location = f"{request.url.path}/{clue.id}"
    return await created(
        response,
        idempotent,
        ClueReceipt(
            id=clue.id,
            status=ClueStatus(clue.status),
            version=clue.version,
            proposed_at=clue.proposed_at,
        ),
        location=location,
    )


def clue_filter(
    clock: StageClockDep,
    status_: Annotated[list[ClueStatus] | None, Query(alias="status", title="状态")] = None,
    round_id: Annotated[uuid.UUID | None, Query(title="轮次编号")] = None,
    term_id: Annotated[uuid.UUID | None, Query(title="届次编号")] = None,
    recipient_org_id: Annotated[uuid.UUID | None, Query(title="承办部门编号")] = None,
    keeper_account: Annotated[str | None, Query(max_length=128, title="线索管理人账号")] = None,
    priority: Annotated[bool | None, Query(title="绿色通道")] = None,
    overdue: Annotated[
        bool | None,
        Query(
            title="是否超期",
            description="true 只看有环节已超过工作日期限的；false 只看未超期的",
        ),
    ] = None,
) -> ClueFilter:
    return ClueFilter(
        statuses=[s.value for s in status_ or []],
        round_id=round_id,
        term_id=term_id,
        recipient_org_id=recipient_org_id,
        keeper_account=keeper_account,
        priority=priority,
        overdue=overdue,
        clock=clock,
    )


Filter = Annotated[ClueFilter, Depends(clue_filter)]


@router.get(
    "/clues",
    response_model=ClueSummaryPage,
    summary="线索台账",
    description="巡察办看本辖区全部线索；承办部门看移交给本单位的线索。列表不含被反映人和问题内容。"
    "每条线索带当前环节已历时（工作日）、下一期限和已超期环节，可按是否超期筛选。"
    "按提出时间倒序，游标分页，total 为符合条件的总数。",
)
async def list_clues(
    session: DbSession,
    principal: CurrentPrincipal,
    paging: Paging,
    where: Filter,
    clock: StageClockDep,
) -> ClueSummaryPage:
    who = viewer(principal)
    require_list_access(who)
    rows = await repository.list_clues(
        session,
        who=who,
        where=where,
        after=TIME_ID.decode(paging.cursor),
        limit=paging.limit + 1,
    )
    page, next_cursor = split_page(
        rows, paging.limit, lambda c: [c.proposed_at.isoformat(), str(c.id)]
    )
    return ClueSummaryPage(
        items=[views.summary(c, clock) for c in page],
        next_cursor=next_cursor,
        total=await repository.count_clues(session, who=who, where=where),
    )


@router.get(
    "/clues/export.xlsx",
    summary="导出线索台账（Excel）",
    description="巡察办线索管理人导出本辖区线索台账，含被反映人和反映的问题、当前环节已历时和"
    "超期情况；筛选条件同“线索台账”。导出写入审计日志。",
    response_class=Response,
    responses=XLSX,
)
async def export_ledger(
    principal: Annotated[
        Principal,
        roles_allowed(
            Role.office,
            why=(
                "只有巡察办可以导出线索台账",
                "Only the inspection office may export the clue ledger",
            ),
        ),
    ],
    session: DbSession,
    now: Now,
    sealer: SealerDep,
    where: Filter,
    clock: StageClockDep,
) -> Response:
    who = viewer(principal)
    rows = await repository.list_clues(session, who=who, where=where, after=None, limit=None)
    answer = ledger_export(rows, sealer, clock)
    await audit.record(
        session,
        actor=principal,
        action="export",
        now=now,
        detail={"clues": len(rows), "round_id": str(where.round_id) if where.round_id else None},
    )
    return answer


@router.get(
    "/clues/{clue_id}",
    response_model=ClueDetail,
    summary="查看线索详情",
    description="仅巡察办和该线索的承办部门可看（其他人得到 404）；每次查看写入审计日志。",
)
async def get_clue(
    clue_id: ClueId,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    sealer: SealerDep,
    clock: StageClockDep,
    response: Response,
) -> ClueDetail:
    who = viewer(principal)
    clue = readable(who, await repository.get_clue(session, clue_id))
    detail = await views.detail(session, clue=clue, who=who, sealer=sealer, clock=clock, now=now)
    return versioned(response, detail)


async def answer_detail(
    session: AsyncSession,
    clue_id: uuid.UUID,
    principal: Principal,
    sealer: Sealer,
    clock: StageClock,
    now: datetime,
    response: Response,
) -> ClueDetail:
    """The clue as the caller now sees it, after a change (the change itself is audited)."""
    who = viewer(principal)
    clue = readable(who, await repository.get_clue(session, clue_id))
    detail = await views.detail(
        session, clue=clue, who=who, sealer=sealer, clock=clock, now=now, audited=False
    )
    return versioned(response, detail)


@router.post(
    "/clues/{clue_id}/review",
    response_model=ClueDetail,
    summary="会商研判",
    description="巡察办记录“委领导+组办+关联室”会商研判：参加人、建议处置方式和适用形态；"
    "待研判或已退回的线索变为已研判。须带 If-Match。",
    responses=STATE_CHANGE,
)
async def review_clue(
    clue_id: ClueId,
    body: ReviewWrite,
    expected: ExpectedVersion,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    sealer: SealerDep,
    clock: StageClockDep,
    response: Response,
) -> ClueDetail:
    await service.review(
        session,
        clue_id=clue_id,
        data=body,
        who=viewer(principal),
        expected_version=expected,
        sealer=sealer,
        now=now,
    )
    return await answer_detail(session, clue_id, principal, sealer, clock, now, response)


@router.post(
    "/clues/{clue_id}/transfer",
    response_model=ClueDetail,
    summary="移交线索",
    description="巡察办把已研判的线索移交承办部门：默认纪委监委，选人用人问题移交组织部，"
    "也可移交其他部门。签收期限按本辖区设置的工作日计算。须带 If-Match。",
    responses=STATE_CHANGE,
)
async def transfer_clue(
    clue_id: ClueId,
    body: TransferWrite,
    expected: ExpectedVersion,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    sealer: SealerDep,
    clock: StageClockDep,
    defaults: DefaultsDep,
    response: Response,
) -> ClueDetail:
    await service.transfer(
        session,
        clue_id=clue_id,
        data=body,
        who=viewer(principal),
        expected_version=expected,
        defaults=defaults,
        now=now,
    )
    return await answer_detail(session, clue_id, principal, sealer, clock, now, response)


@router.post(
    "/clues/{clue_id}/recall",
    response_model=ClueDetail,
    summary="撤回移交",
    description="巡察办线索管理人撤回尚未签收的移交（如承办部门选错），须写明理由（保密）；线索回到"
    "已研判待移交，不再计入移交数，可重新移交。已签收的线索不能撤回。须带 If-Match。",
    responses=STATE_CHANGE,
)
async def recall_clue(
    clue_id: ClueId,
    body: RecallWrite,
    expected: ExpectedVersion,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    sealer: SealerDep,
    clock: StageClockDep,
    response: Response,
) -> ClueDetail:
    await recall_transfer(
        session,
        clue_id=clue_id,
        data=body,
        who=viewer(principal),
        expected_version=expected,
        sealer=sealer,
        now=now,
    )
    return await answer_detail(session, clue_id, principal, sealer, clock, now, response)


@router.put(
    "/clues/{clue_id}/keeper",
    response_model=ClueDetail,
    summary="指定线索管理人",
    description="巡察办把线索交给另一名管理人（每条线索一名）。须带 If-Match。",
    responses=STATE_CHANGE,
)
async def put_keeper(
    clue_id: ClueId,
    body: KeeperWrite,
    expected: ExpectedVersion,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    sealer: SealerDep,
    clock: StageClockDep,
    response: Response,
) -> ClueDetail:
    await service.set_keeper(
        session,
        clue_id=clue_id,
        data=body,
        who=viewer(principal),
        expected_version=expected,
        now=now,
    )
    return await answer_detail(session, clue_id, principal, sealer, clock, now, response)


@router.post(
    "/clues/{clue_id}/close",
    response_model=ClueDetail,
    summary="销号",
    description="巡察办对已办结（有办理结果）的线索销号。须带 If-Match。",
    responses=STATE_CHANGE,
)
async def close_clue(
    clue_id: ClueId,
    expected: ExpectedVersion,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    sealer: SealerDep,
    clock: StageClockDep,
    response: Response,
) -> ClueDetail:
    await service.close(
        session, clue_id=clue_id, who=viewer(principal), expected_version=expected, now=now
    )
    return await answer_detail(session, clue_id, principal, sealer, clock, now, response)
