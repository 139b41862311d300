"""A round's lifecycle (轮次阶段) as a state machine, and the briefing stages it allows.

Pure functions, no database: the service asks what is allowed and raises the problems built
here. A round moves one stage forward at a time; no stage is skipped and none is undone,
because each move is an event partner agencies have already consumed.
"""

from __future__ import annotations

from enum import StrEnum

from xuncha_shared.events.planning import RoundMode, RoundStatus
from xuncha_shared.problems import Conflict

__all__ = [
    "COVERING_STATUSES",
    "IN_PROGRESS_STATUSES",
    "MODE_LABELS_ZH",
    "ORDER",
    "STATUS_LABELS_ZH",
    "BriefingStage",
    "RoundMode",
    "RoundStatus",
    "allowed_briefing_stages",
    "allowed_transitions",
    "check_briefing_stage",
    "check_transition",
]

ORDER: tuple[RoundStatus, ...] = tuple(RoundStatus)

STATUS_LABELS_ZH: dict[RoundStatus, str] = {
    RoundStatus.planned: "计划中",
    RoundStatus.mobilized: "已动员部署",
    RoundStatus.on_site: "进驻巡察",
    RoundStatus.reporting: "巡察报告",
    RoundStatus.feedback: "巡察反馈",
    RoundStatus.rectifying: "整改中",
    RoundStatus.closed: "已结束",
}

MODE_LABELS_ZH: dict[RoundMode, str] = {
    RoundMode.regular: "常规巡察",
    RoundMode.special: "专项巡察",
    RoundMode.mobile: "机动式巡察",
    RoundMode.revisit: "巡察“回头看”",
    RoundMode.escalated: "提级巡察",
    RoundMode.cross: "交叉巡察",
    RoundMode.joint: "联合巡察",
}

# An org counts as covered (已巡察) once an assignment on it belongs to a round that has fed
# back its findings: feedback is the moment the inspection of that org is complete.
COVERING_STATUSES: frozenset[RoundStatus] = frozenset(
    {RoundStatus.feedback, RoundStatus.rectifying, RoundStatus.closed}
)
IN_PROGRESS_STATUSES: frozenset[RoundStatus] = frozenset(
    {RoundStatus.mobilized, RoundStatus.on_site, RoundStatus.reporting}
)


def allowed_transitions(current: RoundStatus) -> tuple[RoundStatus, ...]:
    """The stages a round in ``current`` may move to (the next one; none once closed)."""
    index = ORDER.index(current)
    return ORDER[index + 1 : index + 2]


def check_transition(current: RoundStatus, target: RoundStatus) -> None:
    """409 unless ``target`` is the next stage; the problem lists what is allowed."""
    allowed = allowed_transitions(current)
    if target in allowed:
        return
    now_zh = STATUS_LABELS_ZH[current]
    if allowed:
        words_zh = "、".join(f"「{STATUS_LABELS_ZH[s]}」" for s in allowed)
        words_en = ", ".join(s.value for s in allowed)
        message_zh = (
            f"轮次当前为「{now_zh}」，不能转为「{STATUS_LABELS_ZH[target]}」，只能转为{words_zh}"
        )
        message_en = (
            f"The round is {current.value}; it cannot move to {target.value}, only to {words_en}"
        )
    else:
        message_zh = f"轮次已结束，不能再转为「{STATUS_LABELS_ZH[target]}」"
        message_en = f"The round is closed; it cannot move to {target.value} or anywhere else"
    raise Conflict(
        message_zh,
        message_en,
        field="to_status",
        code="illegal-transition",
        extra={
            "current_status": current.value,
            "allowed": [s.value for s in allowed],
            "allowed_zh": [STATUS_LABELS_ZH[s] for s in allowed],
        },
    )


class BriefingStage(StrEnum):
    """When the leadership group was briefed on a round (前期、中期、巡后听取汇报)."""

    before = "before"
    during = "during"
    after = "after"


BRIEFING_LABELS_ZH: dict[BriefingStage, str] = {
    BriefingStage.before: "巡前",
    BriefingStage.during: "巡中",
    BriefingStage.after: "巡后",
}

# The first stage of the round at which each briefing can have taken place: a mid-round
# briefing needs the groups on site, an after-round one needs them back and reporting.
_BRIEFING_FROM: dict[BriefingStage, RoundStatus] = {
    BriefingStage.before: RoundStatus.planned,
    BriefingStage.during: RoundStatus.on_site,
    BriefingStage.after: RoundStatus.reporting,
}


def allowed_briefing_stages(current: RoundStatus) -> tuple[BriefingStage, ...]:
    """The briefings that can be recorded for a round in ``current``."""
    reached = ORDER.index(current)
    return tuple(s for s in BriefingStage if ORDER.index(_BRIEFING_FROM[s]) <= reached)


def check_briefing_stage(current: RoundStatus, stage: BriefingStage) -> None:
    """409 when the round has not reached the stage the briefing belongs to."""
    allowed = allowed_briefing_stages(current)
    if stage in allowed:
        return
    first = _BRIEFING_FROM[stage]
    raise Conflict(
        f"轮次当前为「{STATUS_LABELS_ZH[current]}」，尚不能记录{BRIEFING_LABELS_ZH[stage]}汇报"
        f"（须到「{STATUS_LABELS_ZH[first]}」阶段）",
        f"The round is {current.value}; a {stage.value} briefing needs it to be {first.value} "
        "or later",
        field="stage",
        code="briefing-too-early",
        extra={"allowed": [s.value for s in allowed]},
    )
