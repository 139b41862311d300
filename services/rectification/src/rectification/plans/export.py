"""The rectification ledger (整改台账) as an XLSX workbook."""

from __future__ import annotations

from collections.abc import Sequence

from xuncha_shared.exports import workbook, yes_no

from rectification.plans.schemas import TaskRead

KIND_ZH = {"immediate": "立行立改", "short": "限期整改", "long": "长期坚持"}
STATUS_ZH = {"open": "整改中", "claimed": "待验收", "accepted": "已验收"}
HEADERS = [
    "序号", "被巡察对象", "问题类别", "问题描述", "立行立改", "民生问题", "整改类型",
    "整改措施", "责任人", "领办领导", "整改时限", "状态", "是否逾期", "退回次数",
    "申请销号时间", "验收时间", "是否按期",
]  # fmt: skip


def ledger_xlsx(tasks: Sequence[TaskRead]) -> bytes:
    """One row per task, in the order given."""
    return workbook(
        "整改台账",
        HEADERS,
        (
            [
                i,
                t.org_name or str(t.org_id),
                t.category_name,
                t.description,
                yes_no(t.immediate),
                yes_no(t.livelihood),
                KIND_ZH.get(t.kind.value, t.kind.value),
                t.measures or "",
                t.responsible_person or "",
                t.owner_name or t.owner_account or "",
                t.due_on.isoformat() if t.due_on else "",
                STATUS_ZH.get(t.status.value, t.status.value),
                yes_no(t.overdue),
                t.rejections,
                t.claimed_at.isoformat(timespec="minutes") if t.claimed_at else "",
                t.accepted_at.isoformat(timespec="minutes") if t.accepted_at else "",
                yes_no(t.on_time),
            ]
            for i, t in enumerate(tasks, start=1)
        ),
    )
