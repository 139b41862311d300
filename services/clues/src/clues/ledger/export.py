"""The ledger as a workbook, for the office's keepers (contains the sealed content)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import Response
from xuncha_shared.events.clues import ClueStage, ClueStatus
from xuncha_shared.web import Column, xlsx_ledger

from clues.crypto import Sealer
from clues.ledger.lifecycle import STATUS_ZH
from clues.ledger.models import Clue
from clues.ledger.stages import StageClock, StageState, stage_state

STAGE_ZH = {
    ClueStage.transfer: "研判后移交",
    ClueStage.receipt: "移交后签收",
    ClueStage.first_progress: "签收后首次报告进展",
    ClueStage.conclusion: "签收后办结",
}


@dataclass(frozen=True)
class LedgerRow:
    """A clue with its content opened and its stage on the clock."""

    clue: Clue
    content: dict[str, Any]
    stage: StageState


def _id(value: uuid.UUID | None) -> str | None:
    return str(value) if value else None


def _yes(value: bool) -> str:
    return "是" if value else "否"


C = Column[LedgerRow]
COLUMNS = [
    C("线索编号", lambda r: str(r.clue.id)),
    C("状态", lambda r: STATUS_ZH[ClueStatus(r.clue.status)]),
    C("轮次编号", lambda r: str(r.clue.round_id)),
    C("来源被巡察对象编号", lambda r: _id(r.clue.org_id)),
    C("来源问题编号", lambda r: _id(r.clue.source_problem_id)),
    C("来源信访举报编号", lambda r: _id(r.clue.source_report_id)),
    C("被反映人", lambda r: r.content["person"]["name"]),
    C("职务", lambda r: r.content["person"]["post"]),
    C("职级", lambda r: r.content["person"]["rank"]),
    C("问题类别", lambda r: r.clue.category),
    C("反映的主要问题", lambda r: r.content["allegation"]),
    C("涉及金额（元）", lambda r: r.clue.amount_yuan),
    C("绿色通道", lambda r: _yes(r.clue.priority)),
    C("线索管理人", lambda r: r.clue.keeper_account),
    C("承办部门编号", lambda r: _id(r.clue.recipient_org_id)),
    C("处置方式", lambda r: r.clue.disposal),
    C("提出时间", lambda r: r.clue.proposed_at),
    C("研判时间", lambda r: r.clue.reviewed_at),
    C("移交时间", lambda r: r.clue.transferred_at),
    C("签收时间", lambda r: r.clue.accepted_at),
    C("办结时间", lambda r: r.clue.concluded_at),
    C("销号时间", lambda r: r.clue.closed_at),
    C("是否立案", lambda r: None if r.clue.case_filed is None else _yes(r.clue.case_filed)),
    C("党纪政务处分人数", lambda r: r.clue.persons_sanctioned),
    C("组织处理人次", lambda r: r.clue.organizational_handlings),
    C("挽回经济损失（元）", lambda r: r.clue.money_recovered_yuan),
    C("进入当前环节时间", lambda r: r.stage.since),
    C("当前环节已历时（工作日）", lambda r: r.stage.age_workdays),
    C("下一期限", lambda r: r.stage.next_due_on),
    C("是否超期", lambda r: _yes(bool(r.stage.overdue_stages))),
    C("已超期环节", lambda r: "、".join(STAGE_ZH[x] for x in r.stage.overdue_stages)),
]


def ledger_export(clues: Sequence[Clue], sealer: Sealer, clock: StageClock) -> Response:
    """The download of the ledger: one row per clue, its content opened."""
    rows = [LedgerRow(c, sealer.open(c.sealed), stage_state(c, clock)) for c in clues]
    return xlsx_ledger(
        "线索管理台账", COLUMNS, rows, filename="线索管理台账.xlsx", ascii_name="clue-ledger.xlsx"
    )
