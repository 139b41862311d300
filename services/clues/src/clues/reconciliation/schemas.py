"""API schemas of the reconciliation (对账): the department's ledger (LedgerPost) and the
differences from the office's (ReconciliationReport)."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field
from xuncha_shared.events.clues import ClueStatus

from clues.ledger.schemas import MAX_YUAN
from clues.recipient.schemas import MAX_PERSONS

MAX_ENTRIES = 10_000


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class LedgerEntry(_In):
    """One clue as the department's own ledger has it."""

    clue_id: uuid.UUID = Field(title="线索编号")
    status: ClueStatus = Field(title="部门台账中的状态")
    case_filed: bool | None = Field(default=None, title="是否立案")
    persons_sanctioned: int | None = Field(default=None, ge=0, le=MAX_PERSONS)
    organizational_handlings: int | None = Field(default=None, ge=0, le=MAX_PERSONS)
    money_recovered_yuan: Decimal | None = Field(default=None, ge=0, le=MAX_YUAN, decimal_places=2)


class LedgerPost(_In):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "entries": [
                        {
                            "clue_id": "36e9ec43-4c16-44c9-9495-10760836aed4",
                            "status": "concluded",
                            "case_filed": True,
                            "persons_sanctioned": 2,
                            "organizational_handlings": 1,
                            "money_recovered_yuan": "86400.00",
                        },
                        {
                            "clue_id": "e2e09798-548d-493b-a554-30e3a2adef5e",
                            "status": "handling",
                        },
                    ]
                }
            ]
        }
    )

    entries: list[LedgerEntry] = Field(max_length=MAX_ENTRIES, title="部门台账")


class DifferenceKind(StrEnum):
    missing_in_department = "missing_in_department"
    """已移交但部门台账中没有"""
    unknown_to_office = "unknown_to_office"
    """部门台账中有但巡察办未移交给该部门"""
    mismatch = "mismatch"
    """双方记录不一致"""


class Difference(BaseModel):
    clue_id: uuid.UUID
    kind: DifferenceKind
    field: str | None = None
    office_value: str | None = None
    department_value: str | None = None


class ReconciliationReport(BaseModel):
    """对账结果: the differences between the office's and the department's ledgers."""

    recipient_org_id: uuid.UUID = Field(title="承办部门编号")
    posted_at: datetime | None = Field(title="部门台账报送时间", description="从未报送时为空")
    posted_by: str | None = None
    office_count: int = Field(title="巡察办移交给该部门的线索数")
    department_count: int = Field(title="部门台账线索数")
    matched: int = Field(title="一致的线索数")
    differences: list[Difference] = Field(title="差异")
