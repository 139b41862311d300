"""API schemas of terms: TermCreate / TermUpdate / TermRead, scope changes and the coverage
report (CoverageRead)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field
from xuncha_shared.http import Page
from xuncha_shared.orgs import OrgKind
from xuncha_shared.patch import Patch

from planning.rounds.schemas import PaceRead

# One request adds at most this many orgs; a county has a few hundred.
MAX_SCOPE_CHANGE = 2000


class TermCreate(BaseModel):
    """A term (届) to plan; its scope is every active org of the jurisdiction unless given."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "name": "十四届县委",
                    "starts_on": "2026-09-01",
                    "ends_on": "2031-08-31",
                    "planned_rounds": 15,
                    "org_ids": [
                        "b707b14b-57d0-4470-8b74-00bb79b8800c",
                        "465b8d27-a324-46e2-b20c-0d746288aa4d",
                        "acb54f71-3fb1-4de5-8b0d-919f6dd813d9",
                        "5366098f-21eb-4122-b11b-097bcd3358c2",
                    ],
                }
            ]
        },
    )

    name: str = Field(min_length=1, max_length=50, title="名称", description="如 十三届县委")
    starts_on: date = Field(title="起始日期")
    ends_on: date = Field(title="结束日期", description="须晚于起始日期")
    planned_rounds: int = Field(ge=1, le=100, title="计划轮数", description="如 5 年 × 每年 3 轮")
    org_ids: list[uuid.UUID] | None = Field(
        default=None,
        max_length=MAX_SCOPE_CHANGE,
        title="应巡对象",
        description="不填则为本辖区被巡察对象库中全部在册的党组织",
    )


class TermUpdate(Patch):
    """Fields to change; omitted fields stay as they are."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "name": "十四届县委",
                    "starts_on": "2026-09-01",
                    "ends_on": "2031-08-31",
                    "planned_rounds": 14,
                }
            ]
        },
    )

    name: str | None = Field(default=None, min_length=1, max_length=50, title="名称")
    starts_on: date | None = Field(default=None, title="起始日期")
    ends_on: date | None = Field(default=None, title="结束日期")
    planned_rounds: int | None = Field(default=None, ge=1, le=100, title="计划轮数")


class TermRead(BaseModel):
    """A term and the size of its plan."""

    id: uuid.UUID = Field(title="编号")
    jurisdiction: str = Field(title="管辖范围")
    name: str = Field(title="名称")
    starts_on: date = Field(title="起始日期")
    ends_on: date = Field(title="结束日期")
    planned_rounds: int = Field(title="计划轮数")
    orgs_in_scope: int = Field(title="应巡对象数")
    rounds: int = Field(title="已安排轮数")
    version: int = Field(title="版本号")
    created_at: datetime = Field(title="建立时间")
    updated_at: datetime = Field(title="更新时间")


TermPage = Page[TermRead]


class ScopeAdd(BaseModel):
    """Orgs to bring into a term's scope."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "org_ids": [
                        "ffb43c44-cdf4-4b71-aad0-a26a3bdd528d",
                        "e9bfcb3b-a019-40d8-ac42-960386aa5853",
                    ]
                }
            ]
        },
    )

    org_ids: list[uuid.UUID] = Field(
        min_length=1, max_length=MAX_SCOPE_CHANGE, title="被巡察对象编号"
    )


class ScopeChangeRead(BaseModel):
    """What a scope change did."""

    added: int = Field(title="新增数")
    already_in_scope: int = Field(title="原已在范围内")
    orgs_in_scope: int = Field(title="调整后的应巡对象数")


class ScopeOrgRead(BaseModel):
    """An org in a term's scope and whether it has been inspected yet."""

    org_id: uuid.UUID = Field(title="被巡察对象编号")
    code: str = Field(title="编码")
    name: str = Field(title="名称")
    kind: OrgKind = Field(title="类型")
    parent_id: uuid.UUID | None = Field(title="上级组织编号")
    parent_name: str | None = Field(title="上级组织名称")
    covered: bool = Field(title="是否已巡察", description="已有巡察任务所在轮次到达反馈阶段")
    round_numbers: list[int] = Field(
        title="安排的轮次", description="本届中安排了该对象的轮次序号（含尚未反馈的）"
    )


ScopeOrgPage = Page[ScopeOrgRead]


class KindCoverageRead(BaseModel):
    """Coverage of one kind of org."""

    kind: OrgKind = Field(title="类型")
    kind_zh: str = Field(title="类型（中文）")
    in_scope: int = Field(title="应巡数")
    covered: int = Field(title="已巡数")
    percent: float = Field(
        title="覆盖率（%）", description="向下取一位小数，未全部巡察时不会显示 100"
    )


class CoverageRead(BaseModel):
    """A term's full-coverage progress (全覆盖进度) and the orgs still to go."""

    term_id: uuid.UUID = Field(title="届次编号")
    term_name: str = Field(title="届次名称")
    in_scope: int = Field(title="应巡对象数")
    covered: int = Field(title="已巡察数")
    remaining: int = Field(title="未巡察数")
    percent: float = Field(title="覆盖率（%）", description="向下取一位小数")
    full: bool = Field(title="是否已全覆盖")
    reached_at: datetime | None = Field(title="首次实现全覆盖的时间")
    reached_by_round_id: uuid.UUID | None = Field(title="完成全覆盖的轮次编号")
    by_kind: list[KindCoverageRead] = Field(title="按类型统计")
    pace: PaceRead = Field(title="进度研判")
    still_to_go: ScopeOrgPage = Field(
        title="尚未巡察的对象", description="按编码排序，可按类型、所属乡镇筛选，游标分页"
    )
