"""HTTP routes: 红黄牌预警 Warning cards, with the supervision and interview they bring."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from xuncha_shared.auth import Principal, Role
from xuncha_shared.db import DbSession
from xuncha_shared.events.rectification import CardColor
from xuncha_shared.exports import attachment, workbook
from xuncha_shared.http import CurrentPrincipal, Now, Page, Paging, split_page
from xuncha_shared.problems import NotFound, Unprocessable
from xuncha_shared.web import ERRORS, TIME_ID, XLSX, roles_allowed
from xuncha_shared.workdays import local_day

from rectification.access.policy import access_for
from rectification.access.repository import visible_plans, visible_tasks
from rectification.cards.models import Card, CardAction
from rectification.dates import calendar_of
from rectification.plans.models import Plan, Task
from rectification.plans.repository import org_names


class ActionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID = Field(title="编号")
    kind: str = Field(title="类型", description="supervision 现场督导；interview 约谈")
    due_on: date = Field(title="期限")
    done_on: date | None = Field(title="完成日期")
    note: str | None = Field(title="情况说明")


class CardRead(BaseModel):
    id: uuid.UUID = Field(title="预警编号")
    plan_id: uuid.UUID = Field(title="整改方案编号")
    round_id: uuid.UUID = Field(title="轮次编号")
    org_id: uuid.UUID = Field(title="被巡察对象编号")
    org_name: str | None = Field(title="被巡察对象名称")
    color: CardColor = Field(title="预警等级")
    reason_zh: str = Field(title="预警理由")
    raised_at: datetime = Field(title="发出时间")
    escalated_at: datetime | None = Field(title="升级为红牌时间")
    lifted_at: datetime | None = Field(title="解除时间")
    actions: list[ActionRead] = Field(title="督导与约谈")


CardPage = Page[CardRead]


class ActionDone(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "done_on": "2027-01-21",
                    "note": "县委巡察办会同县纪委监委第三监督检查室赴赵堡镇现场督导，"
                    "查阅整改台账，走访3个村，督促对逾期的4项任务制定补救措施。",
                }
            ]
        },
    )

    done_on: date = Field(title="完成日期")
    note: str | None = Field(default=None, max_length=4000, title="情况说明")


async def _reads(session: AsyncSession, cards: list[Card]) -> list[CardRead]:
    actions: dict[uuid.UUID, list[ActionRead]] = {c.id: [] for c in cards}
    if cards:
        for a in await session.scalars(
            select(CardAction)
            .where(col(CardAction.card_id).in_(list(actions)))
            .order_by(col(CardAction.due_on), col(CardAction.kind))
        ):
            actions[a.card_id].append(ActionRead.model_validate(a))
    names = await org_names(session, [c.org_id for c in cards])
    return [
        CardRead(
            id=c.id,
            plan_id=c.plan_id,
            round_id=c.round_id,
            org_id=c.org_id,
            org_name=names.get(c.org_id),
            color=CardColor(c.color),
            reason_zh=c.reason_zh,
            raised_at=c.raised_at,
            escalated_at=c.escalated_at,
            lifted_at=c.lifted_at,
            actions=actions[c.id],
        )
        for c in cards
    ]


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
) -> list[Any]:
    conditions: list[Any] = [
        col(Card.plan_id).in_(select(col(Plan.id)).where(visible_plans(access_for(principal))))
    ]
    if round_id is not None:
        conditions.append(col(Card.round_id) == round_id)
    if org_id is not None:
        conditions.append(col(Card.org_id) == org_id)
    if color is not None:
        conditions.append(col(Card.color) == color.value)
    if open_only:
        conditions.append(col(Card.lifted_at).is_(None))
    return conditions


CardFilter = Annotated[list[Any], Depends(card_filter)]


async def _cards(
    session: AsyncSession,
    conditions: list[Any],
    limit: int,
    after: tuple[datetime, uuid.UUID] | None = None,
) -> list[CardRead]:
    query = select(Card).where(*conditions)
    if after is not None:
        at, last = after
        query = query.where(
            or_(
                col(Card.raised_at) < at,
                and_(col(Card.raised_at) == at, col(Card.id) > last),
            )
        )
    cards = await session.scalars(
        query.order_by(col(Card.raised_at).desc(), col(Card.id)).limit(limit)
    )
    return await _reads(session, list(cards))


@router.get(
    "/cards",
    response_model=CardPage,
    summary="查询红黄牌预警",
    description="可见范围同整改方案；按发出时间倒序，游标分页，total 为符合条件的总数。",
)
async def list_cards(session: DbSession, where: CardFilter, paging: Paging) -> CardPage:
    cards = await _cards(session, where, paging.limit + 1, TIME_ID.decode(paging.cursor))
    page, next_cursor = split_page(cards, paging.limit, lambda c: [c.raised_at.isoformat(), c.id])
    total = await session.scalar(select(func.count()).select_from(Card).where(*where))
    return CardPage(items=page, next_cursor=next_cursor, total=int(total or 0))


@router.get(
    "/cards.xlsx",
    summary="导出红黄牌预警台账（XLSX）",
    description="筛选条件同“查询红黄牌预警”。",
    response_class=Response,
    responses=XLSX,
)
async def export_cards(session: DbSession, where: CardFilter) -> Response:
    cards = await _cards(session, where, 100_000)
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


async def _card(session: AsyncSession, card_id: uuid.UUID, principal: Principal) -> Card:
    card = await session.scalar(
        select(Card).where(
            col(Card.id) == card_id,
            col(Card.plan_id).in_(select(col(Plan.id)).where(visible_plans(access_for(principal)))),
        )
    )
    if card is None:
        raise NotFound("预警不存在或无权查看", "No such card", field="card_id")
    return card


@router.get("/cards/{card_id}", response_model=CardRead, summary="查看红黄牌预警")
async def get_card(
    card_id: Annotated[uuid.UUID, Path(title="预警编号")],
    session: DbSession,
    principal: CurrentPrincipal,
) -> CardRead:
    (result,) = await _reads(session, [await _card(session, card_id, principal)])
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
    card = await _card(session, card_id, actor)
    action = await session.scalar(
        select(CardAction)
        .where(col(CardAction.id) == action_id, col(CardAction.card_id) == card.id)
        .with_for_update()
    )
    if action is None:
        raise NotFound("督导或约谈记录不存在", "No such action", field="action_id")
    if body.done_on > local_day(now) or body.done_on < local_day(card.raised_at):
        raise Unprocessable(
            "完成日期应在预警发出之后、今天之前",
            "The date must be between the card and today",
            field="done_on",
            code="bad-done-on",
        )
    action.done_on, action.note, action.recorded_by = body.done_on, body.note, actor.subject
    await session.flush()
    (result,) = await _reads(session, [card])
    return result


class OverdueTask(BaseModel):
    """A task past its deadline and not accepted, with how late it is."""

    task_id: uuid.UUID = Field(title="整改任务编号")
    plan_id: uuid.UUID = Field(title="整改方案编号")
    round_id: uuid.UUID = Field(title="轮次编号")
    category_name: str = Field(title="问题类别")
    description: str = Field(title="问题描述")
    responsible_person: str | None = Field(title="责任人")
    owner_name: str | None = Field(title="领办领导")
    due_on: date = Field(title="整改时限")
    status: str = Field(title="状态", description="open 整改中；claimed 已申请销号待验收")
    workdays_overdue: int = Field(title="逾期工作日数", description="按本辖区工作日日历")
    days_overdue: int = Field(title="逾期自然日数")


class OverdueOrg(BaseModel):
    """One org's overdue tasks, the latest first."""

    org_id: uuid.UUID = Field(title="被巡察对象编号")
    org_name: str | None = Field(title="被巡察对象名称")
    count: int = Field(title="逾期任务数")
    worst_workdays: int = Field(title="最长逾期工作日数")
    tasks: list[OverdueTask] = Field(title="逾期任务")


