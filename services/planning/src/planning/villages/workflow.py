"""蛟河's five steps (001) and who may take each: 乡镇提名 → 巡察办实地调研 → 相关部门意见 →
领导小组调整 → 党委审定. Pure: no database.

A classification starts at ``entered`` (the indicators are in) and moves one step at a
time; departments may each give an opinion, so that step may repeat before the leadership
group adjusts. Only the committee's approval fixes the class; the leadership role records
it, acting for the committee (书记专题会 / 常委会).
"""

from __future__ import annotations

import uuid
from enum import StrEnum

from xuncha_shared.auth import Principal, Role


class Step(StrEnum):
    """One of the five steps."""

    township_proposal = "township_proposal"
    field_research = "field_research"
    department_opinions = "department_opinions"
    leadership_adjustment = "leadership_adjustment"
    committee_approval = "committee_approval"


class Stage(StrEnum):
    """How far a classification has come: the last step taken, or ``entered``."""

    entered = "entered"
    township_proposal = "township_proposal"
    field_research = "field_research"
    department_opinions = "department_opinions"
    leadership_adjustment = "leadership_adjustment"
    committee_approval = "committee_approval"


STEP_LABELS_ZH: dict[Step, str] = {
    Step.township_proposal: "乡镇提名",
    Step.field_research: "巡察办实地调研",
    Step.department_opinions: "相关部门意见",
    Step.leadership_adjustment: "领导小组调整",
    Step.committee_approval: "党委审定",
}
STAGE_LABELS_ZH: dict[Stage, str] = {
    Stage.entered: "指标已录入",
    **{Stage(s.value): label for s, label in STEP_LABELS_ZH.items()},
}

_NEXT: dict[Stage, tuple[Step, ...]] = {
    Stage.entered: (Step.township_proposal,),
    Stage.township_proposal: (Step.field_research,),
    Stage.field_research: (Step.department_opinions,),
    # Each department gives its own opinion; the leadership group adjusts after at least one.
    Stage.department_opinions: (Step.department_opinions, Step.leadership_adjustment),
    Stage.leadership_adjustment: (Step.committee_approval,),
    Stage.committee_approval: (),
}

#: The roles that may record each step. The township step also needs, for ``inspected``,
#: that the caller's org is the village's township (see :func:`acting_role`).
STEP_ROLES: dict[Step, tuple[Role, ...]] = {
    Step.township_proposal: (Role.office, Role.inspected),
    Step.field_research: (Role.office,),
    Step.department_opinions: (Role.discipline, Role.organization, Role.department),
    Step.leadership_adjustment: (Role.leadership,),
    Step.committee_approval: (Role.leadership,),
}

#: Roles that read every classification of their jurisdiction: they take part in the steps.
READER_ROLES: tuple[Role, ...] = (
    Role.office,
    Role.leadership,
    Role.discipline,
    Role.organization,
    Role.department,
)


def allowed_next(stage: Stage) -> tuple[Step, ...]:
    """The steps that may follow ``stage`` (none once approved)."""
    return _NEXT[stage]


def is_own_township(principal: Principal, township_id: uuid.UUID | None) -> bool:
    """Whether the caller is the inspected township the village belongs to."""
    return (
        principal.has(Role.inspected)
        and township_id is not None
        and principal.org_id is not None
        and principal.org_id.lower() == str(township_id)
    )


def acting_role(step: Step, principal: Principal, township_id: uuid.UUID | None) -> Role | None:
    """The role in which ``principal`` may record ``step`` for a village of ``township_id``,
    or None. The office's role wins over the township's when a caller has both."""
    for role in STEP_ROLES[step]:
        if role is Role.inspected:
            if is_own_township(principal, township_id):
                return role
        elif principal.has(role):
            return role
    return None


def indicator_role(principal: Principal, township_id: uuid.UUID | None) -> Role | None:
    """Who enters a village's indicators: the office, or the village's own township."""
    if principal.has(Role.office):
        return Role.office
    if is_own_township(principal, township_id):
        return Role.inspected
    return None


def may_edit_indicators(role: Role, stage: Stage) -> bool:
    """The township's figures are its proposal's basis, so it edits them only before
    proposing; the office may correct them (after its field research) until approval."""
    if role is Role.office:
        return stage is not Stage.committee_approval
    return stage is Stage.entered


def may_read(principal: Principal, township_id: uuid.UUID | None) -> bool:
    """Whether ``principal`` may see a classification of a village of ``township_id``."""
    return principal.has(*READER_ROLES) or is_own_township(principal, township_id)
