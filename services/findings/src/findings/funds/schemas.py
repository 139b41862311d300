"""API schemas of the funds comparison (三个数据比对)."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from findings.problems.schemas import CategoryCode, Yuan


class FundsProjectCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "2026年赵堡镇高标准农田建设项目（陈家沟村片区）",
                    "allocated_yuan": "1200000.00",
                    "paid_out_yuan": "1080000.00",
                    "delivered_yuan": "936500.00",
                    "note": "上级拨付依据县财政局指标文件，单位支出依据镇财政所账簿，"
                    "实际落地依据巡察组现场丈量和第三方审计结算。",
                }
            ]
        },
    )

    name: str = Field(min_length=1, max_length=200, title="项目名称")
    allocated_yuan: Yuan = Field(title="上级拨付（元）", description="上级给多少")
    paid_out_yuan: Yuan = Field(title="单位支出（元）", description="被巡察单位支多少")
    delivered_yuan: Yuan = Field(title="实际落地（元）", description="实际落地多少")
    note: str | None = Field(default=None, max_length=2000, title="说明")


class FundsProjectRead(BaseModel):
    id: uuid.UUID = Field(title="项目编号")
    assignment_id: uuid.UUID = Field(title="巡察任务编号")
    name: str = Field(title="项目名称")
    allocated_yuan: Decimal = Field(title="上级拨付（元）")
    paid_out_yuan: Decimal = Field(title="单位支出（元）")
    delivered_yuan: Decimal = Field(title="实际落地（元）")
    unpaid_gap_yuan: Decimal = Field(
        title="拨付未支出差额（元）", description="上级拨付 − 单位支出"
    )
    undelivered_gap_yuan: Decimal = Field(
        title="支出未落地差额（元）", description="单位支出 − 实际落地"
    )
    problem_ids: list[uuid.UUID] = Field(title="由差额形成的问题")
    note: str | None = Field(title="说明")
    created_at: datetime = Field(title="录入时间")


class GapProblemsCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"category": "funds_gap", "immediate": False, "livelihood": True}]
        },
    )

    category: CategoryCode = Field(default="funds_gap", title="问题类别代码")
    immediate: bool = Field(default=False, title="立行立改")
    livelihood: bool = Field(default=True, title="民生问题")
