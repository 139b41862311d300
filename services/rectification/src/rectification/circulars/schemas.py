"""Circulars' API shapes: CircularCreate / CircularUpdate, the CaseCreate added to a draft,
CircularRead with its cases, and its page."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field
from xuncha_shared.events.rectification import TypicalCaseKind
from xuncha_shared.http import Page
from xuncha_shared.patch import Patch


class CircularStatus(StrEnum):
    """draft 草稿 → published 已印发."""

    draft = "draft"
    published = "published"


class CircularCreate(BaseModel):
    """A new draft circular of typical cases."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "title": "关于巡察整改不力典型案例的通报",
                    "issued_on": "2026-09-10",
                    "opening": "为严肃巡察整改纪律，现将近期查处的整改典型案例通报如下。",
                }
            ]
        },
    )

    title: str = Field(min_length=1, max_length=200, title="通报标题")
    issued_on: date = Field(title="通报日期")
    opening: str | None = Field(default=None, min_length=1, max_length=2000, title="导语")


class CircularUpdate(Patch):
    """Changes to a draft circular (only the fields given; ``null`` clears the opening)."""

    clearable = frozenset({"opening"})

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={"examples": [{"title": "关于巡察整改典型案例的通报"}]},
    )

    title: str | None = Field(default=None, min_length=1, max_length=200, title="通报标题")
    issued_on: date | None = Field(default=None, title="通报日期")
    opening: str | None = Field(default=None, min_length=1, max_length=2000, title="导语")


class CaseCreate(BaseModel):
    """A typical case added to a draft: a task (its org's rectification follows) or an org's
    rectification plan, the kind of failure, and the finding in a short text."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "task_id": "6f1c1f7e-3b7a-4c55-9a8e-0d0d3c3b2a10",
                    "kind": "perfunctory",
                    "finding": "对巡察反馈的公租房分配问题只发文不落实，整改报告与实际不符。",
                }
            ]
        },
    )

    task_id: uuid.UUID | None = Field(default=None, title="整改任务编号")
    plan_id: uuid.UUID | None = Field(
        default=None, title="整改方案编号", description="案例涉及整个单位的整改时填写，与任务二选一"
    )
    kind: TypicalCaseKind = Field(
        title="案例类型",
        description="weak 整改不力；perfunctory 敷衍整改；fake 虚假整改；refused 拒不整改",
    )
    finding: str = Field(min_length=1, max_length=500, title="查实的问题")


class CaseRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID = Field(title="案例编号")
    position: int = Field(title="序号")
    kind: TypicalCaseKind = Field(title="案例类型")
    plan_id: uuid.UUID = Field(title="整改方案编号")
    task_id: uuid.UUID | None = Field(default=None, title="整改任务编号")
    org_id: uuid.UUID = Field(title="被巡察对象编号")
    org_name: str | None = Field(default=None, title="被巡察对象名称")
    round_id: uuid.UUID = Field(title="轮次编号")
    finding: str = Field(title="查实的问题")


class CircularRead(BaseModel):
    """One circular (典型案例通报), its cases in order; county-wide (本辖区全部被巡察党组织)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID = Field(title="通报编号")
    jurisdiction: str = Field(title="通报范围", description="本辖区（全县）")
    title: str = Field(title="通报标题")
    issued_on: date = Field(title="通报日期")
    opening: str | None = Field(default=None, title="导语")
    status: CircularStatus = Field(title="状态")
    doc_number: str | None = Field(default=None, title="文号", description="印发时编号")
    cases: list[CaseRead] = Field(default_factory=list, title="典型案例")
    created_at: datetime = Field(title="起草时间")
    created_by: str = Field(title="起草人")
    published_at: datetime | None = Field(default=None, title="印发时间")
    published_by: str | None = Field(default=None, title="印发人")
    version: int = Field(title="版本", description="与 ETag 相同，修改时放在 If-Match 中")


CircularPage = Page[CircularRead]
