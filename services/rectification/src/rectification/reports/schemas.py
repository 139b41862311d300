"""Reports' API schemas."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from rectification.progress.schemas import Commitment


class DisclosureScope(StrEnum):
    party = "party"
    """党内公开"""
    public = "public"
    """向社会公开"""


class ReportCreate(BaseModel):
    """The report's text and the party head's commitment."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "content": "根据县委第二巡察组反馈意见，镇党委对反馈的3个方面18个问题全盘认领，"
                    "制定整改方案，明确整改措施46条。集中整改期内已完成整改16个，"
                    "其余2个长期坚持；清退不符合条件低保对象5户，追回资金3.06万元，"
                    "建立完善村级财务管理、低保评审公示等制度4项。",
                    "commitment": {
                        "signed_by": "马某某",
                        "statement": "本人承诺，本报告所述整改情况真实、准确、完整，"
                        "如有虚假整改、敷衍整改，愿承担相应责任。",
                    },
                }
            ]
        },
    )

    content: str = Field(min_length=1, max_length=50_000, title="整改报告正文")
    commitment: Commitment = Field(title="真实性承诺")


class DisclosureCreate(BaseModel):
    """Where and when the report was disclosed."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "scope": "public",
                    "disclosed_on": "2027-01-12",
                    "place": "温县纪委监委网站“巡察整改”专栏",
                }
            ]
        },
    )

    scope: DisclosureScope = Field(title="公开范围", description="party 党内；public 社会")
    disclosed_on: date = Field(title="公开日期")
    place: str = Field(
        min_length=1,
        max_length=200,
        title="公开方式或载体",
        description="如 县委巡察网站、党员大会",
    )


class DisclosureRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID = Field(title="编号")
    scope: DisclosureScope = Field(title="公开范围")
    disclosed_on: date = Field(title="公开日期")
    place: str = Field(title="公开方式或载体")
    recorded_at: datetime = Field(title="登记时间")


class ReportRead(BaseModel):
    """The rectification report with its disclosures."""

    id: uuid.UUID = Field(title="整改报告编号")
    plan_id: uuid.UUID = Field(title="整改方案编号")
    content: str = Field(title="正文")
    signed_by: str = Field(title="承诺人")
    commitment: str = Field(title="承诺内容")
    signed_at: datetime = Field(title="承诺时间")
    late: bool = Field(title="是否逾期报送")
    disclosures: list[DisclosureRead] = Field(title="公开情况")