class OverdueRead(BaseModel):
    """The overdue work list (逾期整改清单) by org, the most overdue org first."""

    as_of: date = Field(title="统计日期")
    total: int = Field(title="逾期任务总数")
    orgs: list[OverdueOrg] = Field(title="各单位逾期任务")


async def _overdue(
    session: AsyncSession,
    principal: Principal,
    now: datetime,
    round_id: uuid.UUID | None,
    org_id: uuid.UUID | None,
) -> OverdueRead:
    access = access_for(principal)
    today = local_day(now)
    query = select(Task).where(
        visible_tasks(access), col(Task.status) != "accepted", col(Task.due_on) < today
    )
    if round_id is not None:
        query = query.where(col(Task.round_id) == round_id)
    if org_id is not None:
        query = query.where(col(Task.org_id) == org_id)
    tasks = list(await session.scalars(query.order_by(col(Task.due_on), col(Task.id))))
    calendar = await calendar_of(session, access.jurisdiction)
    names = await org_names(session, [t.org_id for t in tasks])
    by_org: dict[uuid.UUID, list[OverdueTask]] = {}
    for t in tasks:
        assert t.due_on is not None
        by_org.setdefault(t.org_id, []).append(
            OverdueTask(
                task_id=t.id,
                plan_id=t.plan_id,
                round_id=t.round_id,
                category_name=t.category_name,
                description=t.description,
                responsible_person=t.responsible_person,
                owner_name=t.owner_name,
                due_on=t.due_on,
                status=t.status,
                workdays_overdue=calendar.workdays_between(t.due_on, today),
                days_overdue=(today - t.due_on).days,
            )
        )
    orgs = [
        OverdueOrg(
            org_id=org,
            org_name=names.get(org),
            count=len(items),
            worst_workdays=max(i.workdays_overdue for i in items),
            tasks=items,
        )
        for org, items in by_org.items()
    ]
    orgs.sort(key=lambda o: (-o.worst_workdays, -o.count, o.org_name or "", str(o.org_id)))
    return OverdueRead(as_of=today, total=len(tasks), orgs=orgs)


