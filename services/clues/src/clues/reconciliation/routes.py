"""HTTP routes: 对账 Reconciliation, listed with the receiving department's API: the
department posts its ledger, the office (naming the department) or the department reads
the differences."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from xuncha_shared.db import DbSession
from xuncha_shared.http import CurrentPrincipal, Now
from xuncha_shared.web import ERRORS

from clues.ledger.access import viewer
from clues.reconciliation import service
from clues.reconciliation.schemas import LedgerPost, ReconciliationReport

router = APIRouter(tags=["recipient"], responses=ERRORS)


@router.put(
    "/reconciliation/ledger",
    response_model=ReconciliationReport,
    summary="报送部门台账并对账",
    description="承办部门报送本单位台账（线索编号、状态和办理数据），替换上次报送的台账，"
    "返回与巡察办台账的差异。",
)
async def post_ledger(
    body: LedgerPost, session: DbSession, principal: CurrentPrincipal, now: Now
) -> ReconciliationReport:
    who = viewer(principal)
    row = await service.post_ledger(session, data=body, who=who, now=now)
    return await service.reconciliation(session, who=who, recipient_org_id=row.recipient_org_id)


@router.get(
    "/reconciliation",
    response_model=ReconciliationReport,
    summary="对账结果",
    description="巡察办（指定承办部门）或承办部门（本单位）查看双方台账的差异：部门台账缺少的、"
    "巡察办未移交给该部门的、状态或办理数据不一致的。",
)
async def get_reconciliation(
    session: DbSession,
    principal: CurrentPrincipal,
    recipient_org_id: Annotated[uuid.UUID | None, Query(title="承办部门编号")] = None,
) -> ReconciliationReport:
    return await service.reconciliation(
        session, who=viewer(principal), recipient_org_id=recipient_org_id
    )
