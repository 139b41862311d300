"""HTTP routes: 巡察反馈 feedback."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, status
from pydantic import BaseModel, ConfigDict, Field
from xuncha_shared.auth import Role
from xuncha_shared.db import DbSession
from xuncha_shared.http import CurrentPrincipal, Now
from xuncha_shared.idempotency import Idempotent
from xuncha_shared.problems import NotFound
from xuncha_shared.web import ERRORS, conflict

from findings.access.policy import OVERSIGHT
from findings.feedback import repository, service

router = APIRouter(tags=["feedback"], responses=ERRORS)
AssignmentId = Annotated[uuid.UUID, Path(title="巡察任务编号")]


class FeedbackWrite(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "copied_to_org_ids": [
                        "9bcee300-ecba-422e-9012-9ac0021ea386",
                        "06a839c8-f4fe-489e-9743-d160014a21da",
                    ]
                }
            ]
        },
    )

    copied_to_org_ids: list[uuid.UUID] | None = Field(
        default=None,
        max_length=10,
        title="同步抄送单位",
        description="不填则用本辖区设置（纪委监委、组织部）",
    )


class FeedbackRead(BaseModel):
    id: uuid.UUID = Field(title="反馈编号")
    assignment_id: uuid.UUID = Field(title="巡察任务编号")
    round_id: uuid.UUID = Field(title="轮次编号")
    org_id: uuid.UUID = Field(title="被巡察对象编号")
    report_id: uuid.UUID = Field(title="所依据的报告")
    copied_to_org_ids: list[uuid.UUID] = Field(title="同步抄送单位")
    problem_count: int = Field(title="反馈问题数")
    immediate_count: int = Field(title="其中立行立改数")
    issued_by: str = Field(title="反馈人")
    issued_at: datetime = Field(title="反馈时间")


@router.post(
    "/assignments/{assignment_id}/feedback",
    status_code=status.HTTP_201_CREATED,
    response_model=FeedbackRead,
    summary="反馈巡察情况",
    description="巡察办在报告经书记专题会审定后反馈：本任务的全部问题（含已立行立改的，作标记）一次发布"
    "“巡察反馈已送达”事件，同步抄送纪委监委、组织部。反馈后问题只能批注。可带 Idempotency-Key。",
    responses=conflict("状态不允许"),
)
async def issue_feedback(
    assignment_id: AssignmentId,
    body: FeedbackWrite,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    idempotent: Idempotent,
) -> FeedbackRead:
    feedback = await service.issue(
        session,
        assignment_id=assignment_id,
        copied_to_org_ids=body.copied_to_org_ids,
        actor=principal,
        now=now,
    )
    result = FeedbackRead.model_validate(feedback, from_attributes=True)
    await idempotent.remember(result, status_code=201)
    return result


@router.get(
    "/assignments/{assignment_id}/feedback",
    response_model=FeedbackRead,
    summary="查看反馈",
    description="本辖区巡察办、领导小组、纪委监委、组织部，以及被巡察党组织本身可看。",
)
async def get_feedback(
    assignment_id: AssignmentId, session: DbSession, principal: CurrentPrincipal
) -> FeedbackRead:
    found = await repository.of_assignment(session, assignment_id)
    allowed = found is not None and (
        (principal.has(*OVERSIGHT) and found.jurisdiction == principal.jurisdiction)
        or (principal.has(Role.inspected) and principal.org_uuid == found.org_id)
    )
    if found is None or not allowed:
        raise NotFound("尚未反馈", "No feedback for this assignment", field="assignment_id")
    return FeedbackRead.model_validate(found, from_attributes=True)
