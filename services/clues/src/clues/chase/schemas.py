"""API schemas of the chase: a jurisdiction's limits (LimitsWrite / LimitsRead), the letters
issued (LetterRead) and the monthly ledger review (LedgerReview)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict
from xuncha_shared.events.clues import ClueStage, ClueStatus

_EXAMPLE: JsonDict = {
    "transfer_workdays": 5,
    "receipt_workdays": 3,
    "first_progress_workdays": 10,
    "conclusion_workdays": 60,
    "supervision_grace_workdays": 5,
}


class LimitsWrite(BaseModel):
    """Limits in working days (工作日)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [_EXAMPLE]})

    transfer_workdays: int = Field(ge=1, le=250, title="研判后移交期限")
    receipt_workdays: int = Field(ge=1, le=250, title="移交后签收期限")
    first_progress_workdays: int = Field(ge=1, le=250, title="签收后首次报告进展期限")
    conclusion_workdays: int = Field(ge=1, le=750, title="签收后办结期限")
    supervision_grace_workdays: int = Field(
        ge=1,
        le=250,
        title="提醒后发督办函的宽限期",
        description="提醒函发出后仍未办理，再过几个工作日发督办函",
    )


class LimitsRead(LimitsWrite):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **_EXAMPLE,
                    "jurisdiction": "410825",
                    "is_default": False,
                    "version": 3,
                    "updated_at": "2026-03-02T10:15:00+08:00",
                    "updated_by": "wx-xcb-zhao",
                }
            ]
        }
    )

    jurisdiction: str
    is_default: bool = Field(title="是否系统默认值")
    version: int | None = None
    updated_at: datetime | None = None
    updated_by: str | None = None


class LetterRead(BaseModel):
    id: uuid.UUID
    clue_id: uuid.UUID
    stage: ClueStage
    step: str
    due_on: date
    doc_number: str | None
    addressee_org_id: uuid.UUID | None
    addressee_account: str | None
    issued_at: datetime


class ReviewItem(BaseModel):
    clue_id: uuid.UUID = Field(title="线索编号")
    round_id: uuid.UUID
    status: ClueStatus = Field(title="状态")
    status_zh: str
    priority: bool
    keeper_account: str | None
    recipient_org_id: uuid.UUID | None
    age_workdays: int = Field(title="已历时（工作日）", description="自提出之日起")
    next_step: str = Field(title="下一步")
    next_due_on: date | None = Field(title="下一期限")
    overdue_stages: list[ClueStage] = Field(title="已超期环节")
    letters: int = Field(title="已发提醒函/督办函")


class LedgerReview(BaseModel):
    jurisdiction: str
    as_of: date = Field(title="梳理日期")
    open_count: int
    overdue_count: int
    items: list[ReviewItem]
