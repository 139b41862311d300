"""HTTP routes: 村分类（四定量一定性）Village classification. Thin: authorization per record
in the service, commit at the edge."""

from __future__ import annotations

import uuid
from typing import Annotated
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Query, Request, Response, status
from xuncha_shared.auth import Forbidden, Principal, Role
from xuncha_shared.db import DbSession
from xuncha_shared.events.planning import VillageApproach, VillageClass
from xuncha_shared.http import (
    BadCursor,
    CurrentPrincipal,
    ExpectedVersion,
    Now,
    OptionalExpectedVersion,
    Paging,
    decode_cursor,
    split_page,
)
from xuncha_shared.idempotency import Idempotent
from xuncha_shared.problems import NotFound, ProblemDetail
from xuncha_shared.web import created, versioned

from planning.models import Term
from planning.villages import repository, service, views
from planning.villages import steps as workflow_steps
from planning.villages.config import routes as config_routes
from planning.villages.export import XLSX_MEDIA_TYPE, classes_workbook
from planning.villages.repository import ClassificationFilter
from planning.villages.schemas import (
    BatchStepCreate,
    BatchStepResult,
    IndicatorsUpdate,
    StepCreate,
    VillageClassCounts,
    VillageClassificationCreate,
    VillageClassificationPage,
    VillageClassificationRead,
)
from planning.villages.workflow import READER_ROLES, Stage, Step

router = APIRouter(
    tags=["villages"],
    responses={
        401: {"model": ProblemDetail, "description": "未登录"},
        403: {"model": ProblemDetail, "description": "无权限"},
        422: {"model": ProblemDetail, "description": "输入有误"},
    },
)
router.include_router(config_routes.router)

BASE = "/village-classifications"
ClassificationId = Annotated[uuid.UUID, Path(title="村分类编号")]
TermQuery = Annotated[uuid.UUID, Query(title="届次编号")]
TownshipQuery = Annotated[uuid.UUID | None, Query(title="乡镇（街道）编号")]


def _township_scope(principal: Principal, township_id: uuid.UUID | None) -> uuid.UUID | None:
    """The township a caller's lists are limited to: none for the office, the leadership
    and the departments; a township sees only its own villages."""
    if principal.has(*READER_ROLES):
        return township_id
    if principal.has(Role.inspected) and principal.org_id:
        try:
            own = uuid.UUID(principal.org_id)
        except ValueError:
            own = None
        if own is not None and township_id in (None, own):
            return own
    raise Forbidden("无权查看这些村的分类", "You may not see these villages' classifications")


async def _term(session: DbSession, term_id: uuid.UUID, principal: Principal) -> Term:
    term = await repository.get_term(session, term_id)
    if term is None or term.jurisdiction != principal.jurisdiction:
        raise NotFound("届次不存在", "No such term", field="term_id")
    return term


@router.post(
    BASE,
    status_code=status.HTTP_201_CREATED,
    response_model=VillageClassificationRead,
    summary="录入村分类指标",
    description="乡镇（本乡镇所辖村）或巡察办录入某村本届的四项定量指标和定性评价，"
    "系统按现行分类办法计算得分和测算类别，并用文字说明得分。之后依次进行五步程序。"
    "可带 Idempotency-Key。",
    responses={409: {"model": ProblemDetail, "description": "该村本届已录入"}},
)
async def create_classification(
    body: VillageClassificationCreate,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    idempotent: Idempotent,
    request: Request,
    response: Response,
) -> VillageClassificationRead:
    row = await service.create_classification(session, data=body, actor=principal, now=now)
    location = f"{request.url.path}/{row.classification.id}"
    return await created(response, idempotent, views.detail(row, []), location=location)


