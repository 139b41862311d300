"""API schemas of rounds: RoundCreate / RoundUpdate / RoundRead / RoundDetailRead,
transitions, briefings and the pace of a term's rounds (PaceRead)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from xuncha_shared.http import Page
from xuncha_shared.patch import Patch

from planning.rounds.lifecycle import BriefingStage, RoundMode, RoundStatus

JURISDICTION_PATTERN = r"^[A-Za-z0-9._-]{1,32}$"
ChecklistItem = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)
]


# A special round of the rural-revitalization sector, as the office plans it for spring 2027.
SPECIAL_ROUND_EXAMPLE: dict[str, Any] = {
    "number": 3,
    "name": "第三轮巡察（乡村振兴领域专项巡察）",
    "mode": "special",
    "theme": "巩固拓展脱贫攻坚成果同乡村振兴有效衔接",
    "focus_checklist": [
        "衔接资金上级拨付多少、乡村支出多少、项目实际落地多少",
        "防止返贫动态监测和精准帮扶政策落实情况",
        "村集体“三资”管理和新型农村集体经济发展情况",
        "惠民惠农补贴发放中优亲厚友、虚报冒领、截留挪用问题",
        "驻村第一书记和工作队履职情况",
    ],
    "on_site_from": "2027-03-15",
    "on_site_until": "2027-05-14",
}


class RoundCreate(BaseModel):
    """A round to put into a term's plan (status ``planned``)."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={"examples": [SPECIAL_ROUND_EXAMPLE]},
    )

    number: int | None = Field(
        default=None, ge=1, le=1000, title="轮次序号", description="不填则为届内下一轮"
    )
    name: str | None = Field(
        default=None, min_length=1, max_length=100, title="名称", description="不填则为“第N轮巡察”"
    )
    mode: RoundMode = Field(title="巡察方式")
    theme: str | None = Field(
        default=None, min_length=1, max_length=100, title="专项主题", description="专项巡察必填"
    )
    focus_checklist: list[ChecklistItem] = Field(
        default_factory=list,
        max_length=30,
        title="巡察重点清单",
        description="专项巡察必填，每项不超过 200 字",
    )
    inspecting_jurisdiction: str | None = Field(
        default=None,
        pattern=JURISDICTION_PATTERN,
        title="派出巡察组的党委",
        description="提级、交叉巡察必填（另一党委的代码）；其他方式不填",
    )
    on_site_from: date = Field(title="进驻日期", description="须在届期内")
    on_site_until: date = Field(title="撤离日期", description="不早于进驻日期，须在届期内")


class RoundUpdate(Patch):
    """Fields of a planned round to change; omitted fields stay as they are."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    **SPECIAL_ROUND_EXAMPLE,
                    "on_site_from": "2027-03-22",
                    "on_site_until": "2027-05-21",
                }
            ]
        },
    )

    clearable = frozenset({"theme", "inspecting_jurisdiction"})

    number: int | None = Field(default=None, ge=1, le=1000, title="轮次序号")
    name: str | None = Field(default=None, min_length=1, max_length=100, title="名称")
    mode: RoundMode | None = Field(default=None, title="巡察方式")
    theme: str | None = Field(default=None, min_length=1, max_length=100, title="专项主题")
    focus_checklist: list[ChecklistItem] | None = Field(
        default=None, max_length=30, title="巡察重点清单"
    )
    inspecting_jurisdiction: str | None = Field(
        default=None, pattern=JURISDICTION_PATTERN, title="派出巡察组的党委"
    )
    on_site_from: date | None = Field(default=None, title="进驻日期")
    on_site_until: date | None = Field(default=None, title="撤离日期")


class RoundRead(BaseModel):
    """A round and where it stands."""

    id: uuid.UUID = Field(title="编号")
    jurisdiction: str = Field(title="管辖范围")
    term_id: uuid.UUID = Field(title="届次编号")
    number: int = Field(title="轮次序号")
    name: str = Field(title="名称")
    mode: RoundMode = Field(title="巡察方式")
    mode_zh: str = Field(title="巡察方式（中文）")
    theme: str | None = Field(title="专项主题")
    focus_checklist: list[str] = Field(title="巡察重点清单")
    inspecting_jurisdiction: str | None = Field(title="派出巡察组的党委")
    status: RoundStatus = Field(title="阶段")
    status_zh: str = Field(title="阶段（中文）")
    allowed_transitions: list[RoundStatus] = Field(title="可转入的阶段")
    on_site_from: date = Field(title="进驻日期")
    on_site_until: date = Field(title="撤离日期")
    version: int = Field(title="版本号")
    created_at: datetime = Field(title="安排时间")
    updated_at: datetime = Field(title="更新时间")


RoundPage = Page[RoundRead]


class TransitionCreate(BaseModel):
    """The stage a round moves to."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"to_status": "on_site"}]}
    )

    to_status: RoundStatus = Field(title="目标阶段", description="只能是当前阶段的下一阶段")


