"""API schemas of the receiving department's side: receipt, return, disposal, progress,
outcome."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from xuncha_shared.events.clues import Disposal

from clues.ledger.schemas import MAX_NOTE, MAX_YUAN

MAX_PERSONS = 10_000


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ReceiptWrite(_In):
    """签收: who signed for the clue, and when (now when omitted)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "received_by": "县纪委监委信访室 孙某某",
                    "received_at": "2026-10-16T09:30:00+08:00",
                }
            ]
        }
    )

    received_by: str = Field(min_length=1, max_length=100, title="签收人")
    received_at: datetime | None = Field(
        default=None, title="签收时间", description="不填为当前时间"
    )


class ReturnWrite(_In):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "reason": "请补充工程合同原件扫描件、村民代表会议记录，"
                    "以及施工队实际控制人与张某某亲属关系的证明材料。"
                }
            ]
        }
    )

    reason: str = Field(min_length=1, max_length=MAX_NOTE, title="退回理由（需补充的材料，保密）")


class DisposalWrite(_In):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"disposal": "preliminary_verification"}]}
    )

    disposal: Disposal = Field(
        title="处置方式",
        description="inquiry 谈话函询；preliminary_verification 初步核实；hold 暂存待查；"
        "close 予以了结；case 立案审查",
    )


class ProgressWrite(_In):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "note": "已成立核查组，调取村集体账簿和工程结算资料，询问村“两委”成员"
                    "及施工队负责人6人，委托第三方对路面工程量进行复核。"
                }
            ]
        }
    )

    note: str = Field(min_length=1, max_length=MAX_NOTE, title="进展情况（保密）")


class OutcomeWrite(_In):
    """办理结果: counts only, plus an optional (sealed) note."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "case_filed": True,
                    "persons_sanctioned": 2,
                    "persons_party_sanctioned": 2,
                    "persons_government_sanctioned": 1,
                    "organizational_handlings": 1,
                    "first_form": 1,
                    "second_form": 1,
                    "third_form": 1,
                    "fourth_form": 0,
                    "money_recovered_yuan": "86400.00",
                    "note": "张某某给予留党察看一年、政务撤职处分；李某某给予党内警告处分；"
                    "对包村干部王某某进行诫勉谈话；违规资金86400元已全部追回。",
                }
            ]
        }
    )

    case_filed: bool = Field(title="是否立案")
    persons_sanctioned: int = Field(ge=0, le=MAX_PERSONS, title="给予党纪政务处分人数")
    persons_party_sanctioned: int | None = Field(
        default=None, ge=0, le=MAX_PERSONS, title="其中党纪处分人数"
    )
    persons_government_sanctioned: int | None = Field(
        default=None, ge=0, le=MAX_PERSONS, title="其中政务处分人数"
    )
    organizational_handlings: int = Field(ge=0, le=MAX_PERSONS, title="组织处理人次")
    first_form: int = Field(default=0, ge=0, le=MAX_PERSONS, title="第一种形态人次")
    second_form: int = Field(default=0, ge=0, le=MAX_PERSONS, title="第二种形态人次")
    third_form: int = Field(default=0, ge=0, le=MAX_PERSONS, title="第三种形态人次")
    fourth_form: int = Field(default=0, ge=0, le=MAX_PERSONS, title="第四种形态人次")
    money_recovered_yuan: Decimal = Field(
        default=Decimal("0"), ge=0, le=MAX_YUAN, decimal_places=2, title="挽回经济损失（元）"
    )
    note: str | None = Field(default=None, max_length=MAX_NOTE, title="结果说明（保密）")

    @model_validator(mode="after")
    def _breakdown_within_total(self) -> OutcomeWrite:
        for part in (self.persons_party_sanctioned, self.persons_government_sanctioned):
            if part is not None and part > self.persons_sanctioned:
                raise ValueError("party or government sanctions exceed persons_sanctioned")
        return self
