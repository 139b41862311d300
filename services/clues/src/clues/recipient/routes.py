"""HTTP routes: 承办部门接口 The receiving department's system: receipt, return, disposal,
progress, outcome. Each answers with the clue as the department sees it (the reconciliation
is ``clues.reconciliation``).

These writes take ``If-Match`` but no ``Idempotency-Key`` on purpose: a stored idempotent
response would keep the opened clue (the person named, the allegation) in clear in
``idempotency_keys``. A retried write gets 412 and reads the clue again instead."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Response
from xuncha_shared.db import DbSession
from xuncha_shared.events.clues import ClueStatus
from xuncha_shared.http import CurrentPrincipal, ExpectedVersion, Now
from xuncha_shared.web import ERRORS

from clues.deps import SealerDep
from clues.ledger.access import viewer
from clues.ledger.routes import STATE_CHANGE, answer_detail
from clues.ledger.schemas import ClueDetail, ClueState
from clues.ledger.stages import StageClockDep
from clues.recipient import service
from clues.recipient.schemas import (
    DisposalWrite,
    OutcomeWrite,
    ProgressWrite,
    ReceiptWrite,
    ReturnWrite,
)

router = APIRouter(tags=["recipient"], responses=ERRORS)
ClueId = Annotated[uuid.UUID, Path(title="线索编号")]


@router.post(
    "/clues/{clue_id}/receipt",
    response_model=ClueDetail,
    summary="签收线索",
    description="承办部门（或其系统服务账号）签收移交的线索：签收人、签收时间（不填为当前时间）。"
    "须带 If-Match（重试得到 412 时先读取最新状态）。",
    responses=STATE_CHANGE,
)
async def acknowledge(
    clue_id: ClueId,
    body: ReceiptWrite,
    expected: ExpectedVersion,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    sealer: SealerDep,
    clock: StageClockDep,
    response: Response,
) -> ClueDetail:
    await service.acknowledge(
        session,
        clue_id=clue_id,
        data=body,
        who=viewer(principal),
        expected_version=expected,
        now=now,
    )
    return await answer_detail(session, clue_id, principal, sealer, clock, now, response)


@router.post(
    "/clues/{clue_id}/return",
    response_model=ClueState,
    summary="退回补充材料",
    description="承办部门把线索退回巡察办补充材料（理由加密保存）；巡察办补充后重新研判。"
    "须带 If-Match（重试得到 412 时先读取最新状态）。",
    responses=STATE_CHANGE,
)
async def return_clue(
    clue_id: ClueId,
    body: ReturnWrite,
    expected: ExpectedVersion,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    sealer: SealerDep,
) -> ClueState:
    clue = await service.return_clue(
        session,
        clue_id=clue_id,
        data=body,
        who=viewer(principal),
        expected_version=expected,
        sealer=sealer,
        now=now,
    )
    # Returned, the clue is the office's again: the department gets the new status only.
    return ClueState(id=clue.id, status=ClueStatus(clue.status), version=clue.version)


@router.post(
    "/clues/{clue_id}/disposal",
    response_model=ClueDetail,
    summary="确定处置方式",
    description="谈话函询、初步核实、暂存待查、予以了结或立案审查；已签收的线索进入办理中。"
    "须带 If-Match（重试得到 412 时先读取最新状态）。",
    responses=STATE_CHANGE,
)
async def choose_disposal(
    clue_id: ClueId,
    body: DisposalWrite,
    expected: ExpectedVersion,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    sealer: SealerDep,
    clock: StageClockDep,
    response: Response,
) -> ClueDetail:
    await service.choose_disposal(
        session,
        clue_id=clue_id,
        data=body,
        who=viewer(principal),
        expected_version=expected,
        now=now,
    )
    return await answer_detail(session, clue_id, principal, sealer, clock, now, response)


@router.post(
    "/clues/{clue_id}/progress",
    response_model=ClueDetail,
    summary="报送办理进展",
    description="承办部门报送进展（内容加密保存）；首次报送结束“首次报告进展”期限。"
    "须带 If-Match（重试得到 412 时先读取最新状态）。",
    responses=STATE_CHANGE,
)
async def report_progress(
    clue_id: ClueId,
    body: ProgressWrite,
    expected: ExpectedVersion,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    sealer: SealerDep,
    clock: StageClockDep,
    response: Response,
) -> ClueDetail:
    await service.report_progress(
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
    "/clues/{clue_id}/outcome",
    response_model=ClueDetail,
    summary="报送办理结果（办结）",
    description="是否立案、党纪政务处分人数、组织处理人次、四种形态人次、挽回经济损失（元）。"
    "办理中的线索变为已办结，之后由巡察办销号。"
    "须带 If-Match（重试得到 412 时先读取最新状态）。",
    responses=STATE_CHANGE,
)
async def report_outcome(
    clue_id: ClueId,
    body: OutcomeWrite,
    expected: ExpectedVersion,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    sealer: SealerDep,
    clock: StageClockDep,
    response: Response,
) -> ClueDetail:
    await service.report_outcome(
        session,
        clue_id=clue_id,
        data=body,
        who=viewer(principal),
        expected_version=expected,
        sealer=sealer,
        now=now,
    )
    return await answer_detail(session, clue_id, principal, sealer, clock, now, response)
