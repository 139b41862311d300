"""Evidence files of a task: what the org uploads (a photo from the phone, a scan, a
document) before citing it in a progress report or a done claim.

The type is sniffed from the bytes, never taken from the client
(:func:`xuncha_shared.files.accepted_upload`). Stored once per task and
content (SHA-256); the file's ``ref`` (``file:<sha256>``) is what an evidence entry cites.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Principal
from xuncha_shared.files import accepted_upload
from xuncha_shared.problems import Conflict, NotFound

from rectification.access.policy import require_own_org
from rectification.plans.models import Task
from rectification.progress import repository
from rectification.progress.models import TaskFile
from rectification.progress.schemas import TaskFileRead

REF_PREFIX = "file:"


def read(file: TaskFile) -> TaskFileRead:
    """The file as answered, with the ref an evidence entry cites."""
    return TaskFileRead(
        sha256=file.sha256,
        filename=file.filename,
        size=file.size,
        media_type=file.media_type,
        ref=REF_PREFIX + file.sha256,
        added_by=file.added_by,
        added_at=file.added_at,
    )


async def attach(
    session: AsyncSession,
    *,
    task: Task,
    content: bytes,
    filename: str,
    actor: Principal,
    now: datetime,
) -> TaskFile:
    """The org stores a file for one of its tasks (once per content); 415 for a type not
    accepted, 422 for an empty file, 409 once the task is accepted."""
    require_own_org(actor, jurisdiction=task.jurisdiction, org_id=task.org_id)
    if task.status == "accepted":
        raise Conflict("任务已验收销号", "The task is already accepted", code="task-accepted")
    media_type, digest = accepted_upload(content)
    existing = await repository.task_file(session, task_id=task.id, sha256=digest)
    if existing is not None:
        return existing
    stored = TaskFile(
        task_id=task.id,
        sha256=digest,
        filename=filename.strip()[:200] or "file",
        size=len(content),
        media_type=media_type,
        content=content,
        added_by=actor.subject,
        added_at=now,
    )
    session.add(stored)
    await session.flush()
    return stored


async def of_task(session: AsyncSession, *, task_id: uuid.UUID) -> list[TaskFile]:
    """The task's files in the order they were added."""
    return await repository.task_files(session, task_id)


async def stored(session: AsyncSession, *, task_id: uuid.UUID, sha256: str) -> TaskFile:
    """One of the task's files, or 404."""
    found = await repository.task_file(session, task_id=task_id, sha256=sha256)
    if found is None:
        raise NotFound("佐证材料不存在", "No such evidence file", field="sha256")
    return found
