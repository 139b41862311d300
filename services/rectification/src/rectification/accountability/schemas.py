"""Accountability's API shapes: the record created (AccountabilityCreate) or corrected
(AccountabilityUpdate), its persons (PersonHeld), AccountabilityRead and its page."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field
from xuncha_shared.events.rectification import TypicalCaseKind
from xuncha_shared.events.rectification.accountability import AccountabilityForm, DecidingBody
from xuncha_shared.http import Page
from xuncha_shared.patch import Patch
from xuncha_shared.roster import CadreRank

MAX_PERSONS = 50
MAX_TASKS = 50

FORM_DESCRIPTION = (
    "admonishment_talk 诫勉谈话；criticism_education 批评教育；ordered_examination 责令检查；"
    "circulated_criticism 通报批评；organizational_adjustment 组织处理(调整职务)；"
    "organizational_removal 组织处理(免职)；organizational_demotion 组织处理(降职)；"
    "party_discipline 党纪处分；government_sanction 政务处分"
)
FAILURE_DESCRIPTION = "weak 整改不力；perfunctory 敷衍整改；fake 虚假整改；refused 拒不整改"
BODY_DESCRIPTION = "discipline 纪委监委；organization 组织部；party_committee 党委(党组)"


class PersonHeld(BaseModel):
    """A person held accountable: his roster entry (领导班子名册) and the form."""

    model_config = ConfigDict(extra="forbid")

    member_id: uuid.UUID = Field(title="名册条目编号", description="被问责人在领导班子名册中的条目")
    form: AccountabilityForm = Field(title="问责方式", description=FORM_DESCRIPTION)


class AccountabilityCreate(BaseModel):
    """A new accountability record: the org, what it concerns (a plan or some of its tasks,
    or neither), the failure, the persons, the deciding body, the date and the basis."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "org_id": "0b7d3c8e-6a41-4f7e-9a0e-2f5b1c9d8e11",
                    "task_ids": ["6f1c1f7e-3b7a-4c55-9a8e-0d0d3c3b2a10"],
                    "failure": "perfunctory",
                    "persons": [
                        {
                            "member_id": "3c2e1b7a-5d4f-4e3a-9b8c-7a6d5e4f3b2a",
                            "form": "admonishment_talk",
                        }
                    ],
                    "deciding_body": "discipline",
                    "decided_on": "2026-04-20",
                    "basis": "对巡察反馈问题敷衍整改，整改报告与实际不符。",
                }
            ]
        },
    )

    org_id: uuid.UUID = Field(title="被巡察对象编号")
    plan_id: uuid.UUID | None = Field(default=None, title="整改方案编号")
    task_ids: list[uuid.UUID] = Field(
        default_factory=list,
        max_length=MAX_TASKS,
        title="涉及的整改任务编号",
        description="须为该单位的整改任务；填写任务时整改方案随之确定",
    )
    failure: TypicalCaseKind = Field(title="问责事由", description=FAILURE_DESCRIPTION)
    persons: list[PersonHeld] = Field(min_length=1, max_length=MAX_PERSONS, title="被问责人")
    deciding_body: DecidingBody = Field(title="决定机关", description=BODY_DESCRIPTION)
    decided_on: date = Field(title="决定日期")
    basis: str = Field(min_length=1, max_length=1000, title="问责依据（简述）")


class AccountabilityUpdate(Patch):
    """Corrections to a record (only the fields given; the org stays; ``null`` clears what
    it concerns: the plan or the tasks)."""

    clearable = frozenset({"plan_id", "task_ids"})

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={"examples": [{"decided_on": "2026-04-22"}]},
    )

    plan_id: uuid.UUID | None = Field(default=None, title="整改方案编号")
    task_ids: list[uuid.UUID] | None = Field(
        default=None, max_length=MAX_TASKS, title="涉及的整改任务编号"
    )
    failure: TypicalCaseKind | None = Field(
        default=None, title="问责事由", description=FAILURE_DESCRIPTION
    )
    persons: list[PersonHeld] | None = Field(
        default=None, min_length=1, max_length=MAX_PERSONS, title="被问责人"
    )
    deciding_body: DecidingBody | None = Field(
        default=None, title="决定机关", description=BODY_DESCRIPTION
    )
    decided_on: date | None = Field(default=None, title="决定日期")
    basis: str | None = Field(default=None, min_length=1, max_length=1000, title="问责依据（简述）")


class AccountablePersonRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    member_id: uuid.UUID = Field(title="名册条目编号")
    name: str = Field(title="姓名")
    post_title: str = Field(title="职务")
    rank: CadreRank = Field(title="职级", description="记录时名册中的职级")
    form: AccountabilityForm = Field(title="问责方式")


class AccountabilityRead(BaseModel):
    """One accountability record (追责问责台账的一起)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID = Field(title="问责记录编号")
    jurisdiction: str = Field(title="管辖范围")
    org_id: uuid.UUID = Field(title="被巡察对象编号")
    org_name: str | None = Field(default=None, title="被巡察对象名称")
    round_id: uuid.UUID | None = Field(default=None, title="轮次编号")
    plan_id: uuid.UUID | None = Field(default=None, title="整改方案编号")
    task_ids: list[uuid.UUID] = Field(title="涉及的整改任务编号")
    failure: TypicalCaseKind = Field(title="问责事由")
    persons: list[AccountablePersonRead] = Field(default_factory=list, title="被问责人")
    deciding_body: DecidingBody = Field(title="决定机关")
    decided_on: date = Field(title="决定日期")
    basis: str = Field(title="问责依据（简述）")
    created_at: datetime = Field(title="记录时间")
    created_by: str = Field(title="记录人")
    updated_at: datetime = Field(title="最后修改时间")
    updated_by: str = Field(title="最后修改人")
    version: int = Field(title="版本", description="与 ETag 相同，修改时放在 If-Match 中")


AccountabilityPage = Page[AccountabilityRead]
