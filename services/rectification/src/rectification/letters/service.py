"""The interview notice a red card brings, numbered once and rendered in the
jurisdiction's template."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.documents import (
    LetterContent,
    chinese_date,
    format_document_number,
    load_template,
    render_letter,
    take_document_number,
)
from xuncha_shared.problems import Conflict, NotFound
from xuncha_shared.workdays import local_day

from rectification.access.policy import Access
from rectification.letters import repository
from rectification.models import DOCUMENT_NUMBERS, LETTER_TEMPLATES
from rectification.plans.repository import org_names
from rectification.rules.repository import effective_rules

KIND = "interview"
TITLE = "巡察整改约谈通知书"
SERIES = "巡整约"
KINDS = {KIND: TITLE}


async def interview_letter(
    session: AsyncSession, *, card_id: uuid.UUID, access: Access, now: datetime
) -> tuple[str, bytes]:
    """The red card's interview notice: its number and the rendered .docx."""
    card = await repository.card_for_update(session, card_id=card_id, access=access)
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
    actions = await repository.action_deadlines(session, card.id)
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
    return card.letter_number, render_letter(template, content)
