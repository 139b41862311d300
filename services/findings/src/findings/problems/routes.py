"""HTTP routes: 发现问题 Problems, evidence, annotations, ledger export."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import (
    APIRouter,
    Depends,
    File,
    Form,
    Path,
    Query,
    Request,
    Response,
    UploadFile,
    status,
)
from xuncha_shared.auth import Forbidden, Principal, Role
from xuncha_shared.db import DbSession
from xuncha_shared.exports import XLSX_MEDIA_TYPE, attachment, workbook
from xuncha_shared.http import (
    CurrentPrincipal,
    ExpectedVersion,
    Now,
    Paging,
    read_upload,
    split_page,
)
from xuncha_shared.idempotency import Idempotent
from xuncha_shared.problems import NotFound
from xuncha_shared.web import ERRORS, TIME_ID, VERSIONED, XLSX, conflict, created, versioned

from findings.access.repository import problem_visibility
from findings.problems import repository, service
from findings.problems.repository import ProblemFilter
from findings.problems.schemas import (
    AnnotationCreate,
    AnnotationRead,
    BatchResult,
    EvidenceRead,
    ProblemBatch,
    ProblemCreate,
    ProblemPage,
    ProblemRead,
    ProblemUpdate,
)

router = APIRouter(tags=["problems"], responses=ERRORS)
ProblemId = Annotated[uuid.UUID, Path(title="问题编号")]
EXPORT_LIMIT = 20_000


def _filters(
    assignment_id: Annotated[uuid.UUID | None, Query(title="巡察任务编号")] = None,
    round_id: Annotated[uuid.UUID | None, Query(title="轮次编号")] = None,
    term_id: Annotated[uuid.UUID | None, Query(title="届次编号")] = None,
    org_id: Annotated[uuid.UUID | None, Query(title="被巡察对象编号")] = None,
    category: Annotated[str | None, Query(max_length=64, title="问题类别代码")] = None,
    immediate: Annotated[bool | None, Query(title="是否立行立改")] = None,
    fed_back: Annotated[bool | None, Query(title="是否已反馈")] = None,
    q: Annotated[str | None, Query(max_length=100, title="描述关键词")] = None,
) -> ProblemFilter:
    return ProblemFilter(
        assignment_id=assignment_id,
        round_id=round_id,
        term_id=term_id,
        org_id=org_id,
        category=category,
        immediate=immediate,
        fed_back=fed_back,
        q=q,
    )


Filters = Annotated[ProblemFilter, Depends(_filters)]


@router.post(
    "/problems",
    status_code=status.HTTP_201_CREATED,
    response_model=ProblemRead,
    summary="记录发现问题",
    description="巡察组成员在本组的巡察任务上记录问题（轮次须在进驻或报告阶段）。类别取自本辖区问题清单，"
    "未知类别返回 422（field=category）。"
    "标记立行立改的问题立即移交被巡察党组织（发布“立行立改问题已移交”事件）。"
    "可带 Idempotency-Key。",
    responses=conflict("状态不允许"),
)
async def create_problem(
    body: ProblemCreate,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    idempotent: Idempotent,
    request: Request,
    response: Response,
) -> ProblemRead:
    (problem,) = await service.record_problems(
        session,
        assignment_id=body.assignment_id,
        items=[body],
        actor=principal,
        now=now,
    )
    (result,) = await service.reads(session, [problem], viewer=principal)
    location = f"{request.url.path}/{problem.id}"
    return await created(response, idempotent, result, location=location)


@router.post(
    "/problems/batch",
    status_code=status.HTTP_201_CREATED,
    response_model=BatchResult,
    summary="批量记录发现问题",
    description="一次记录同一巡察任务上的多条问题（如一场乡村夜话收集的问题，最多 500 条）："
    "全部通过校验才记录。可带 Idempotency-Key。",
    responses=conflict("状态不允许"),
)
async def create_problems(
    body: ProblemBatch,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    idempotent: Idempotent,
) -> BatchResult:
    problems = await service.record_problems(
        session, assignment_id=body.assignment_id, items=body.problems, actor=principal, now=now
    )
    result = BatchResult(
        created=len(problems),
        handed_over=sum(1 for p in problems if p.immediate),
        ids=[p.id for p in problems],
    )
    await idempotent.remember(result, status_code=201)
    return result


@router.get(
    "/problems",
    response_model=ProblemPage,
    summary="问题台账",
    description="巡察办、领导小组、纪委监委、组织部看本辖区全部；巡察组成员看本组任务的；"
    "被巡察党组织看本单位已反馈的（立行立改问题自移交起可见）。按记录时间排序，游标分页。",
)
async def list_problems(
    session: DbSession, principal: CurrentPrincipal, paging: Paging, filters: Filters
) -> ProblemPage:
    rows, total = await repository.list_problems(
        session,
        visible=problem_visibility(principal),
        where=filters,
        after=TIME_ID.decode(paging.cursor),
        limit=paging.limit + 1,
    )
    page, next_cursor = split_page(
        rows, paging.limit, lambda p: [p.created_at.isoformat(), str(p.id)]
    )
    return ProblemPage(
        items=await service.reads(session, page, viewer=principal),
        next_cursor=next_cursor,
        total=total,
    )


@router.get(
    "/problems.xlsx",
    summary="导出问题台账（Excel）",
    description="与问题台账相同的筛选和可见范围，导出为 Excel（最多 20000 条），"
    "末两列为轮次和被巡察对象名称。",
    response_class=Response,
    responses=XLSX,
)
async def export_problems(
    session: DbSession, principal: CurrentPrincipal, filters: Filters
) -> Response:
    rows, _ = await repository.list_problems(
        session,
        visible=problem_visibility(principal),
        where=filters,
        after=None,
        limit=EXPORT_LIMIT,
    )
    headers = (
        "序号",
        "问题编号",
        "轮次编号",
        "被巡察对象编号",
        "类别",
        "问题描述",
        "发现方式",
        "立行立改",
        "民生问题",
        "涉及金额（元）",
        "状态",
        "移交时间",
        "反馈时间",
        "记录人",
        "记录时间",
        "轮次",
        "被巡察对象",
    )
    orgs, rounds = await repository.names_of(
        session, org_ids=[p.org_id for p in rows], round_ids=[p.round_id for p in rows]
    )
    status_zh = {"recorded": "已记录", "handed_over": "已移交", "fed_back": "已反馈"}
    content = workbook(
        "问题台账",
        headers,
        (
            (
                i,
                str(p.id),
                str(p.round_id),
                str(p.org_id),
                p.category_name,
                p.description,
                p.found_by,
                "是" if p.immediate else "否",
                "是" if p.livelihood else "否",
                p.amount_yuan,
                status_zh[service.status_of(p).value],
                p.handed_over_at,
                p.fed_back_at,
                p.created_by,
                p.created_at,
                rounds.get(p.round_id),
                orgs.get(p.org_id),
            )
            for i, p in enumerate(rows, start=1)
        ),
    )
    return attachment(
        content, media_type=XLSX_MEDIA_TYPE, ascii_name="problems.xlsx", filename="问题台账.xlsx"
    )


@router.get("/problems/{problem_id}", response_model=ProblemRead, summary="查看问题")
async def get_problem(
    problem_id: ProblemId, session: DbSession, principal: CurrentPrincipal, response: Response
) -> ProblemRead:
    problem = await service.get_problem(session, problem_id=problem_id, actor=principal)
    (result,) = await service.reads(session, [problem], viewer=principal)
    return versioned(response, result)


@router.patch(
    "/problems/{problem_id}",
    response_model=ProblemRead,
    summary="修改问题",
    description="本组成员在反馈前修改问题（须带 If-Match）；反馈后返回 409，只能批注。"
    "改为立行立改即移交；已移交的不能撤回。",
    responses=conflict("状态不允许（如已反馈）") | VERSIONED,
)
async def update_problem(
    problem_id: ProblemId,
    body: ProblemUpdate,
    expected: ExpectedVersion,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    response: Response,
) -> ProblemRead:
    problem = await service.get_problem(
        session, problem_id=problem_id, actor=principal, for_update=True
    )
    problem = await service.update_problem(
        session, problem=problem, data=body, expected_version=expected, actor=principal, now=now
    )
    (result,) = await service.reads(session, [problem], viewer=principal)
    return versioned(response, result)


def _annotator(principal: Principal) -> None:
    if principal.has(Role.inspected) and not principal.has(
        Role.office, Role.group, Role.leadership, Role.discipline, Role.organization
    ):
        raise Forbidden("被巡察党组织不能批注问题", "Inspected orgs cannot annotate problems")


@router.post(
    "/problems/{problem_id}/annotations",
    status_code=status.HTTP_201_CREATED,
    response_model=AnnotationRead,
    summary="批注问题",
    description="能查看问题的巡察办、巡察组、领导小组、纪委监委、组织部可批注；反馈后仍可批注。",
)
async def annotate_problem(
    problem_id: ProblemId,
    body: AnnotationCreate,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
) -> AnnotationRead:
    problem = await service.get_problem(session, problem_id=problem_id, actor=principal)
    _annotator(principal)
    note = await service.annotate(session, problem=problem, data=body, actor=principal, now=now)
    return AnnotationRead.model_validate(note, from_attributes=True)


@router.get(
    "/problems/{problem_id}/annotations",
    response_model=list[AnnotationRead],
    summary="查看问题批注",
)
async def list_annotations(
    problem_id: ProblemId, session: DbSession, principal: CurrentPrincipal
) -> list[AnnotationRead]:
    problem = await service.get_problem(session, problem_id=problem_id, actor=principal)
    _annotator(principal)
    return [
        AnnotationRead.model_validate(n, from_attributes=True)
        for n in await repository.list_annotations(session, problem.id)
    ]


@router.post(
    "/problems/{problem_id}/evidence",
    status_code=status.HTTP_201_CREATED,
    response_model=EvidenceRead,
    summary="上传证据材料",
    description="本组成员上传证据（multipart，字段 file，最大 "
    "10 MB）。按内容识别类型（PDF、JPEG、PNG、"
    "Word、Excel、纯文本），不信任客户端声明；同一内容只存一份（SHA-256）。反馈后不能再上传。",
    responses=conflict("状态不允许") | {413: ERRORS[422], 415: ERRORS[422]},
)
async def upload_evidence(
    problem_id: ProblemId,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    request: Request,
    file: Annotated[UploadFile, File(title="证据文件")],
    filename: Annotated[str | None, Form(max_length=200, title="文件名")] = None,
) -> EvidenceRead:
    problem = await service.get_problem(
        session, problem_id=problem_id, actor=principal, for_update=True
    )
    limit = request.app.state.runtime.settings.evidence_max_bytes
    content = await read_upload(file, max_bytes=limit)
    return await service.attach_evidence(
        session,
        problem=problem,
        content=content,
        filename=filename or file.filename or "file",
        actor=principal,
        now=now,
    )


@router.get(
    "/problems/{problem_id}/evidence/{sha256}",
    summary="下载证据材料",
    description="能查看问题的人可下载其证据。",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}, "description": "文件"}},
)
async def download_evidence(
    problem_id: ProblemId,
    sha256: Annotated[str, Path(pattern=r"^[0-9a-f]{64}$", title="文件摘要")],
    session: DbSession,
    principal: CurrentPrincipal,
) -> Response:
    problem = await service.get_problem(session, problem_id=problem_id, actor=principal)
    found = await repository.evidence_file(session, problem.id, sha256)
    if found is None:
        raise NotFound("证据材料不存在", "No such evidence file", field="sha256")
    attached, stored = found
    return attachment(
        stored.content,
        media_type=stored.media_type,
        ascii_name=sha256[:16],
        filename=attached.filename,
    )
