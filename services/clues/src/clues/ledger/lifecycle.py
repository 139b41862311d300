"""The clue's lifecycle as data: which action moves a clue from which status to which.

draft → reviewed → transferred → accepted → handling → concluded → closed; the recipient
may return a transferred or accepted clue for more material (returned), and the office
reviews it again (returned → reviewed); the office may recall a transfer still awaiting
receipt (transferred → reviewed). Anything else is a 409 naming the allowed actions.
"""

from __future__ import annotations

from enum import StrEnum

from xuncha_shared.events.clues import ClueStatus
from xuncha_shared.problems import Conflict


class ClueAction(StrEnum):
    """What can be done to a clue, by whom (in brackets)."""

    review = "review"
    """会商研判 (office)"""
    transfer = "transfer"
    """移交 (office)"""
    recall = "recall"
    """撤回移交, while the transfer awaits receipt (office)"""
    receipt = "receipt"
    """签收 (recipient)"""
    return_ = "return"
    """退回补充材料 (recipient)"""
    disposal = "disposal"
    """确定处置方式 (recipient)"""
    progress = "progress"
    """报送进展 (recipient)"""
    outcome = "outcome"
    """报送办理结果 (recipient)"""
    close = "close"
    """销号 (office)"""


S = ClueStatus
MOVES: dict[ClueAction, tuple[frozenset[ClueStatus], ClueStatus | None]] = {
    ClueAction.review: (frozenset({S.draft, S.returned}), S.reviewed),
    ClueAction.transfer: (frozenset({S.reviewed}), S.transferred),
    # A transfer no one signs for (a wrong recipient) is recalled to before the transfer.
    ClueAction.recall: (frozenset({S.transferred}), S.reviewed),
    ClueAction.receipt: (frozenset({S.transferred}), S.accepted),
    ClueAction.return_: (frozenset({S.transferred, S.accepted}), S.returned),
    ClueAction.disposal: (frozenset({S.accepted}), S.handling),
    # Progress keeps the status (None): accepted stays accepted until a disposal is chosen.
    ClueAction.progress: (frozenset({S.accepted, S.handling}), None),
    ClueAction.outcome: (frozenset({S.handling}), S.concluded),
    ClueAction.close: (frozenset({S.concluded}), S.closed),
}
OPEN_STATUSES = frozenset(set(ClueStatus) - {S.closed})
# Statuses in which the recipient holds the clue and may read it.
WITH_RECIPIENT = frozenset({S.transferred, S.accepted, S.handling, S.concluded, S.closed})


def allowed_actions(status: ClueStatus) -> list[ClueAction]:
    """The actions possible from ``status``, in lifecycle order."""
    return [a for a, (sources, _) in MOVES.items() if status in sources]


def move(status: ClueStatus, action: ClueAction) -> ClueStatus:
    """The status after ``action``; 409 with the allowed actions when it is not possible."""
    sources, target = MOVES[action]
    if status not in sources:
        allowed = allowed_actions(status)
        raise Conflict(
            f"线索当前状态为“{STATUS_ZH[status]}”，不能{ACTION_ZH[action]}；"
            f"可进行：{'、'.join(ACTION_ZH[a] for a in allowed) or '无'}",
            f"Cannot {ACTION_EN[action]} a clue in status {status.value}; allowed: "
            f"{', '.join(a.value for a in allowed) or 'none'}",
            field="status",
            code="illegal-transition",
            extra={"current_status": status.value, "allowed_actions": [a.value for a in allowed]},
        )
    return target or status


STATUS_ZH: dict[ClueStatus, str] = {
    S.draft: "待研判",
    S.reviewed: "已研判待移交",
    S.returned: "已退回补充材料",
    S.transferred: "已移交待签收",
    S.accepted: "已签收",
    S.handling: "办理中",
    S.concluded: "已办结",
    S.closed: "已销号",
}
ACTION_ZH: dict[ClueAction, str] = {
    ClueAction.review: "会商研判",
    ClueAction.transfer: "移交",
    ClueAction.recall: "撤回移交",
    ClueAction.receipt: "签收",
    ClueAction.return_: "退回补充材料",
    ClueAction.disposal: "确定处置方式",
    ClueAction.progress: "报送进展",
    ClueAction.outcome: "报送办理结果",
    ClueAction.close: "销号",
}
ACTION_EN: dict[ClueAction, str] = {
    ClueAction.review: "review",
    ClueAction.transfer: "transfer",
    ClueAction.recall: "recall the transfer of",
    ClueAction.receipt: "sign for",
    ClueAction.return_: "return",
    ClueAction.disposal: "choose the disposal of",
    ClueAction.progress: "report progress on",
    ClueAction.outcome: "report the outcome of",
    ClueAction.close: "close",
}
