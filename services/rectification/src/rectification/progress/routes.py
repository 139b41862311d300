"""HTTP routes: 整改进展、销号与验收 Progress, done claims and acceptance."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, File, Form, Path, Response, UploadFile, status
from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.db import DbSession
from xuncha_shared.exports import attachment
from xuncha_shared.http import CurrentPrincipal, ExpectedVersion, Now, read_upload
from xuncha_shared.idempotency import Idempotent
from xuncha_shared.web import ERRORS, VERSIONED, conflict, versioned

from rectification.access.policy import access_for
from rectification.plans import service as plans
from rectification.plans.models import Task
from rectification.plans.schemas import TaskRead
from rectification.progress import files, service
from rectification.progress.schemas import (
    Acceptance,
    DoneClaim,
    ProgressCreate,
    ProgressRead,
    Rejection,
    TaskFileRead,
)

router = APIRouter(tags=["progress"], responses=ERRORS)
TaskId = Annotated[uuid.UUID, Path(title="整改任务编号")]


@router.post(
    "/tasks/{task_id}/progress",
    status_code=status.HTTP_201_CREATED,
    response_model=ProgressRead,
    summary="报告整改进展",
    description="被巡察党组织按日期报告本单位任务的整改进展和佐证材料。可带 Idempotency-Key。",
    responses=conflict("状态不允许"),
)
async def report_progress(
    task_id: TaskId,
    body: ProgressCreate,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    idempotent: Idempotent,
) -> ProgressRead:
    task = await plans.get_task_for(
        session, task_id=task_id, access=access_for(principal), for_update=True
    )
    entry = await service.report_progress(session, task=task, data=body, actor=principal, now=now)
    result = ProgressRead.model_validate(entry)
    await idempotent.remember(result, status_code=201)
    return result


@router.get(
    "/tasks/{task_id}/progress",
    response_model=list[ProgressRead],
    summary="查看整改进展记录",
    description="任务的进展、销号申请（含真实性承诺）、验收和退回记录，按时间先后。",
)
async def list_progress(
    task_id: TaskId, session: DbSession, principal: CurrentPrincipal
) -> list[ProgressRead]:
    task = await plans.get_task_for(session, task_id=task_id, access=access_for(principal))
    return [ProgressRead.model_validate(e) for e in await service.history(session, task.id)]


async def _respond(
    session: AsyncSession, task: Task, now: datetime, response: Response
) -> TaskRead:
    (result,) = await plans.task_reads(session, [task], now=now)
    return versioned(response, result)


@router.post(
    "/tasks/{task_id}/claim",
    response_model=TaskRead,
    summary="申请销号",
    description="被巡察党组织申请任务销号：填写完成情况和佐证材料，由党组织主要负责人作出真实性承诺"
    "（承诺人、承诺内容，时间自动记录）。之后由纪委监委或组织部验收。须带 If-Match。",
    responses=VERSIONED | conflict("状态不允许"),
)
async def claim_done(
    task_id: TaskId,
    body: DoneClaim,
    expected: ExpectedVersion,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    response: Response,
) -> TaskRead:
    task = await plans.get_task_for(
        session, task_id=task_id, access=access_for(principal), for_update=True
    )
    task = await service.claim_done(
        session, task=task, data=body, expected_version=expected, actor=principal, now=now
    )
    return await _respond(session, task, now, response)


@router.post(
    "/tasks/{task_id}/accept",
    response_model=TaskRead,
    summary="验收通过",
    description="本辖区纪委监委或组织部验收已申请销号的任务。须带 If-Match。",
    responses=VERSIONED | conflict("状态不允许"),
)
async def accept_task(
    task_id: TaskId,
    body: Acceptance,
    expected: ExpectedVersion,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    response: Response,
) -> TaskRead:
    task = await plans.get_task_for(
        session, task_id=task_id, access=access_for(principal), for_update=True
    )
    task = await service.accept(
        session, task=task, data=body, expected_version=expected, actor=principal, now=now
    )
    return await _respond(session, task, now, response)


@router.post(
    "/tasks/{task_id}/reject",
    response_model=TaskRead,
    summary="验收退回",
    description="本辖区纪委监委或组织部退回销号申请并说明理由，任务重新进入整改。须带 If-Match。",
    responses=VERSIONED | conflict("状态不允许"),
)
async def reject_task(
    task_id: TaskId,
    body: Rejection,
    expected: ExpectedVersion,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    response: Response,
) -> TaskRead:
    task = await plans.get_task_for(
        session, task_id=task_id, access=access_for(principal), for_update=True
    )
    task = await service.reject(
        session, task=task, data=body, expected_version=expected, actor=principal, now=now
    )
    return await _respond(session, task, now, response)


@router.post(
    "/tasks/{task_id}/files",
    status_code=status.HTTP_201_CREATED,
    response_model=TaskFileRead,
    summary="上传佐证材料",
    description="被巡察党组织为本单位任务上传佐证材料（multipart，字段 file，最大 10 MB；"
    "手机拍照即可）。按内容识别类型（PDF、JPEG、PNG、Word、Excel、纯文本），不信任客户端声明；"
    "同一任务同一内容只存一份（SHA-256）。返回的 ref 填入进展或销号申请的佐证材料。",
    responses=conflict("状态不允许") | {413: ERRORS[422], 415: ERRORS[422]},
)
async def upload_file(
    task_id: TaskId,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    file: Annotated[UploadFile, File(title="佐证材料文件")],
    filename: Annotated[str | None, Form(max_length=200, title="文件名")] = None,
) -> TaskFileRead:
    task = await plans.get_task_for(
        session, task_id=task_id, access=access_for(principal), for_update=True
    )
    content = await read_upload(file)
    stored = await files.attach(
        session,
        task=task,
        content=content,
        filename=filename or file.filename or "file",
        actor=principal,
        now=now,
    )
    return files.read(stored)


@router.get(
    "/tasks/{task_id}/files",
    response_model=list[TaskFileRead],
    summary="查看佐证材料文件",
    description="能查看任务的人可查看其上传的佐证材料文件，按上传时间先后。",
)
async def list_files(
    task_id: TaskId, session: DbSession, principal: CurrentPrincipal
) -> list[TaskFileRead]:
    task = await plans.get_task_for(session, task_id=task_id, access=access_for(principal))
    return [files.read(f) for f in await files.of_task(session, task_id=task.id)]


@router.get(
    "/tasks/{task_id}/files/{sha256}",
    summary="下载佐证材料",
    description="能查看任务的人（含验收的纪委监委、组织部）可下载其佐证材料。",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}, "description": "文件"}},
)
async def download_file(
    task_id: TaskId,
    sha256: Annotated[str, Path(pattern=r"^[0-9a-f]{64}$", title="文件摘要")],
    session: DbSession,
    principal: CurrentPrincipal,
) -> Response:
    task = await plans.get_task_for(session, task_id=task_id, access=access_for(principal))
    stored = await files.stored(session, task_id=task.id, sha256=sha256)
    return attachment(
        stored.content,
        media_type=stored.media_type,
        ascii_name=sha256[:16],
        filename=stored.filename,
    )