@router.get(
    "/overdue",
    response_model=OverdueRead,
    summary="逾期整改清单",
    description="逾期未验收的整改任务，按被巡察对象分组，列出逾期的工作日数（按本辖区工作日日历）"
    "和自然日数；逾期最久的单位在前。可见范围同整改方案。",
)
async def list_overdue(
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    round_id: Annotated[uuid.UUID | None, Query(title="轮次编号")] = None,
    org_id: Annotated[uuid.UUID | None, Query(title="被巡察对象编号")] = None,
) -> OverdueRead:
    return await _overdue(session, principal, now, round_id, org_id)


@router.get(
    "/overdue.xlsx",
    summary="导出逾期整改清单（XLSX）",
    description="筛选条件同“逾期整改清单”。",
    response_class=Response,
    responses=XLSX,
)
async def export_overdue(
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    round_id: Annotated[uuid.UUID | None, Query(title="轮次编号")] = None,
    org_id: Annotated[uuid.UUID | None, Query(title="被巡察对象编号")] = None,
) -> Response:
    listed = await _overdue(session, principal, now, round_id, org_id)
    status_zh = {"open": "整改中", "claimed": "已申请销号待验收"}
    rows = (
        [
            o.org_name or str(o.org_id),
            t.category_name,
            t.description,
            t.responsible_person or "",
            t.owner_name or "",
            t.due_on.isoformat(),
            status_zh.get(t.status, t.status),
            t.workdays_overdue,
            t.days_overdue,
        ]
        for o in listed.orgs
        for t in o.tasks
    )
    headers = [
        "被巡察对象",
        "问题类别",
        "问题",
        "责任人",
        "领办领导",
        "整改时限",
        "状态",
        "逾期工作日",
        "逾期自然日",
    ]
    return attachment(
        workbook("逾期整改清单", headers, rows),
        filename="rectification-overdue.xlsx",
    )
