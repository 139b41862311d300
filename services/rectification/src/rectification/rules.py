"""A jurisdiction's rectification rules: the rhythm (plan due, concentrated period, report),
the warning windows, the card rules and the rating weights. Documented defaults apply
until the office sets its own (ARCHITECTURE.md, "Deadlines": a setting, not a constant)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Self

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Forbidden, Principal, Role
from xuncha_shared.db import DbSession
from xuncha_shared.http import CurrentPrincipal, Now, OptionalExpectedVersion, check_version, etag
from xuncha_shared.problems import PreconditionFailed, PreconditionRequired, ProblemDetail

from rectification.models import RulesRow

Workdays = Annotated[int, Field(ge=0, le=250)]
Weight = Annotated[float, Field(ge=0, le=100)]


class RatingWeights(BaseModel):
    """Weights of the rating factors (量化评估); they need not sum to 100."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    on_time: Weight = Field(default=30, title="按期完成率权重")
    acceptance: Weight = Field(default=35, title="验收通过率权重")
    rejections: Weight = Field(default=15, title="验收退回情况权重")
    disclosure: Weight = Field(default=10, title="整改公开权重")
    institutions: Weight = Field(default=10, title="建章立制权重")

    @model_validator(mode="after")
    def _some_weight(self) -> Self:
        if sum(self.model_dump().values()) <= 0:
            raise ValueError("at least one weight must be positive")
        return self


class Rules(BaseModel):
    """Everything a jurisdiction may set; every field has a documented default."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={
            "examples": [
                {
                    "plan_due_workdays": 15,
                    "period_months": 1,
                    "report_due_workdays": 5,
                    "immediate_due_workdays": 10,
                    "warn_workdays_before": 3,
                    "yellow_lag_margin": 0.2,
                    "red_overdue_workdays": 10,
                    "red_rejections": 2,
                    "supervision_workdays": 5,
                    "interview_workdays": 10,
                    "weights": {
                        "on_time": 30,
                        "acceptance": 35,
                        "rejections": 15,
                        "disclosure": 10,
                        "institutions": 10,
                    },
                    "good_score": 85,
                    "fair_score": 60,
                    "issuer": "中共温县县委巡察工作领导小组办公室",
                    "issuer_short": "温",
                    "institutions_per_task": 0.2,
                }
            ]
        },
    )

    plan_due_workdays: Workdays = Field(
        default=15, title="整改方案报送期限（工作日）", description="自反馈之日起"
    )
    period_months: int = Field(
        default=1, ge=1, le=12, title="集中整改期（月）", description="自反馈之日起；温县为 1 个月"
    )
    report_due_workdays: Workdays = Field(
        default=5, title="整改报告报送期限（工作日）", description="集中整改期结束后"
    )
    immediate_due_workdays: Workdays = Field(
        default=10, title="立行立改问题默认期限（工作日）", description="自移交之日起"
    )
    warn_workdays_before: Workdays = Field(default=3, title="到期前提醒（工作日）")
    yellow_lag_margin: float = Field(
        default=0.2,
        ge=0,
        le=1,
        title="黄牌：完成率落后于时间进度的幅度",
        description="完成率比已过去的整改期比例低出此值即亮黄牌（0.2 即 20 个百分点）",
    )
    red_overdue_workdays: Workdays = Field(default=10, title="红牌：逾期超过（工作日）")
    red_rejections: int = Field(default=2, ge=1, le=20, title="红牌：同一任务验收退回次数")
    supervision_workdays: Workdays = Field(default=5, title="红牌后现场督导期限（工作日）")
    interview_workdays: Workdays = Field(default=10, title="红牌后约谈期限（工作日）")
    weights: RatingWeights = Field(default_factory=RatingWeights, title="评估权重")
    good_score: float = Field(default=85, ge=0, le=100, title="评为“好”的最低分")
    fair_score: float = Field(default=60, ge=0, le=100, title="评为“中”的最低分")
    issuer: str = Field(
        default="县委巡察工作领导小组办公室",
        min_length=1,
        max_length=60,
        title="发文机关",
        description="文书落款，如 中共温县县委巡察工作领导小组办公室",
    )
    issuer_short: str = Field(
        default="县",
        min_length=1,
        max_length=8,
        title="发文机关简称",
        description="文号前缀，如 温",
    )
    institutions_per_task: float = Field(
        default=0.1, gt=0, le=5, title="每项任务应建制度数", description="建章立制得分的基数"
    )

    @model_validator(mode="after")
    def _thresholds(self) -> Self:
        if self.fair_score > self.good_score:
            raise ValueError("fair_score must not exceed good_score")
        return self


class RulesRead(BaseModel):
    """The rules in force for a jurisdiction."""

    jurisdiction: str = Field(title="管辖范围")
    rules: Rules = Field(title="规则")
    is_default: bool = Field(title="是否系统默认值")
    version: int | None = Field(default=None, title="版本号")
    updated_at: datetime | None = Field(default=None, title="修改时间")
    updated_by: str | None = Field(default=None, title="修改人")


async def effective_rules(session: AsyncSession, jurisdiction: str) -> Rules:
    """The rules of ``jurisdiction`` (the defaults when the office has set none)."""
    row = await session.get(RulesRow, jurisdiction)
    return Rules() if row is None else Rules.model_validate(row.rules)


async def rules_by_jurisdiction(session: AsyncSession) -> dict[str, Rules]:
    """Every jurisdiction's own rules; the others use the defaults."""
    rows = await session.scalars(select(RulesRow))
    return {r.jurisdiction: Rules.model_validate(r.rules) for r in rows}


