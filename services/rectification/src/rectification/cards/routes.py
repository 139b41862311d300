"""HTTP routes: 红黄牌预警 Warning cards, with the supervision and interview they bring."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response
from xuncha_shared.auth import Principal, Role
from xuncha_shared.db import DbSession
from xuncha_shared.events.rectification import CardColor
from xuncha_shared.exports import attachment, workbook
from xuncha_shared.http import CurrentPrincipal, Now, Paging, split_page
from xuncha_shared.web import ERRORS, TIME_ID, XLSX, roles_allowed

from rectification.access.policy import access_for
from rectification.cards import repository, service
from rectification.cards.repository import CardFilter
from rectification.cards.schemas import ActionDone, CardPage, CardRead

router = APIRouter(tags=["cards"], responses=ERRORS)

ActionOffice = Annotated[
    Principal,
    roles_allowed(
        Role.office,
        why=(
            "只有巡察办可以登记督导和约谈",
            "Only the inspection office may record supervision and interviews",
        ),
    ),
]


def card_filter(
    principal: CurrentPrincipal,
    round_id: Annotated[uuid.UUID | None, Query(title="轮次编号")] = None,
    org_id: Annotated[uuid.UUID | None, Query(title="被巡察对象编号")] = None,
    color: Annotated[CardColor | None, Query(title="预警等级")] = None,
    open_only: Annotated[bool, Query(alias="open", title="只看未解除的")] = False,
) -> CardFilter:
    return CardFilter(
        access=access_for(principal),
        round_id=round_id,
        org_id=org_id,
        color=color.value if color is not None else None,
        open_only=open_only,
    )


Filter = Annotated[CardFilter, Depends(card_filter)]


@router.get(
    "/cards",
    response_model=CardPage,
    summary="查询红黄牌预警",
    description="可见范围同整改方案；按发出时间倒序，游标分页，total 为符合条件的总数。",
)
async def list_cards(session: DbSession, where: Filter, paging: Paging) -> CardPage:
    rows = await repository.list_cards(
        session, where, limit=paging.limit + 1, after=TIME_ID.decode(paging.cursor)
    )
    cards = await service.card_reads(session, rows)
    page, next_cursor = split_page(cards, paging.limit, lambda c: [c.raised_at.isoformat(), c.id])
    total = await repository.count_cards(session, where)
    return CardPage(items=page, next_cursor=next_cursor, total=total)


@router.get(
    "/cards.xlsx",
    summary="导出红黄牌预警台账（XLSX）",
    description="筛选条件同“查询红黄牌预警”。",
    response_class=Response,
    responses=XLSX,
)
async def export_cards(session: DbSession, where: Filter) -> Response:
    cards = await service.card_reads(
        session, await repository.list_cards(session, where, limit=100_000)
    )
    color_zh = {"yellow": "黄牌", "red": "红牌"}
    kind_zh = {"supervision": "现场督导", "interview": "约谈"}

    def actions(c: CardRead) -> str:
        return "；".join(
            f"{kind_zh.get(a.kind, a.kind)}（期限{a.due_on}"
            + (f"，{a.done_on}完成）" if a.done_on else "，未完成）")
            for a in c.actions
        )

    rows = (
        [
            i,
            c.org_name or str(c.org_id),
            color_zh[c.color.value],
            c.reason_zh,
            c.raised_at.isoformat(timespec="minutes"),
            c.escalated_at.isoformat(timespec="minutes") if c.escalated_at else "",
            c.lifted_at.isoformat(timespec="minutes") if c.lifted_at else "",
            actions(c),
        ]
        for i, c in enumerate(cards, start=1)
    )
    headers = [
        "序号",
        "被巡察对象",
        "预警等级",
        "预警理由",
        "发出时间",
        "升级时间",
        "解除时间",
        "督导与约谈",
    ]
    return attachment(workbook("红黄牌预警", headers, rows), filename="rectification-cards.xlsx")


@router.get("/cards/{card_id}", response_model=CardRead, summary="查看红黄牌预警")
async def get_card(
    card_id: Annotated[uuid.UUID, Path(title="预警编号")],
    session: DbSession,
    principal: CurrentPrincipal,
) -> CardRead:
    card = await service.get_card(session, card_id=card_id, access=access_for(principal))
    (result,) = await service.card_reads(session, [card])
    return result


@router.post(
    "/cards/{card_id}/actions/{action_id}/done",
    response_model=CardRead,
    summary="登记督导或约谈完成",
    description="巡察办登记红牌带来的现场督导或约谈已经完成（日期和情况说明）。",
)
async def action_done(
    card_id: Annotated[uuid.UUID, Path(title="预警编号")],
    action_id: Annotated[uuid.UUID, Path(title="督导或约谈编号")],
    body: ActionDone,
    session: DbSession,
    actor: ActionOffice,
    now: Now,
) -> CardRead:
    card = await service.get_card(session, card_id=card_id, access=access_for(actor))
    await service.record_action_done(
        session, card=card, action_id=action_id, data=body, actor=actor, now=now
    )
    (result,) = await service.card_reads(session, [card])
    return result