@router.get(
    BASE,
    response_model=VillageClassificationPage,
    summary="查询村分类",
    description="按届次、乡镇、审定类别、测算类别、当前环节、是否已审定、关键字筛选，按村编码排序，"
    "游标分页。乡镇只能看到本乡镇所辖村。",
)
async def list_classifications(
    session: DbSession,
    principal: CurrentPrincipal,
    paging: Paging,
    term_id: Annotated[uuid.UUID | None, Query(title="届次编号")] = None,
    township_id: TownshipQuery = None,
    village_class: Annotated[list[VillageClass] | None, Query(title="审定类别")] = None,
    scored_class: Annotated[list[VillageClass] | None, Query(title="测算类别")] = None,
    stage: Annotated[list[Stage] | None, Query(title="当前环节")] = None,
    approved: Annotated[bool | None, Query(title="是否已审定")] = None,
    q: Annotated[str | None, Query(max_length=50, title="关键字（村名称或编码）")] = None,
) -> VillageClassificationPage:
    after = decode_cursor(paging.cursor, arity=2)
    after_key: tuple[str, uuid.UUID] | None = None
    if after is not None:
        try:
            after_key = (str(after[0]), uuid.UUID(str(after[1])))
        except ValueError:
            raise BadCursor(
                "分页游标无效，请从第一页重新查询",
                "The cursor is invalid; start again from the first page",
                field="cursor",
            ) from None
    where = ClassificationFilter(
        jurisdiction=principal.jurisdiction,
        term_id=term_id,
        township_id=_township_scope(principal, township_id),
        village_classes=[c.value for c in village_class or []],
        scored_classes=[c.value for c in scored_class or []],
        stages=[s.value for s in stage or []],
        approved=approved,
        q=q,
    )
    rows, total = await repository.list_classifications(
        session, where, after=after_key, limit=paging.limit + 1
    )
    rows, next_cursor = split_page(
        rows, paging.limit, lambda r: [r.village.code, str(r.classification.id)]
    )
    return VillageClassificationPage(
        items=[views.summary(r) for r in rows],
        next_cursor=next_cursor,
        total=total,
    )


@router.get(
    f"{BASE}/counts",
    response_model=VillageClassCounts,
    summary="村分类进度与分布",
    description="某届（可限某乡镇）村分类的进度和结果：已录入、未录入、各环节、各测算类别、"
    "各审定类别和巡察方式的村数。",
)
async def count_classifications(
    session: DbSession,
    principal: CurrentPrincipal,
    term_id: TermQuery,
    township_id: TownshipQuery = None,
) -> VillageClassCounts:
    township = _township_scope(principal, township_id)
    term = await _term(session, term_id, principal)
    where = ClassificationFilter(
        jurisdiction=principal.jurisdiction, term_id=term.id, township_id=township
    )
    C = repository.C
    stages = await repository.count_by(session, where, C.stage)
    scored = await repository.count_by(session, where, C.scored_class)
    classes = await repository.count_by(session, where, C.village_class)
    approaches = await repository.count_by(session, where, C.approach)
    villages = sum(
        (
            await repository.villages_by_township(
                session, jurisdiction=principal.jurisdiction, township_id=township
            )
        ).values()
    )
    entered = sum(stages.values())
    approved = sum(n for k, n in classes.items() if k is not None)
    return VillageClassCounts(
        term_id=term.id,
        township_id=township,
        villages=villages,
        entered=entered,
        not_entered=max(villages - entered, 0),
        approved=approved,
        unapproved=entered - approved,
        by_stage={s: stages.get(s.value, 0) for s in Stage},
        by_scored_class={c: scored.get(c.value, 0) for c in VillageClass},
        by_class={c: classes.get(c.value, 0) for c in VillageClass},
        by_approach={a: approaches.get(a.value, 0) for a in VillageApproach},
    )


@router.get(
    f"{BASE}/export",
    summary="导出村分类结果（XLSX）",
    description="某届（可限某乡镇）各村的指标、得分、测算类别、当前环节、审定类别、巡察方式和"
    "审定时间，另附按乡镇的汇总表。",
    response_class=Response,
    responses={200: {"content": {XLSX_MEDIA_TYPE: {}}, "description": "Excel 工作簿"}},
)
async def export_classifications(
    request: Request,
    session: DbSession,
    principal: CurrentPrincipal,
    term_id: TermQuery,
    township_id: TownshipQuery = None,
) -> Response:
    township = _township_scope(principal, township_id)
    term = await _term(session, term_id, principal)
    where = ClassificationFilter(
        jurisdiction=principal.jurisdiction, term_id=term.id, township_id=township
    )
    rows = await repository.all_classifications(session, where)
    villages = await repository.villages_by_township(
        session, jurisdiction=principal.jurisdiction, township_id=township
    )
    ids = {k for k in villages if k is not None} | {
        r.village.parent_id for r in rows if r.village.parent_id is not None
    }
    content = classes_workbook(
        term_name=term.name,
        rows=rows,
        villages=villages,
        townships=await repository.townships(session, sorted(ids)),
        tz=ZoneInfo(request.app.state.runtime.settings.timezone),
    )
    filename = quote(f"{term.name}村分类结果.xlsx")
    return Response(
        content,
        media_type=XLSX_MEDIA_TYPE,
        headers={
            "Content-Disposition": f"attachment; filename=village-classes.xlsx; "
            f"filename*=UTF-8''{filename}"
        },
    )


