"""Circulars of typical cases (典型案例通报, 沅陵 004: "对典型案例予以全县通报"; 孟州, 蛟河,
海东): the office of a jurisdiction drafts a circular, adds the typical cases of weak,
perfunctory, fake or refused rectification (each an org's rectification plan or one of its
tasks, with the finding in a short text), and publishes it to every org of the jurisdiction.

* Only a draft is edited; a published circular stays as published (its number, its cases).
* Publishing takes the next document number of the jurisdiction's series and emits
  ``circular.published`` (ids and kinds of the cases, never the finding's text); notify tells
  every inspected org of the jurisdiction, and planning counts circulars and cases in the
  office's figures (成绩单).
* Drafts are the overseers' (office, leadership, discipline, organization); the orgs and the
  leaders of the jurisdiction read what was published.

Keyword-only arguments; they flush, never commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Forbidden, Principal, Role
from xuncha_shared.documents import format_document_number, take_document_number
from xuncha_shared.events.rectification import CircularPublished, PublishedCase, TypicalCaseKind
from xuncha_shared.http import check_version
from xuncha_shared.messaging import emit
from xuncha_shared.problems import Conflict, NotFound, Unprocessable
from xuncha_shared.workdays import local_day

from rectification.access.policy import Access, access_for
from rectification.circulars import repository
from rectification.circulars.models import DRAFT, PUBLISHED, Circular, CircularCase
from rectification.circulars.schemas import (
    CaseCreate,
    CaseRead,
    CircularCreate,
    CircularRead,
    CircularUpdate,
)
from rectification.models import DOCUMENT_NUMBERS
from rectification.plans.repository import org_names
from rectification.plans.service import get_plan_for, get_task_for
from rectification.rules.repository import effective_rules

SERIES = "巡整通"
KIND_ZH = {
    TypicalCaseKind.weak: "整改不力",
    TypicalCaseKind.perfunctory: "敷衍整改",
    TypicalCaseKind.fake: "虚假整改",
    TypicalCaseKind.refused: "拒不整改",
}
STATUS_ZH = {DRAFT: "草稿", PUBLISHED: "已印发"}
MAX_CASES = 100


def require_circular_office(actor: Principal, *, jurisdiction: str) -> None:
    """403 unless the caller is the inspection office of the circular's jurisdiction."""
    if not (actor.has(Role.office) and actor.jurisdiction == jurisdiction):
        raise Forbidden(
            "只有本辖区巡察办可以起草和印发典型案例通报",
            "Only the inspection office of the jurisdiction drafts and publishes circulars",
        )


async def get_circular_for(
    session: AsyncSession, *, circular_id: uuid.UUID, access: Access, for_update: bool = False
) -> Circular:
    """The circular if the caller may see it, else 404."""
    row = await repository.visible_circular(
        session, circular_id=circular_id, access=access, for_update=for_update
    )
    if row is None:
        raise NotFound("通报不存在或无权查看", "No such circular", field="circular_id")
    return row


async def circular_reads(session: AsyncSession, rows: Sequence[Circular]) -> list[CircularRead]:
    """Circulars with their cases (and the cases' org names), in order."""
    cases = await repository.cases_of(session, [r.id for r in rows])
    names = await org_names(session, [c.org_id for cs in cases.values() for c in cs])
    return [
        CircularRead.model_validate(r).model_copy(
            update={
                "cases": [
                    CaseRead.model_validate(c).model_copy(update={"org_name": names.get(c.org_id)})
                    for c in cases[r.id]
                ]
            }
        )
        for r in rows
    ]


async def draft_circular(
    session: AsyncSession, *, data: CircularCreate, actor: Principal, now: datetime
) -> Circular:
    """A new draft circular of the office's jurisdiction."""
    require_circular_office(actor, jurisdiction=actor.jurisdiction)
    row = Circular(
        jurisdiction=actor.jurisdiction,
        title=data.title,
        issued_on=data.issued_on,
        opening=data.opening,
        status=DRAFT,
        created_at=now,
        created_by=actor.subject,
        updated_at=now,
    )
    session.add(row)
    await session.flush()
    return row


