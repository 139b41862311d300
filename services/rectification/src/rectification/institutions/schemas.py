"""Institutions' API schemas."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field


class InstitutionCreate(BaseModel):
    """A rule or institution adopted because of the task's problem."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "name": "《赵堡镇村级财务管理办法（试行）》",
                    "adopted_on": "2026-11-26",
                    "doc_number": "赵发〔2026〕27号",
                }
            ]
        },
    )

    name: str = Field(
        min_length=1,
        max_length=200,
        title="制度名称",
        description="如《沅陵县公共租赁住房分配方案》",
    )
    adopted_on: date = Field(title="出台日期")
    doc_number: str | None = Field(default=None, min_length=1, max_length=64, title="文号")


class InstitutionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID = Field(title="制度编号")
    task_id: uuid.UUID = Field(title="整改任务编号")
    plan_id: uuid.UUID = Field(title="整改方案编号")
    round_id: uuid.UUID = Field(title="轮次编号")
    org_id: uuid.UUID = Field(title="被巡察对象编号")
    name: str = Field(title="制度名称")
    adopted_on: date = Field(title="出台日期")
    doc_number: str | None = Field(title="文号")
    recorded_at: datetime = Field(title="登记时间")


class InstitutionCount(BaseModel):
    """Institutions built by one org (in a term, when asked)."""

    org_id: uuid.UUID = Field(title="被巡察对象编号")
    org_name: str | None = Field(title="被巡察对象名称")
    count: int = Field(title="建章立制数")


class InstitutionCounts(BaseModel):
    term_id: uuid.UUID | None = Field(title="届次编号")
    total: int = Field(title="合计")
    orgs: list[InstitutionCount] = Field(title="各单位")