def _read(jurisdiction: str, row: RulesRow | None) -> RulesRead:
    if row is None:
        return RulesRead(jurisdiction=jurisdiction, rules=Rules(), is_default=True)
    return RulesRead(
        jurisdiction=jurisdiction,
        rules=Rules.model_validate(row.rules),
        is_default=False,
        version=row.version,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )


router = APIRouter(
    tags=["rules"],
    responses={
        401: {"model": ProblemDetail, "description": "未登录"},
        403: {"model": ProblemDetail, "description": "无权限"},
        422: {"model": ProblemDetail, "description": "输入有误"},
    },
)


@router.get(
    "/rules",
    response_model=RulesRead,
    summary="查看整改规则",
    description="本辖区的整改节奏、到期提醒、红黄牌规则和评估权重；未设置时为系统默认值。",
)
async def get_rules(
    session: DbSession, principal: CurrentPrincipal, response: Response
) -> RulesRead:
    row = await session.get(RulesRow, principal.jurisdiction)
    if row is not None:
        response.headers["ETag"] = etag(row.version)
    return _read(principal.jurisdiction, row)


@router.put(
    "/rules",
    response_model=RulesRead,
    summary="设置整改规则",
    description="巡察办设置本辖区的整改规则。首次设置不带 If-Match（返回 201），修改须带 If-Match。"
    "已生成的期限不变，此后反馈的整改方案按新规则计算。",
    responses={
        201: {"model": RulesRead, "description": "已设置"},
        412: {"model": ProblemDetail, "description": "已被他人修改"},
        428: {"model": ProblemDetail, "description": "缺少 If-Match"},
    },
)
async def put_rules(
    body: Rules,
    expected: OptionalExpectedVersion,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    response: Response,
) -> RulesRead:
    actor = _office(principal)
    row = await session.get(RulesRow, actor.jurisdiction, with_for_update=True)
    if row is None:
        if expected is not None:
            raise PreconditionFailed(
                "本辖区尚未设置整改规则，新设时不带 If-Match",
                "No rules exist yet; send no If-Match to create them",
                field="If-Match",
            )
        row = RulesRow(
            jurisdiction=actor.jurisdiction,
            rules=body.model_dump(mode="json"),
            updated_at=now,
            updated_by=actor.subject,
        )
        session.add(row)
        response.status_code = status.HTTP_201_CREATED
    else:
        if expected is None:
            raise PreconditionRequired(
                "修改整改规则须带 If-Match 请求头（上次读取的 ETag）",
                "Changing the rules needs If-Match with the ETag you read",
                field="If-Match",
            )
        check_version(row.version, expected)
        row.rules = body.model_dump(mode="json")
        row.version += 1
        row.updated_at, row.updated_by = now, actor.subject
    await session.flush()
    response.headers["ETag"] = etag(row.version)
    return _read(actor.jurisdiction, row)


def _office(principal: Principal) -> Principal:
    if not principal.has(Role.office):
        raise Forbidden("只有巡察办可以设置整改规则", "Only the inspection office sets the rules")
    return principal
