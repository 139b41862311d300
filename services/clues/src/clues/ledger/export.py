"""The ledger as a workbook, for the office's keepers (contains the sealed content)."""

from __future__ import annotations

from collections.abc import Sequence

from xuncha_shared.events.clues import ClueStage, ClueStatus
from xuncha_shared.exports import XLSX_MEDIA_TYPE, workbook

from clues.crypto import Sealer
from clues.ledger.lifecycle import STATUS_ZH
from clues.ledger.models import Clue
from clues.ledger.stages import StageClock, stage_state

__all__ = ["XLSX_MEDIA_TYPE", "ledger_workbook"]

HEADERS = (
    "线索编号",
    "状态",
    "轮次编号",
    "来源被巡察对象编号",
    "来源问题编号",
    "来源信访举报编号",
    "被反映人",
    "职务",
    "职级",
    "问题类别",
    "反映的主要问题",
    "涉及金额（元）",
    "绿色通道",
    "线索管理人",
    "承办部门编号",
    "处置方式",
    "提出时间",
    "研判时间",
    "移交时间",
    "签收时间",
    "办结时间",
    "销号时间",
    "是否立案",
    "党纪政务处分人数",
    "组织处理人次",
    "挽回经济损失（元）",
    "进入当前环节时间",
    "当前环节已历时（工作日）",
    "下一期限",
    "是否超期",
    "已超期环节",
)
STAGE_ZH = {
    ClueStage.transfer: "研判后移交",
    ClueStage.receipt: "移交后签收",
    ClueStage.first_progress: "签收后首次报告进展",
    ClueStage.conclusion: "签收后办结",
}


def ledger_workbook(clues: Sequence[Clue], sealer: Sealer, clock: StageClock) -> bytes:
    def rows() -> list[list[object]]:
        out: list[list[object]] = []
        for c in clues:
            content = sealer.open(c.sealed)
            person = content["person"]
            stage = stage_state(c, clock)
            out.append(
                [
                    str(c.id),
                    STATUS_ZH[ClueStatus(c.status)],
                    str(c.round_id),
                    str(c.org_id) if c.org_id else None,
                    str(c.source_problem_id) if c.source_problem_id else None,
                    str(c.source_report_id) if c.source_report_id else None,
                    person["name"],
                    person["post"],
                    person["rank"],
                    c.category,
                    content["allegation"],
                    c.amount_yuan,
                    "是" if c.priority else "否",
                    c.keeper_account,
                    str(c.recipient_org_id) if c.recipient_org_id else None,
                    c.disposal,
                    c.proposed_at,
                    c.reviewed_at,
                    c.transferred_at,
                    c.accepted_at,
                    c.concluded_at,
                    c.closed_at,
                    None if c.case_filed is None else ("是" if c.case_filed else "否"),
                    c.persons_sanctioned,
                    c.organizational_handlings,
                    c.money_recovered_yuan,
                    stage.since,
                    stage.age_workdays,
                    stage.next_due_on,
                    "是" if stage.overdue_stages else "否",
                    "、".join(STAGE_ZH[x] for x in stage.overdue_stages),
                ]
            )
        return out

    return workbook("线索管理台账", HEADERS, rows())