@router.post(
    f"{BASE}/batch-steps",
    response_model=BatchStepResult,
    summary="批量记录分类环节",
    description="一次会议对多个村的同一环节（如领导小组调整、党委审定）："
    "全部可办才记录，否则逐条说明原因、一条也不记录。党委审定的每个村发布“村分类已审定”事件。"
    "可带 Idempotency-Key。",
    responses={409: {"model": ProblemDetail, "description": "有村不在可进行该环节的阶段"}},
)
async def batch_steps(
    body: BatchStepCreate,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    idempotent: Idempotent,
) -> BatchStepResult:
    rows = await workflow_steps.record_steps_batch(session, data=body, actor=principal, now=now)
    result = BatchStepResult(
        step=body.step,
        recorded=len(rows),
        approved=len(rows) if body.step is Step.committee_approval else 0,
        items=[views.summary(r) for r in rows],
    )
    await idempotent.remember(result)
    return result


@router.get(
    f"{BASE}/{{classification_id}}",
    response_model=VillageClassificationRead,
    summary="查看村分类",
    description="指标、得分及文字说明、五步程序记录（经办人、身份、时间、意见）、可进行的下一环节。",
)
async def get_classification(
    classification_id: ClassificationId,
    session: DbSession,
    principal: CurrentPrincipal,
    response: Response,
) -> VillageClassificationRead:
    row = await service.get_for(session, classification_id=classification_id, actor=principal)
    steps = await repository.steps_of(session, [classification_id])
    return versioned(response, views.detail(row, steps[classification_id]))


@router.put(
    f"{BASE}/{{classification_id}}/indicators",
    response_model=VillageClassificationRead,
    summary="修改村分类指标",
    description="按现行分类办法重新计分。乡镇在提名前可改，巡察办在党委审定前可改。须带 If-Match。",
    responses={
        409: {"model": ProblemDetail, "description": "当前环节不能再修改"},
        412: {"model": ProblemDetail, "description": "已被他人修改"},
        428: {"model": ProblemDetail, "description": "缺少 If-Match"},
    },
)
async def put_indicators(
    classification_id: ClassificationId,
    body: IndicatorsUpdate,
    session: DbSession,
    principal: CurrentPrincipal,
    expected: ExpectedVersion,
    now: Now,
    response: Response,
) -> VillageClassificationRead:
    row = await service.update_indicators(
        session,
        classification_id=classification_id,
        data=body,
        expected_version=expected,
        actor=principal,
        now=now,
    )
    steps = await repository.steps_of(session, [classification_id])
    return versioned(response, views.detail(row, steps[classification_id]))


@router.post(
    f"{BASE}/{{classification_id}}/steps",
    status_code=status.HTTP_201_CREATED,
    response_model=VillageClassificationRead,
    summary="记录分类环节",
    description="五步程序依次进行：乡镇提名（乡镇或巡察办）→ 巡察办实地调研（巡察办）→ "
    "相关部门意见（纪委监委、组织部及其他部门，可各提一次）→ 领导小组调整（领导小组）→ "
    "党委审定（领导小组代为记录）。顺序不对返回 409 并给出可进行的下一环节；"
    "只有党委审定确定类别和巡察方式，并发布“村分类已审定”事件。"
    "If-Match 可选；可带 Idempotency-Key。",
    responses={
        409: {"model": ProblemDetail, "description": "环节顺序不对或已审定"},
        412: {"model": ProblemDetail, "description": "已被他人修改"},
    },
)
async def record_step(
    classification_id: ClassificationId,
    body: StepCreate,
    session: DbSession,
    principal: CurrentPrincipal,
    expected: OptionalExpectedVersion,
    now: Now,
    idempotent: Idempotent,
    response: Response,
) -> VillageClassificationRead:
    row, steps = await workflow_steps.record_step(
        session,
        classification_id=classification_id,
        data=body,
        expected_version=expected,
        actor=principal,
        now=now,
    )
    result = versioned(response, views.detail(row, steps))
    await idempotent.remember(result, status_code=201)
    return result
