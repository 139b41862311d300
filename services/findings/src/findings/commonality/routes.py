"""HTTP routes: 共性问题 common problems (see :mod:`findings.commonality.grouping`)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field
from xuncha_shared.auth import Forbidden, Principal, Role
from xuncha_shared.db import DbSession
from xuncha_shared.exports import XLSX_MEDIA_TYPE, attachment, workbook
from xuncha_shared.http import CurrentPrincipal
from xuncha_shared.problems import Unprocessable
from xuncha_shared.web import ERRORS, XLSX

from findings.commonality import repository
from findings.commonality.grouping import Cluster, group
from findings.settings import effective as jurisdiction_settings

router = APIRouter(tags=["common-problems"], responses=ERRORS)
METHOD_ZH = (
    "归类方法：同一问题类别内，把问题描述规范化（全半角统一、去标点空格），按相邻两字（字二元组）切分，"
    "用 rapidfuzz 的 token_set_ratio 计算两两相似度（0-100）；"
    "相似度不低于阈值（本辖区设置，默认 60）的"
    "问题单链接归为一组；涉及至少 min_orgs 个（默认 2 个）不同单位的组即为共性问题。"
)


class OrgRef(BaseModel):
    org_id: uuid.UUID = Field(title="单位编号")
    name: str = Field(title="单位名称")


class CommonProblem(BaseModel):
    key: uuid.UUID = Field(title="组标识", description="组内第一个问题的编号")
    category: str = Field(title="问题类别代码")
    category_name: str = Field(title="问题类别")
    summary: str = Field(title="代表性描述")
    problem_count: int = Field(title="问题数")
    org_count: int = Field(title="涉及单位数")
    orgs: list[OrgRef] = Field(title="涉及单位")
    problem_ids: list[uuid.UUID] = Field(title="问题编号", description="可用于生成巡察建议书")


class CommonProblemList(BaseModel):
    items: list[CommonProblem] = Field(title="共性问题")
    total: int = Field(title="共性问题组数")
    problem_total: int = Field(title="归入共性问题的问题数")
    threshold: int = Field(title="所用相似度阈值")
    method: str = Field(title="归类方法")


def _reader(principal: Principal) -> Principal:
    if not principal.has(Role.office, Role.leadership):
        raise Forbidden(
            "共性问题仅向巡察办和领导小组开放", "Common problems are for the office and leadership"
        )
    return principal


async def compute(
    session: DbSession,
    principal: CurrentPrincipal,
    round_id: Annotated[uuid.UUID | None, Query(title="轮次编号")] = None,
    term_id: Annotated[uuid.UUID | None, Query(title="届次编号")] = None,
    category: Annotated[str | None, Query(max_length=64, title="问题类别代码")] = None,
    threshold: Annotated[
        int | None, Query(ge=30, le=100, title="相似度阈值", description="不填用本辖区设置")
    ] = None,
    min_orgs: Annotated[int, Query(ge=2, le=1000, title="最少涉及单位数")] = 2,
) -> CommonProblemList:
    _reader(principal)
    if (round_id is None) == (term_id is None):
        raise Unprocessable(
            "须且只能指定轮次或届次之一",
            "Give exactly one of round_id and term_id",
            field="round_id",
        )
    rows = await repository.problem_texts(
        session,
        jurisdiction=principal.jurisdiction,
        round_id=round_id,
        term_id=term_id,
        category=category,
    )
    if threshold is None:
        threshold = (
            await jurisdiction_settings.effective(session, principal.jurisdiction)
        ).similarity_threshold
    clusters = group(rows, threshold=threshold, min_orgs=min_orgs)
    names = await repository.org_names(session, {o for c in clusters for o in c.org_ids})
    return CommonProblemList(
        items=[_read(c, names) for c in clusters],
        total=len(clusters),
        problem_total=sum(len(c.items) for c in clusters),
        threshold=threshold,
        method=METHOD_ZH,
    )


def _read(c: Cluster, names: dict[uuid.UUID, str]) -> CommonProblem:
    summary = min((i.description for i in c.items), key=len)
    return CommonProblem(
        key=c.items[0].problem_id,
        category=c.category,
        category_name=c.category_name,
        summary=summary,
        problem_count=len(c.items),
        org_count=len(c.org_ids),
        orgs=[OrgRef(org_id=o, name=names.get(o, "")) for o in c.org_ids],
        problem_ids=[i.problem_id for i in c.items],
    )


@router.get(
    "/common-problems",
    response_model=CommonProblemList,
    summary="共性问题",
    description="一轮或一届中，同一类别、描述相近、出现在多个单位的问题归为一组，列出问题数和涉及单位。"
    + METHOD_ZH
    + "用 POST /letters（kind=recommendation，problem_ids 取某组的）生成巡察建议书。",
)
async def list_common_problems(
    result: Annotated[CommonProblemList, Depends(compute)],
) -> CommonProblemList:
    return result


@router.get(
    "/common-problems.xlsx",
    summary="导出共性问题（Excel）",
    response_class=Response,
    responses=XLSX,
)
async def export_common_problems(
    result: Annotated[CommonProblemList, Depends(compute)],
) -> Response:
    content = workbook(
        "共性问题",
        ("序号", "问题类别", "代表性描述", "问题数", "涉及单位数", "涉及单位"),
        (
            (
                i,
                c.category_name,
                c.summary,
                c.problem_count,
                c.org_count,
                "、".join(o.name for o in c.orgs),
            )
            for i, c in enumerate(result.items, start=1)
        ),
    )
    return attachment(
        content,
        media_type=XLSX_MEDIA_TYPE,
        ascii_name="common-problems.xlsx",
        filename="共性问题.xlsx",
    )
