"""HTTP routes: 审计日志 The audit log, for the office (query and XLSX export)."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field
from xuncha_shared.db import DbSession
from xuncha_shared.exports import XLSX_MEDIA_TYPE, workbook
from xuncha_shared.http import (
    BadCursor,
    CurrentPrincipal,
    IsoDateTime,
    Now,
    Page,
    Paging,
    decode_cursor,
    split_page,
)

from clues.audit import service
from clues.audit.models import AuditEntry
from clues.audit.service import AuditFilter
from clues.ledger.access import require_keeper, viewer
from clues.ledger.routes import ERRORS

router = APIRouter(tags=["audit"], responses=ERRORS)


class AuditRead(BaseModel):
    seq: int = Field(title="序号")
    at: datetime = Field(title="时间")
    actor: str = Field(title="操作人账号")
    actor_roles: str = Field(title="角色")
    actor_org_id: str | None = Field(title="所属单位")
    action: str = Field(
        title="操作", description="propose、read、review、transfer、receipt、export …"
    )
    clue_id: uuid.UUID | None = Field(title="线索编号")
    detail: dict[str, object] = Field(title="说明（编号、状态和数量）")


AuditPage = Page[AuditRead]


def _filter(
    principal: CurrentPrincipal,
    clue_id: Annotated[uuid.UUID | None, Query(title="线索编号")] = None,
    actor: Annotated[str | None, Query(max_length=128, title="操作人账号")] = None,
    action: Annotated[str | None, Query(max_length=40, title="操作")] = None,
    since: Annotated[IsoDateTime | None, Query(title="起始时间（含）")] = None,
    until: Annotated[IsoDateTime | None, Query(title="截止时间（不含）")] = None,
) -> AuditFilter:
    require_keeper(viewer(principal), "查看审计日志", "read the audit log")
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


@router.get(
    "/audit-log",
    response_model=AuditPage,
    summary="查询审计日志",
    description="巡察办查询本辖区线索的每次查看和每次变更（谁、何时、何操作、哪条线索），按时间先后，"
    "游标分页。日志只增不改（数据库拒绝修改和删除）。",
)
async def query_log(session: DbSession, paging: Paging, where: Where) -> AuditPage:
    values = decode_cursor(paging.cursor, arity=1)
    after = None
    if values is not None:
        if not isinstance(values[0], int):
            raise BadCursor("分页游标无效", "The cursor is invalid", field="cursor")
        after = values[0]
    rows = await service.query(session, where, after=after, limit=paging.limit + 1)
    page, next_cursor = split_page(rows, paging.limit, lambda e: [e.seq])
    return AuditPage(items=[_read(e) for e in page], next_cursor=next_cursor)


@router.get(
    "/audit-log.xlsx",
    summary="导出审计日志（Excel）",
    description="按同样的条件导出审计日志；导出本身也记入日志。",
    response_class=Response,
    responses={200: {"content": {XLSX_MEDIA_TYPE: {}}, "description": "审计日志"}},
)
async def export_log(
    session: DbSession, principal: CurrentPrincipal, now: Now, where: Where
) -> Response:
    rows = await service.query(session, where, after=None, limit=None)
    content = workbook(
        "审计日志",
        ("序号", "时间", "操作人账号", "角色", "所属单位", "操作", "线索编号", "说明"),
        (
            (
                e.seq,
                e.at,
                e.actor,
                e.actor_roles,
                e.actor_org_id,
                e.action,
                str(e.clue_id) if e.clue_id else None,
                json.dumps(e.detail, ensure_ascii=False),
            )
            for e in rows
        ),
    )
    await service.record(
        session, actor=principal, action="audit_export", now=now, detail={"rows": len(rows)}
    )
    return Response(
        content,
        media_type=XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": "attachment; filename=clue-audit-log.xlsx"},
    )
