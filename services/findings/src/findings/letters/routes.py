"""HTTP routes: 提醒函、建议书、督办函 letters, and the letter templates."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response, status
from sqlalchemy import ColumnElement
from sqlmodel import col
from xuncha_shared.db import DbSession
from xuncha_shared.documents import DOCX_MEDIA_TYPE, letter_templates_router
from xuncha_shared.events.findings import LetterKind
from xuncha_shared.exports import XLSX_MEDIA_TYPE, attachment, workbook
from xuncha_shared.http import CurrentPrincipal, Now, Paging, split_page
from xuncha_shared.idempotency import Idempotent
from xuncha_shared.web import ERRORS, TIME_ID, XLSX, conflict
from xuncha_shared.workdays import local_day

from findings.letters import repository, service
from findings.letters.models import Letter
from findings.letters.schemas import (
    TITLES_ZH,
    LetterCreate,
    LetterPage,
    LetterRead,
    LetterReplyWrite,
)
from findings.models import LETTER_TEMPLATES

router = APIRouter(tags=["letters"], responses=ERRORS)
LetterId = Annotated[uuid.UUID, Path(title="函件编号")]
templates_router = letter_templates_router(
    LETTER_TEMPLATES, kinds={k.value: v for k, v in TITLES_ZH.items()}
)


@router.post(
    "/letters",
    status_code=status.HTTP_201_CREATED,
    response_model=LetterRead,
    summary="发出函件",
    description="巡察办就若干问题发函：提醒函（reminder，发上级党委或主管部门，限期书面回复）、建议书"
    "（recommendation，就共性问题发行业主管部门，抄报分管县级领导）、督办函（supervision，发乡镇督办典型问题）。"
    "文号按本辖区、类型（巡提、巡建、巡督）和年度连续编号，"
    "按本辖区模板生成 Word 文书；发布“函件已发出”事件。可带 Idempotency-Key（重试不会重复编号）。",
)
async def send_letter(
    body: LetterCreate,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    idempotent: Idempotent,
) -> LetterRead:
    letter = await service.send_letter(session, data=body, actor=principal, now=now)
    (result,) = await service.reads(session, [letter])
    await idempotent.remember(result, status_code=201)
    return result


@dataclass(frozen=True)
class LetterFilter:
    kind: LetterKind | None = None
    round_id: uuid.UUID | None = None
    term_id: uuid.UUID | None = None
    addressee_org_id: uuid.UUID | None = None
    replied: bool | None = None
    overdue: bool | None = None


def _filter(
    kind: Annotated[LetterKind | None, Query(title="函件类型")] = None,
    round_id: Annotated[uuid.UUID | None, Query(title="轮次编号")] = None,
    term_id: Annotated[uuid.UUID | None, Query(title="届次编号")] = None,
    addressee_org_id: Annotated[uuid.UUID | None, Query(title="主送单位编号")] = None,
    replied: Annotated[bool | None, Query(title="是否已回复")] = None,
    overdue: Annotated[bool | None, Query(title="是否逾期未回复")] = None,
) -> LetterFilter:
    return LetterFilter(
        kind=kind,
        round_id=round_id,
        term_id=term_id,
        addressee_org_id=addressee_org_id,
        replied=replied,
        overdue=overdue,
    )


Filter = Annotated[LetterFilter, Depends(_filter)]


def _conditions(
    principal: CurrentPrincipal, f: LetterFilter, now: Now
) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = [repository.visibility(principal)]
    kind, overdue = f.kind, f.overdue
    if kind is not None:
        out.append(col(Letter.kind) == kind.value)
    if f.round_id is not None:
        out.append(col(Letter.round_id) == f.round_id)
    if f.term_id is not None:
        out.append(col(Letter.term_id) == f.term_id)
    if f.addressee_org_id is not None:
        out.append(col(Letter.addressee_org_id) == f.addressee_org_id)
    if f.replied is not None:
        answered = col(Letter.replied_at).is_not(None)
        out.append(answered if f.replied else ~answered)
    if overdue is not None:
        today = local_day(now)
        late = col(Letter.replied_at).is_(None) & (col(Letter.reply_due_on) < today)
        out.append(late if overdue else ~late)
    return out


@router.get(
    "/letters",
    response_model=LetterPage,
    summary="函件台账",
    description="巡察办、领导小组看本辖区的；部门看主送本单位的；分管领导看抄报本人的。"
    "可按类型、轮次、届次、主送单位、是否已回复、是否逾期未回复筛选。",
)
async def list_letters(
    session: DbSession,
    principal: CurrentPrincipal,
    paging: Paging,
    now: Now,
    f: Filter,
) -> LetterPage:
    conditions = _conditions(principal, f, now)
    total = await repository.count(session, conditions)
    rows = await repository.page(
        session, conditions, after=TIME_ID.decode(paging.cursor), limit=paging.limit + 1
    )
    page, next_cursor = split_page(rows, paging.limit, lambda x: [x.sent_at.isoformat(), str(x.id)])
    return LetterPage(
        items=await service.reads(session, page), next_cursor=next_cursor, total=total
    )


@router.get(
    "/letters.xlsx",
    summary="导出函件台账（Excel）",
    description="与函件台账相同的筛选和可见范围。",
    response_class=Response,
    responses=XLSX,
)
async def export_letters(
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    f: Filter,
) -> Response:
    rows = await repository.ledger(session, _conditions(principal, f, now), limit=20_000)
    content = workbook(
        "函件台账",
        ("序号", "文号", "类型", "标题", "主送", "抄报", "发出时间", "回复期限", "回复时间"),
        (
            (
                i,
                x.doc_number,
                TITLES_ZH[LetterKind(x.kind)],
                x.title,
                x.addressee_name,
                "、".join(x.copy_to_names),
                x.sent_at,
                x.reply_due_on,
                x.replied_at,
            )
            for i, x in enumerate(rows, start=1)
        ),
    )
    return attachment(
        content, media_type=XLSX_MEDIA_TYPE, ascii_name="letters.xlsx", filename="函件台账.xlsx"
    )


@router.get("/letters/{letter_id}", response_model=LetterRead, summary="查看函件")
async def get_letter(
    letter_id: LetterId, session: DbSession, principal: CurrentPrincipal
) -> LetterRead:
    (result,) = await service.reads(
        session, [await service.get_letter(session, letter_id=letter_id, actor=principal)]
    )
    return result


@router.get(
    "/letters/{letter_id}/docx",
    summary="下载函件（Word）",
    response_class=Response,
    responses={200: {"content": {DOCX_MEDIA_TYPE: {}}, "description": "Word 文件"}},
)
async def download_letter(
    letter_id: LetterId, session: DbSession, principal: CurrentPrincipal
) -> Response:
    letter = await service.get_letter(session, letter_id=letter_id, actor=principal)
    return attachment(
        letter.docx,
        media_type=DOCX_MEDIA_TYPE,
        ascii_name="letter.docx",
        filename=f"{letter.doc_number}.docx",
    )


@router.post(
    "/letters/{letter_id}/reply",
    response_model=LetterRead,
    summary="记录书面回复",
    description="主送单位（令牌 org 为主送单位）或巡察办代为记录回复，只能一次；"
    "逾期回复在事件中标明。",
    responses=conflict("状态不允许"),
)
async def reply_letter(
    letter_id: LetterId,
    body: LetterReplyWrite,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
) -> LetterRead:
    letter = await service.get_letter(
        session, letter_id=letter_id, actor=principal, for_update=True
    )
    letter = await service.reply(session, letter=letter, data=body, actor=principal, now=now)
    (result,) = await service.reads(session, [letter])
    return result
