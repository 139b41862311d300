"""The interview notice (巡察整改约谈通知书) a red card brings: a numbered .docx letter to the
org, in the jurisdiction's template. The number (文号) is taken once, on the first request,
and kept on the card; later requests render the same letter again."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Response
from sqlalchemy import select
from sqlmodel import col
from xuncha_shared.auth import Principal, Role
from xuncha_shared.db import DbSession
from xuncha_shared.documents import (
    DOCX_MEDIA_TYPE,
    LetterContent,
    chinese_date,
    docx_response,
    format_document_number,
    load_template,
    render_letter,
    take_document_number,
)
from xuncha_shared.http import Now
from xuncha_shared.problems import Conflict, NotFound
from xuncha_shared.web import ERRORS, roles_allowed
from xuncha_shared.workdays import local_day

from rectification.access import access_for, visible_plans
from rectification.models import DOCUMENT_NUMBERS, LETTER_TEMPLATES, Card, CardAction, Plan
from rectification.plans.repository import org_names
from rectification.rules.service import effective_rules

KIND = "interview"
TITLE = "巡察整改约谈通知书"
SERIES = "巡整约"
KINDS = {KIND: TITLE}

router = APIRouter(tags=["cards"], responses=ERRORS)

LetterOffice = Annotated[
    Principal,
    roles_allowed(
        Role.office,
        why=(
            "只有巡察办可以生成约谈通知书",
            "Only the inspection office may issue interview notices",
        ),
    ),
]


@router.post(
    "/cards/{card_id}/interview-letter",
    summary="生成约谈通知书（.docx）",
    description="巡察办为红牌预警生成致被巡察党组织的约谈通知书：列明预警理由、约谈和现场督导期限，"
    "按本地区模板排版。首次生成时编发文号，以后再生成文号不变。",
    response_class=Response,
    responses={
        200: {"content": {DOCX_MEDIA_TYPE: {}}, "description": "约谈通知书"},
        409: {"description": "不是红牌预警"},
    },
)
async def interview_letter(
    card_id: Annotated[uuid.UUID, Path(title="预警编号")],
    session: DbSession,
    actor: LetterOffice,
    now: Now,
) -> Response:
    card = await session.scalar(
        select(Card)
        .where(
            col(Card.id) == card_id,
            col(Card.plan_id).in_(select(col(Plan.id)).where(visible_plans(access_for(actor)))),
        )
        .with_for_update()
    )
    if card is None:
        raise NotFound("预警不存在或无权查看", "No such card", field="card_id")
    if card.color != "red":
        raise Conflict(
            "只有红牌预警需要约谈", "Only a red card brings an interview", code="not-red"
        )
    rules = await effective_rules(session, card.jurisdiction)
    if card.letter_number is None or card.letter_on is None:
        today = local_day(now)
        number = await take_document_number(
            session,
            DOCUMENT_NUMBERS,
            jurisdiction=card.jurisdiction,
            series=SERIES,
            year=today.year,
        )
        card.letter_number = format_document_number(
            issuer_short=rules.issuer_short, series=SERIES, year=today.year, number=number
        )
        card.letter_on = today
        await session.flush()
    actions = {
        a.kind: a.due_on
        for a in await session.scalars(select(CardAction).where(col(CardAction.card_id) == card.id))
    }
    org = (await org_names(session, [card.org_id])).get(card.org_id, "你单位")
    body = [
        f"{org}：",
        "根据巡察整改红黄牌预警管理办法，你单位巡察整改工作已被亮“红牌”预警。预警理由如下。",
    ]
    if "interview" in actions:
        body.append(
            f"请你单位党组织主要负责人于{chinese_date(actions['interview'])}前接受约谈，"
            "书面说明整改滞后的原因和下一步措施。"
        )
    if "supervision" in actions:
        body.append(f"巡察机构将于{chinese_date(actions['supervision'])}前到你单位开展现场督导。")
    content = LetterContent(
        issuer=rules.issuer,
        doc_number=card.letter_number,
        title=f"关于对{org}巡察整改工作进行约谈的通知",
        addressee=org,
        body=body,
        items=card.reason_zh.split("；"),
        reply_deadline=actions.get("interview"),
        signed_by=rules.issuer,
        signed_on=card.letter_on,
    )
    template = await load_template(
        session, LETTER_TEMPLATES, jurisdiction=card.jurisdiction, kind=KIND, title_zh=TITLE
    )
    return docx_response(
        render_letter(template, content),
        f"{TITLE}（{card.letter_number}）.docx",
        fallback="interview-letter.docx",
        etag_value=None,
    )