class TransitionRead(BaseModel):
    """One recorded move of a round."""

    model_config = ConfigDict(from_attributes=True)

    from_status: RoundStatus = Field(title="原阶段")
    to_status: RoundStatus = Field(title="新阶段")
    at: datetime = Field(title="时间")
    actor: str = Field(title="操作人")


class BriefingCreate(BaseModel):
    """A briefing of the leadership group on a round (领导小组听取汇报)."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "stage": "during",
                    "held_on": "2026-11-20",
                    "summary": "第一巡察组汇报进驻赵堡镇及所辖村以来的工作：开展个别谈话 86 人次，"
                    "受理信访举报 23 件，发现村集体“三资”管理、惠民资金发放等方面问题 17 个，"
                    "其中 12 个已交被巡察党组织立行立改。领导小组要求：聚焦村级财务和衔接资金"
                    "项目，深挖细查；对发现的问题线索边巡边移，及时移交县纪委监委。",
                }
            ]
        },
    )

    stage: BriefingStage = Field(
        title="汇报阶段", description="before 巡前 / during 巡中 / after 巡后"
    )
    held_on: date = Field(title="汇报日期", description="不晚于今天，须在届期内")
    summary: str = Field(min_length=1, max_length=4000, title="汇报要点与领导小组意见")


class BriefingRead(BaseModel):
    """A recorded briefing."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID = Field(title="编号")
    round_id: uuid.UUID = Field(title="轮次编号")
    stage: BriefingStage = Field(title="汇报阶段")
    held_on: date = Field(title="汇报日期")
    summary: str = Field(title="汇报要点与领导小组意见")
    recorded_by: str = Field(title="记录人")
    created_at: datetime = Field(title="记录时间")


BriefingPage = Page[BriefingRead]


class RoundDetailRead(RoundRead):
    """A round with its history and briefings."""

    orgs_assigned: int = Field(title="已分配的被巡察对象数")
    transitions: list[TransitionRead] = Field(title="阶段变更记录")
    briefings: list[BriefingRead] = Field(title="领导小组听取汇报记录")


class Outlook(StrEnum):
    """Whether full coverage is in reach at the current pace."""

    reached = "reached"
    on_track = "on_track"
    behind = "behind"
    no_pace = "no_pace"
    out_of_rounds = "out_of_rounds"
    no_scope = "no_scope"


class PaceRead(BaseModel):
    """Rounds held against the plan, and where the current pace leads."""

    planned_rounds: int = Field(title="计划轮数")
    rounds_held: int = Field(title="已开展轮数", description="已到反馈阶段的轮次")
    rounds_in_progress: int = Field(title="进行中轮数", description="已动员、进驻或报告中的轮次")
    rounds_scheduled: int = Field(title="已安排未启动轮数")
    rounds_left: int = Field(title="计划剩余轮数", description="计划轮数减已开展轮数")
    average_per_round: float | None = Field(title="平均每轮巡察对象数")
    projected_covered: int | None = Field(title="按当前进度届末预计覆盖数")
    needed_per_round: int | None = Field(title="剩余每轮需巡察数", description="实现全覆盖所需")
    reachable: bool | None = Field(title="能否实现全覆盖", description="尚无进度可依时为空")
    outlook: Outlook = Field(title="研判结论")
    message_zh: str = Field(title="研判说明")
    message_en: str = Field(title="Outlook in words")
