"""HTTP routes: 催办 Reminders of a task."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, status
from xuncha_shared.db import DbSession
from xuncha_shared.http import CurrentPrincipal, Now
from xuncha_shared.idempotency import Idempotent
from xuncha_shared.web import ERRORS, conflict

from rectification.access.policy import access_for
from rectification.plans import service as plans
from rectification.progress.schemas import ProgressRead
from rectification.reminders import service
from rectification.reminders.schemas import ReminderCreate

router = APIRouter(tags=["progress"], responses=ERRORS)
TaskId = Annotated[uuid.UUID, Path(title="整改任务编号")]


@router.post(
    "/tasks/{task_id}/reminders",
    status_code=status.HTTP_201_CREATED,
    response_model=ProgressRead,
    summary="催办整改任务",
    description="巡察办，或村（社区）所属的乡镇（温县：乡镇对所辖村整改负直接责任），催办仍在整改中"
    "的任务：记入任务的进展记录（类型 remind），并通知被巡察党组织。可带 Idempotency-Key。",
    responses=conflict("状态不允许"),
)
async def remind_task(
    task_id: TaskId,
    body: ReminderCreate,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    idempotent: Idempotent,
) -> ProgressRead:
    task = await plans.get_task_for(
        session, task_id=task_id, access=access_for(principal), for_update=True
    )
    entry = await service.remind(session, task=task, data=body, actor=principal, now=now)
    result = ProgressRead.model_validate(entry)
    await idempotent.remember(result, status_code=201)
    return result