async def update_circular(
    session: AsyncSession,
    *,
    row: Circular,
    data: CircularUpdate,
    expected_version: int,
    actor: Principal,
    now: datetime,
) -> Circular:
    """Change the draft's title, date or opening."""
    _editable(row, expected_version, actor)
    for name, value in data.model_dump(exclude_unset=True).items():
        setattr(row, name, value)
    _touch(row, now)
    await session.flush()
    return row


async def add_case(
    session: AsyncSession,
    *,
    row: Circular,
    data: CaseCreate,
    expected_version: int,
    actor: Principal,
    now: datetime,
) -> Circular:
    """Add a typical case to the draft: a task of the jurisdiction (its plan follows) or a
    plan; another jurisdiction's record is as good as missing (404)."""
    _editable(row, expected_version, actor)
    if (data.task_id is None) == (data.plan_id is None):
        raise Unprocessable(
            "请填写整改任务或整改方案之一",
            "Give either a task or a plan",
            field="task_id",
        )
    access = access_for(actor)
    if data.task_id is not None:
        task = await get_task_for(session, task_id=data.task_id, access=access)
        plan_id, org_id, round_id = task.plan_id, task.org_id, task.round_id
    else:
        assert data.plan_id is not None
        plan = await get_plan_for(session, plan_id=data.plan_id, access=access)
        plan_id, org_id, round_id = plan.id, plan.org_id, plan.round_id
    position = await repository.next_position(session, row.id)
    if position > MAX_CASES:
        raise Conflict(
            f"一份通报最多{MAX_CASES}个典型案例",
            f"A circular holds at most {MAX_CASES} cases",
            code="too-many-cases",
        )
    session.add(
        CircularCase(
            circular_id=row.id,
            position=position,
            kind=data.kind.value,
            plan_id=plan_id,
            task_id=data.task_id,
            org_id=org_id,
            round_id=round_id,
            finding=data.finding,
            added_at=now,
        )
    )
    _touch(row, now)
    await session.flush()
    return row


async def remove_case(
    session: AsyncSession,
    *,
    row: Circular,
    case_id: uuid.UUID,
    expected_version: int,
    actor: Principal,
    now: datetime,
) -> Circular:
    """Take a case out of the draft."""
    _editable(row, expected_version, actor)
    case = await repository.case_of(session, circular_id=row.id, case_id=case_id)
    if case is None:
        raise NotFound("通报中没有这个案例", "No such case in the circular", field="case_id")
    await repository.remove_case(session, case)
    _touch(row, now)
    await session.flush()
    return row


async def publish_circular(
    session: AsyncSession, *, row: Circular, expected_version: int, actor: Principal, now: datetime
) -> Circular:
    """Publish the draft (at least one case): number it and emit ``circular.published``."""
    _editable(row, expected_version, actor)
    cases = (await repository.cases_of(session, [row.id]))[row.id]
    if not cases:
        raise Conflict(
            "通报至少要有一个典型案例才能印发",
            "A circular needs at least one case to be published",
            code="no-cases",
        )
    rules = await effective_rules(session, row.jurisdiction)
    year = local_day(now).year
    number = await take_document_number(
        session, DOCUMENT_NUMBERS, jurisdiction=row.jurisdiction, series=SERIES, year=year
    )
    row.doc_number = format_document_number(
        issuer_short=rules.issuer_short, series=SERIES, year=year, number=number
    )
    row.status = PUBLISHED
    row.published_at = now
    row.published_by = actor.subject
    _touch(row, now)
    await session.flush()
    await emit(
        session,
        CircularPublished(
            jurisdiction=row.jurisdiction,
            circular_id=row.id,
            doc_number=row.doc_number,
            title=row.title,
            issued_on=row.issued_on,
            cases=tuple(
                PublishedCase(
                    case_id=c.id,
                    kind=TypicalCaseKind(c.kind),
                    org_id=c.org_id,
                    round_id=c.round_id,
                    plan_id=c.plan_id,
                    task_id=c.task_id,
                )
                for c in cases
            ),
            published_at=now,
        ),
    )
    return row


def _editable(row: Circular, expected_version: int, actor: Principal) -> None:
    require_circular_office(actor, jurisdiction=row.jurisdiction)
    check_version(row.version, expected_version)
    if row.status != DRAFT:
        raise Conflict(
            "通报已印发，不能再修改",
            "The circular is published; it cannot change",
            code="published",
        )


def _touch(row: Circular, now: datetime) -> None:
    row.version += 1
    row.updated_at = now
