"""HTTP routes: 期限与催办 Deadlines, letters and the monthly ledger review."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Response, status
from pydantic import BaseModel
from sqlalchemy import select
from sqlmodel import col
from xuncha_shared.db import DbSession
from xuncha_shared.events.clues import ClueStage
from xuncha_shared.exports import XLSX_MEDIA_TYPE
from xuncha_shared.http import CurrentPrincipal, IsoDate, Now, OptionalExpectedVersion, etag
from xuncha_shared.problems import NotFound

from clues.audit import service as audit
from clues.chase.limits import LimitsRead, LimitsWrite, effective_limits, local_day, save_limits
from clues.chase.models import ClueChaseLetter
from clues.chase.review import LedgerReview, ledger_review, review_workbook
from clues.deps import DefaultsDep
from clues.ledger import repository
from clues.ledger.access import readable, require_keeper, viewer
from clues.ledger.routes import CHANGE, ERRORS

router = APIRouter(tags=["chase"], responses=ERRORS)
DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class LetterRead(BaseModel):
    id: uuid.UUID
    clue_id: uuid.UUID
    stage: ClueStage
    step: str
    due_on: date
    doc_number: str | None
    addressee_org_id: uuid.UUID | None
    addressee_account: str | None
    issued_at: datetime


@router.get(
    "/deadline-settings",
    response_model=LimitsRead,
    summary="查看线索办理期限",
    description="本辖区的线索办理期限（工作日）：研判后移交、移交后签收、签收后首次报告进展、签收后办结，"
    "以及提醒函后发督办函的宽限期。未设置时为系统默认值（5、3、15、90、5）。",
)
async def get_limits(
    session: DbSession, principal: CurrentPrincipal, defaults: DefaultsDep, response: Response
) -> LimitsRead:
    result = await effective_limits(session, principal.jurisdiction, defaults)
    if result.version is not None:
        response.headers["ETag"] = etag(result.version)
    return result


@router.put(
    "/deadline-settings",
    response_model=LimitsRead,
    summary="设置线索办理期限",
    description="巡察办设置本辖区的期限。首次设置不带 If-Match（201），修改须带 If-Match。",
    responses={201: {"model": LimitsRead, "description": "已设置"}, **CHANGE},
)
async def put_limits(
    body: LimitsWrite,
    expected: OptionalExpectedVersion,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    defaults: DefaultsDep,
    response: Response,
) -> LimitsRead:
    require_keeper(viewer(principal), "设置线索办理期限", "set the handling limits")
    result, created = await save_limits(
        session, data=body, expected_version=expected, actor=principal, now=now, defaults=defaults
    )
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    assert result.version is not None
    response.headers["ETag"] = etag(result.version)
    return result


@router.get(
    "/clues/{clue_id}/letters",
    response_model=list[LetterRead],
    summary="线索的提醒函和督办函",
    description="巡察办和该线索的承办部门查看已发出的提醒函、督办函。",
)
async def list_letters(
    clue_id: Annotated[uuid.UUID, Path(title="线索编号")],
    session: DbSession,
    principal: CurrentPrincipal,
) -> list[LetterRead]:
    readable(viewer(principal), await repository.get_clue(session, clue_id))
    rows = (
        await session.scalars(
            select(ClueChaseLetter)
            .where(col(ClueChaseLetter.clue_id) == clue_id)
            .order_by(col(ClueChaseLetter.issued_at), col(ClueChaseLetter.id))
        )
    ).all()
    return [LetterRead.model_validate(r, from_attributes=True) for r in rows]


@router.get(
    "/letters/{letter_id}/document",
    summary="下载提醒函/督办函（Word）",
    description="函件正文（.docx），不含被反映人和问题内容。",
    response_class=Response,
    responses={200: {"content": {DOCX_MEDIA_TYPE: {}}, "description": "函件"}},
)
async def letter_document(
    letter_id: Annotated[uuid.UUID, Path(title="函件编号")],
    session: DbSession,
    principal: CurrentPrincipal,
) -> Response:
    letter = await session.get(ClueChaseLetter, letter_id)
    if letter is None or letter.docx is None:
        raise NotFound(
            "函件不存在或无权查看", "No such letter, or not yours to see", code="no-letter"
        )
    readable(viewer(principal), await repository.get_clue(session, letter.clue_id))
    return Response(
        letter.docx,
        media_type=DOCX_MEDIA_TYPE,
        headers={
            "Content-Disposition": "attachment; filename=letter.docx; "
            f"filename*=UTF-8''{quote((letter.doc_number or '函件') + '.docx')}"
        },
    )


async def _review(
    session: DbSession,
    principal: CurrentPrincipal,
    defaults: DefaultsDep,
    now: datetime,
    as_of: date | None,
) -> LedgerReview:
    require_keeper(viewer(principal), "梳理线索台账", "review the ledger")
    limits = await effective_limits(session, principal.jurisdiction, defaults)
    result = await ledger_review(
        session, jurisdiction=principal.jurisdiction, as_of=as_of or local_day(now), limits=limits
    )
    await audit.record(
        session,
        actor=principal,
        action="ledger_review",
        now=now,
        detail={"open": result.open_count},
    )
    return result


@router.get(
    "/ledger-review",
    response_model=LedgerReview,
    summary="线索台账月度梳理",
    description="巡察办每月集中梳理：每条未销号线索的已历时（工作日）、状态、下一步、下一期限、"
    "已超期环节和已发函件数。",
)
async def get_review(
    session: DbSession,
    principal: CurrentPrincipal,
    defaults: DefaultsDep,
    now: Now,
    as_of: Annotated[
        IsoDate | None, Query(title="梳理日期", description="默认今天（北京时间）")
    ] = None,
) -> LedgerReview:
    return await _review(session, principal, defaults, now, as_of)


@router.get(
    "/ledger-review.xlsx",
    summary="导出线索台账月度梳理（Excel）",
    response_class=Response,
    responses={200: {"content": {XLSX_MEDIA_TYPE: {}}, "description": "月度梳理"}},
)
async def get_review_xlsx(
    session: DbSession,
    principal: CurrentPrincipal,
    defaults: DefaultsDep,
    now: Now,
    as_of: Annotated[IsoDate | None, Query(title="梳理日期")] = None,
) -> Response:
    result = await _review(session, principal, defaults, now, as_of)
    return Response(
        review_workbook(result),
        media_type=XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": "attachment; filename=clue-ledger-review.xlsx"},
    )
