"""The promotion check: whether rectification a cadre owns, or his org's, is overdue or
unaccepted past its deadline; for a rostered person (领导班子名册), also the accountability
records (追责问责) that held him accountable, for the integrity opinion (廉政意见).

The same person is the roster entry asked about, or any other entry the roster links to it by
the same platform account (his earlier posts and terms); entries without an account are
matched only by themselves, never by name."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Principal
from xuncha_shared.events.rectification import TaskKind, TypicalCaseKind
from xuncha_shared.events.rectification.accountability import AccountabilityForm, DecidingBody
from xuncha_shared.problems import NotFound
from xuncha_shared.roster import CadreRank
from xuncha_shared.workdays import local_day

from rectification.accountability.repository import records_naming_person
from rectification.plans.repository import org_names
from rectification.promotion import repository
from rectification.promotion.schemas import AccountabilityNamed, BlockingTask, PromotionCheck


async def check(
    session: AsyncSession,
    *,
    actor: Principal,
    account: str | None,
    person: str | None,
    org_id: uuid.UUID | None,
    now: datetime,
    member_id: uuid.UUID | None = None,
) -> PromotionCheck:
    """Whether rectification the subject owns is overdue or done but unaccepted past its
    deadline, and which tasks; for a roster entry, the accountability naming the person."""
    today = local_day(now)
    member = None
    named: list[AccountabilityNamed] = []
    if member_id is not None:
        member = await repository.roster_entry(
            session, jurisdiction=actor.jurisdiction, member_id=member_id
        )
        if member is None:
            raise NotFound("名册中没有这个条目", "No such roster entry", field="member_id")
        named = await accountability_naming_person(
            session, jurisdiction=actor.jurisdiction, member_id=member_id
        )
    rows = await repository.blocking_tasks(
        session,
        jurisdiction=actor.jurisdiction,
        today=today,
        account=account,
        person=person,
        org_id=org_id,
        member=member,
    )
    tasks = [
        BlockingTask(
            task_id=r.id,
            plan_id=r.plan_id,
            round_id=r.round_id,
            org_id=r.org_id,
            org_name=r.org_name,
            category_name=r.category_name,
            description=r.description,
            kind=TaskKind(r.kind),
            responsible_person=r.responsible_person,
            owner_name=r.owner_name,
            due_on=r.due_on,
            days_overdue=(today - r.due_on).days,
            status=r.status,
            claimed_at=r.claimed_at,
            reason_zh="已申请销号，逾期尚未验收通过" if r.status == "claimed" else "逾期未完成整改",
        )
        for r in rows
    ]
    return PromotionCheck(
        account=account,
        person=person,
        org_id=org_id,
        member_id=member_id,
        member_name=member.name if member is not None else None,
        as_of=today,
        blocking=bool(tasks),
        tasks=tasks,
        accountability=named,
    )


async def accountability_naming_person(
    session: AsyncSession, *, jurisdiction: str, member_id: uuid.UUID
) -> list[AccountabilityNamed]:
    """The accountability records that held the rostered person accountable, latest first."""
    found = await records_naming_person(session, jurisdiction=jurisdiction, member_id=member_id)
    names = await org_names(session, [r.org_id for r, _ in found])
    return [
        AccountabilityNamed(
            accountability_id=r.id,
            org_id=r.org_id,
            org_name=names.get(r.org_id),
            member_id=p.member_id,
            post_title=p.post_title,
            rank=CadreRank(p.rank),
            form=AccountabilityForm(p.form),
            failure=TypicalCaseKind(r.failure),
            deciding_body=DecidingBody(r.deciding_body),
            decided_on=r.decided_on,
        )
        for r, p in found
    ]
