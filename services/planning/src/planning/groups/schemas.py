"""API schemas of groups, their members, candidates and avoidance checks."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from xuncha_shared.http import Page
from xuncha_shared.patch import Patch
from xuncha_shared.problems import ProblemDetail

from planning.groups.avoidance import Rule
from planning.pool.domain import GroupRole, Specialty

JURISDICTION_PATTERN = r"^[A-Za-z0-9._-]{1,32}$"
MAX_MEMBERS = 50


class MemberIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"cadre_id": "fe136237-77b2-4a1b-a549-c6a2c0dfe16b", "role": "deputy"}]
        },
    )

    cadre_id: uuid.UUID = Field(title="人才库人员编号")
    role: GroupRole = Field(default=GroupRole.member, title="组内职务")


class GroupCreate(BaseModel):
    """A group to form for a round: exactly one leader (组长), any deputies and members."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "name": "第一巡察组",
                    "members": [
                        {"cadre_id": "4ccf6d10-e90e-4079-93ae-880c69b392a0", "role": "leader"},
                        {"cadre_id": "fe136237-77b2-4a1b-a549-c6a2c0dfe16b", "role": "deputy"},
                        {"cadre_id": "c77cfc15-b693-4d9b-ab2e-10fa3ae1faca", "role": "member"},
                        {"cadre_id": "186180e9-07b1-4a7c-81e0-9936c8a34da8", "role": "member"},
                    ],
                }
            ]
        },
    )

    name: str = Field(min_length=1, max_length=50, title="组名", description="如 第一巡察组")
    source_jurisdiction: str | None = Field(
        default=None,
        pattern=JURISDICTION_PATTERN,
        title="组员来源地区",
        description="交叉巡察：从该下级地区的人才库抽调组员；为空则用本级人才库",
    )
    members: list[MemberIn] = Field(min_length=1, max_length=MAX_MEMBERS, title="组员")


class MemberRoleUpdate(Patch):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"role": "leader"}]})

    role: GroupRole = Field(title="组内职务", description="任命新组长时，原组长改为组员")


class MemberRead(BaseModel):
    cadre_id: uuid.UUID = Field(title="人才库人员编号")
    code: str = Field(title="人员编码")
    name: str = Field(title="姓名")
    unit_name: str = Field(title="工作单位")
    specialties: list[Specialty] = Field(title="专业领域")
    role: GroupRole = Field(title="组内职务")


class GroupRead(BaseModel):
    """An inspection group (巡察组) of a round."""

    id: uuid.UUID = Field(title="编号")
    round_id: uuid.UUID = Field(title="轮次编号")
    name: str = Field(title="组名")
    source_jurisdiction: str | None = Field(title="组员来源地区（交叉巡察）")
    pool_jurisdiction: str = Field(title="抽调组员的人才库")
    cross: bool = Field(title="是否交叉巡察组")
    members: list[MemberRead] = Field(title="组员")
    assignments: int = Field(title="巡察任务数")
    version: int = Field(title="版本号")
    created_at: datetime = Field(title="组建时间")


GroupPage = Page[GroupRead]


class AvoidanceCheckRead(BaseModel):
    """One kept avoidance check (回避审查记录)."""

    id: uuid.UUID = Field(title="编号")
    round_id: uuid.UUID = Field(title="轮次编号")
    cadre_id: uuid.UUID = Field(title="人员编号")
    cadre_name: str = Field(title="姓名")
    org_id: uuid.UUID = Field(title="被巡察对象编号")
    org_name: str = Field(title="被巡察对象")
    rule: Rule = Field(title="回避规则")
    outcome: str = Field(title="结论", description="pass 无需回避；violation 应当回避")
    detail: str = Field(title="理由")
    checked_by: str = Field(title="审查人")
    checked_at: datetime = Field(title="审查时间")


AvoidanceCheckPage = Page[AvoidanceCheckRead]


class ViolationRead(BaseModel):
    cadre_id: uuid.UUID = Field(title="应回避人员编号")
    cadre_name: str = Field(title="应回避人员")
    org_id: uuid.UUID = Field(title="被巡察对象编号")
    org_name: str = Field(title="被巡察对象")
    rule: Rule = Field(title="回避规则")
    rule_zh: str = Field(title="回避规则（中文）")
    message_zh: str = Field(title="理由")
    message_en: str = Field(title="英文说明")


class CandidateRead(BaseModel):
    cadre_id: uuid.UUID = Field(title="人员编号")
    code: str = Field(title="人员编码")
    name: str = Field(title="姓名")
    unit_name: str = Field(title="工作单位")
    specialties: list[Specialty] = Field(title="专业领域")
    matching_specialties: list[Specialty] = Field(title="与被替换人员相同的专业领域")


class ReplacementRead(BaseModel):
    for_cadre_id: uuid.UUID = Field(title="被替换人员编号")
    for_cadre_name: str = Field(title="被替换人员")
    candidates: list[CandidateRead] = Field(
        title="可替换人员",
        description="可抽调、本轮未入组、与本组巡察对象均无回避情形，按专业匹配排序",
    )


class AvoidanceRefusal(ProblemDetail):
    """The body of a 422 refused for avoidance: every reason, and who could step in."""

    violations: list[ViolationRead] = Field(title="回避情形")
    replacements: list[ReplacementRead] = Field(title="替换建议")
