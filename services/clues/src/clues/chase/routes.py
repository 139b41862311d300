"""HTTP routes: 期限与催办 Deadlines, letters and the monthly ledger review."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status
from xuncha_shared.auth import Principal, Role
from xuncha_shared.db import DbSession
from xuncha_shared.exports import attachment
from xuncha_shared.http import CurrentPrincipal, IsoDate, Now, OptionalExpectedVersion
from xuncha_shared.problems import NotFound
from xuncha_shared.web import ERRORS, XLSX, roles_allowed, versioned
from xuncha_shared.workdays import local_day

from clues.chase import repository, service
from clues.chase.review import review_export
from clues.chase.schemas import LedgerReview, LetterRead, LimitsRead, LimitsWrite
from clues.deps import DefaultsDep
from clues.ledger import repository as ledger
from clues.ledger.access import readable, viewer
from clues.ledger.routes import STATE_CHANGE

router = APIRouter(tags=["chase"], responses=ERRORS)
DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

LimitsKeeper = Annotated[
    Principal,
    roles_allowed(
        Role.office,
        why=(
            "只有巡察办可以设置线索办理期限",
            "Only the inspection office may set the handling limits",
        ),
    ),
]
Reviewer = Annotated[
    Principal,
    roles_allowed(
        Role.office,
        why=(
            "只有巡察办可以梳理线索台账",
            "Only the inspection office may review the ledger",
        ),
    ),
]


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
    row = await repository.deadline_settings(session, principal.jurisdiction)
    if row is not None:  # the defaults have no version to match
        versioned(response, row)
    return service.limits_read(principal.jurisdiction, row, defaults)


@router.put(
    "/deadline-settings",
    response_model=LimitsRead,
    summary="设置线索办理期限",
    description="巡察办设置本辖区的期限。首次设置不带 If-Match（201），修改须带 If-Match。",
    responses={201: {"model": LimitsRead, "description": "已设置"}, **STATE_CHANGE},
)
async def put_limits(
    principal: LimitsKeeper,
    body: LimitsWrite,
    expected: OptionalExpectedVersion,
    session: DbSession,
    now: Now,
    defaults: DefaultsDep,
    response: Response,
) -> LimitsRead:
    row, created = await service.save_limits(
        session, data=body, expected_version=expected, actor=principal, now=now
    )
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return service.limits_read(principal.jurisdiction, versioned(response, row), defaults)


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
    readable(viewer(principal), await ledger.get_clue(session, clue_id))
    rows = await repository.letters_of(session, clue_id)
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
    letter = await repository.get_letter(session, letter_id)
    if letter is None or letter.docx is None:
        raise NotFound(
            "函件不存在或无权查看", "No such letter, or not yours to see", code="no-letter"
        )
    readable(viewer(principal), await ledger.get_clue(session, letter.clue_id))
    return attachment(
        letter.docx,
        filename=(letter.doc_number or "函件") + ".docx",
        media_type=DOCX_MEDIA_TYPE,
        ascii_name="letter.docx",
    )


@router.get(
    "/ledger-review",
    response_model=LedgerReview,
    summary="线索台账月度梳理",
    description="巡察办每月集中梳理：每条未销号线索的已历时（工作日）、状态、下一步、下一期限、"
    "已超期环节和已发函件数。",
)
async def get_review(
    principal: Reviewer,
    session: DbSession,
    defaults: DefaultsDep,
    now: Now,
    as_of: Annotated[
        IsoDate | None, Query(title="梳理日期", description="默认今天（北京时间）")
    ] = None,
) -> LedgerReview:
    return await service.monthly_review(
        session, actor=principal, as_of=as_of or local_day(now), now=now, defaults=defaults
    )


@router.get(
    "/ledger-review.xlsx",
    summary="导出线索台账月度梳理（Excel）",
    response_class=Response,
    responses=XLSX,
)
async def get_review_xlsx(
    principal: Reviewer,
    session: DbSession,
    defaults: DefaultsDep,
    now: Now,
    as_of: Annotated[IsoDate | None, Query(title="梳理日期")] = None,
) -> Response:
    result = await service.monthly_review(
        session, actor=principal, as_of=as_of or local_day(now), now=now, defaults=defaults
    )
    return review_export(result)
