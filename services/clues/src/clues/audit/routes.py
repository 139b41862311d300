"""HTTP routes: 审计日志 The audit log, for the office (query and XLSX export)."""

from __future__ import annotations

import json
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from xuncha_shared.auth import Principal, Role
from xuncha_shared.db import DbSession
from xuncha_shared.http import CurrentPrincipal, IsoDateTime, Now, Paging, split_page
from xuncha_shared.web import ERRORS, SEQ, XLSX, Column, roles_allowed, xlsx_ledger

from clues.audit import repository, service
from clues.audit.models import AuditEntry
from clues.audit.repository import AuditFilter
from clues.audit.schemas import AuditPage, AuditRead

router = APIRouter(tags=["audit"], responses=ERRORS)

Office = Annotated[
    Principal,
    roles_allowed(
        Role.office,
        why=(
            "只有巡察办可以查看审计日志",
            "Only the inspection office may read the audit log",
        ),
    ),
]


def _filter(
    principal: Office,
    clue_id: Annotated[uuid.UUID | None, Query(title="线索编号")] = None,
    actor: Annotated[str | None, Query(max_length=128, title="操作人账号")] = None,
    action: Annotated[str | None, Query(max_length=40, title="操作")] = None,
    since: Annotated[IsoDateTime | None, Query(title="起始时间（含）")] = None,
    until: Annotated[IsoDateTime | None, Query(title="截止时间（不含）")] = None,
) -> AuditFilter:
    return AuditFilter(
        jurisdiction=principal.jurisdiction,
        clue_id=clue_id,
        actor=actor,
        action=action,
        since=since,
        until=until,
    )


def _read(e: AuditEntry) -> AuditRead:
    assert e.seq is not None
    return AuditRead(
        seq=e.seq,
        at=e.at,
        actor=e.actor,
        actor_roles=e.actor_roles,
        actor_org_id=e.actor_org_id,
        action=e.action,
        clue_id=e.clue_id,
        detail=e.detail,
    )


Where = Annotated[AuditFilter, Depends(_filter)]

C = Column[AuditEntry]
COLUMNS = [
    C("序号", lambda e: e.seq),
    C("时间", lambda e: e.at),
    C("操作人账号", lambda e: e.actor),
    C("角色", lambda e: e.actor_roles),
    C("所属单位", lambda e: e.actor_org_id),
    C("操作", lambda e: e.action),
    C("线索编号", lambda e: str(e.clue_id) if e.clue_id else None),
    C("说明", lambda e: json.dumps(e.detail, ensure_ascii=False)),
]


@router.get(
    "/audit-log",
    response_model=AuditPage,
    summary="查询审计日志",
    description="巡察办查询本辖区线索的每次查看和每次变更（谁、何时、何操作、哪条线索），按时间先后，"
    "游标分页。日志只增不改（数据库拒绝修改和删除）。",
)
async def query_log(session: DbSession, paging: Paging, where: Where) -> AuditPage:
    after = SEQ.decode(paging.cursor)
    rows = await repository.query(
        session, where, after=after[0] if after else None, limit=paging.limit + 1
    )
    page, next_cursor = split_page(rows, paging.limit, lambda e: [e.seq])
    return AuditPage(items=[_read(e) for e in page], next_cursor=next_cursor)


@router.get(
    "/audit-log.xlsx",
    summary="导出审计日志（Excel）",
    description="按同样的条件导出审计日志；导出本身也记入日志。",
    response_class=Response,
    responses=XLSX,
)
async def export_log(
    session: DbSession, principal: CurrentPrincipal, now: Now, where: Where
) -> Response:
    rows = await repository.query(session, where, after=None, limit=None)
    answer = xlsx_ledger(
        "审计日志", COLUMNS, rows, filename="clue-audit-log.xlsx", ascii_name="clue-audit-log.xlsx"
    )
    await service.record(
        session, actor=principal, action="audit_export", now=now, detail={"rows": len(rows)}
    )
    return answer
