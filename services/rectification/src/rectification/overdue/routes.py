"""HTTP routes: 逾期整改清单 The overdue work list (under the cards' tag, as it always was)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response
from xuncha_shared.db import DbSession
from xuncha_shared.exports import attachment, workbook
from xuncha_shared.http import CurrentPrincipal, Now
from xuncha_shared.web import ERRORS, XLSX

from rectification.access.policy import access_for
from rectification.overdue import service
from rectification.overdue.schemas import OverdueRead

router = APIRouter(tags=["cards"], responses=ERRORS)


@router.get(
    "/overdue",
    response_model=OverdueRead,
    summary="逾期整改清单",
    description="逾期未验收的整改任务，按被巡察对象分组，列出逾期的工作日数（按本辖区工作日日历）"
    "和自然日数；逾期最久的单位在前。可见范围同整改方案。",
)
async def list_overdue(
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    round_id: Annotated[uuid.UUID | None, Query(title="轮次编号")] = None,
    org_id: Annotated[uuid.UUID | None, Query(title="被巡察对象编号")] = None,
) -> OverdueRead:
    return await service.overdue(
        session, access=access_for(principal), now=now, round_id=round_id, org_id=org_id
    )


@router.get(
    "/overdue.xlsx",
    summary="导出逾期整改清单（XLSX）",
    description="筛选条件同“逾期整改清单”。",
    response_class=Response,
    responses=XLSX,
)
async def export_overdue(
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    round_id: Annotated[uuid.UUID | None, Query(title="轮次编号")] = None,
    org_id: Annotated[uuid.UUID | None, Query(title="被巡察对象编号")] = None,
) -> Response:
    listed = await service.overdue(
        session, access=access_for(principal), now=now, round_id=round_id, org_id=org_id
    )
    status_zh = {"open": "整改中", "claimed": "已申请销号待验收"}
    rows = (
        [
            o.org_name or str(o.org_id),
            t.category_name,
            t.description,
            t.responsible_person or "",
            t.owner_name or "",
            t.due_on.isoformat(),
            status_zh.get(t.status, t.status),
            t.workdays_overdue,
            t.days_overdue,
        ]
        for o in listed.orgs
        for t in o.tasks
    )
    headers = [
        "被巡察对象",
        "问题类别",
        "问题",
        "责任人",
        "领办领导",
        "整改时限",
        "状态",
        "逾期工作日",
        "逾期自然日",
    ]
    return attachment(
        workbook("逾期整改清单", headers, rows),
        filename="rectification-overdue.xlsx",
    )
