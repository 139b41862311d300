"""The holiday calendar over HTTP: read a year, enter a year, compute a deadline."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status
from xuncha_shared.auth import Forbidden, Principal, Role
from xuncha_shared.db import DbSession
from xuncha_shared.http import CurrentPrincipal, IsoDate, Now, OptionalExpectedVersion
from xuncha_shared.idempotency import Idempotent
from xuncha_shared.problems import ProblemDetail
from xuncha_shared.web import saved, versioned

from planning.calendar import service
from planning.calendar.schemas import CalendarYearRead, CalendarYearUpdate, DeadlineRead

# Years an office may enter or read; wide enough for any term of office, narrow enough
# that a typo (20277) is refused instead of stored.
MIN_YEAR, MAX_YEAR = 2000, 2100
# Ten years of working days; no rule in DOMAIN.md comes near it.
MAX_DEADLINE_DAYS = 2500

router = APIRouter(
    prefix="/calendar",
    tags=["calendar"],
    responses={
        401: {"model": ProblemDetail, "description": "未登录"},
        403: {"model": ProblemDetail, "description": "无权限"},
        422: {"model": ProblemDetail, "description": "输入有误"},
    },
)

Year = Annotated[int, Path(ge=MIN_YEAR, le=MAX_YEAR, title="年份")]


def _office(principal: Principal) -> Principal:
    if not principal.has(Role.office):
        raise Forbidden(
            "只有巡察办可以维护节假日安排", "Only the inspection office maintains the calendar"
        )
    return principal


# Declared before "/{year}" so that "deadline" is never read as a year.
@router.get(
    "/deadline",
    response_model=DeadlineRead,
    summary="计算工作日期限",
    description="从起算日（不计入）起数 N 个工作日，按本辖区的节假日安排计算。"
    "涉及尚无节假日数据的年份时按仅周末休息估算，并给出说明。",
)
async def get_deadline(
    session: DbSession,
    principal: CurrentPrincipal,
    start: Annotated[IsoDate, Query(title="起算日", description="YYYY-MM-DD，当天不计入")],
    days: Annotated[int, Query(ge=0, le=MAX_DEADLINE_DAYS, title="工作日数")],
) -> DeadlineRead:
    deadline = await service.compute_deadline(
        session, jurisdiction=principal.jurisdiction, start=start, days=days
    )
    return DeadlineRead(
        start=start,
        days=days,
        due=deadline.due,
        bases=sorted(deadline.bases),
        approximate=deadline.approximate,
        weekends_only_years=list(deadline.weekends_only_years),
        note_zh=deadline.note_zh,
        note_en=deadline.note_en,
    )


@router.get(
    "/{year}",
    response_model=CalendarYearRead,
    summary="查看某年节假日安排",
    description="巡察办录入的优先；未录入的用国务院公布的安排；都没有时按仅周末休息，并给出说明。",
)
async def get_calendar_year(
    year: Year, session: DbSession, principal: CurrentPrincipal, response: Response
) -> CalendarYearRead:
    result = await service.read_calendar_year(
        session, jurisdiction=principal.jurisdiction, year=year
    )
    return versioned(response, result)


@router.put(
    "/{year}",
    response_model=CalendarYearRead,
    status_code=status.HTTP_200_OK,
    summary="录入或修改某年节假日安排",
    description="巡察办录入整年的放假日期和调休上班日期，替代该年的官方数据，"
    "并通知其他服务。新录入时不带 If-Match（返回 201）；修改已录入的年份须带 If-Match。"
    "可带 Idempotency-Key。",
    responses={
        201: {"model": CalendarYearRead, "description": "已新录入"},
        412: {"model": ProblemDetail, "description": "已被他人修改"},
        428: {"model": ProblemDetail, "description": "缺少 If-Match"},
    },
)
async def put_calendar_year(
    year: Year,
    body: CalendarYearUpdate,
    expected: OptionalExpectedVersion,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    idempotent: Idempotent,
    response: Response,
) -> CalendarYearRead:
    row, created = await service.save_calendar_year(
        session,
        year=year,
        data=body,
        expected_version=expected,
        actor=_office(principal),
        now=now,
    )
    result = saved(response, service.office_year_read(row), created=created)
    await idempotent.remember(result, status_code=response.status_code)
    return result
