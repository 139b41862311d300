"""Accountability (追责问责, 沅陵 004: "对不整改以及整改不力、敷衍塞责、弄虚作假 … 的单位和相关
责任人，依规依纪严肃追责问责"; 海东 "问责追责103起、149人次 … 处理县处级干部9人，乡科级干部52人，
一般干部42人"; 孟州, 蛟河): the office or discipline records who was held accountable for an
org's weak, perfunctory, fake or refused rectification.

* A record is one case (一起) about one org of the jurisdiction; it may concern the org's plan
  or some of its tasks. Each person held accountable (一人次) is an entry of the org's
  leadership roster (领导班子名册), with a form (诫勉谈话 … 政务处分); his name, post and rank
  are taken from the roster when he is added and kept, so a later promotion does not move
  the count of the rank he was held accountable at.
* Who: the office and discipline of the jurisdiction record and correct (If-Match); the
  leading group and organization read the ledger. The inspected orgs and the leaders in
  charge read none of it: accountability reaches an org only when the office publishes it
  in a circular (典型案例通报, ``circulars/``).
* Events ``accountability.recorded`` / ``accountability.corrected`` carry ids, the org and
  the counts of persons by rank and by form: never names, roster entries or the basis.

Keyword-only arguments; they flush, never commit.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Forbidden, Principal, Role
from xuncha_shared.events.rectification import TypicalCaseKind
from xuncha_shared.events.rectification.accountability import (
    AccountabilityCorrected,
    AccountabilityForm,
    AccountabilityRecorded,
    AccountabilitySnapshot,
    DecidingBody,
    FormCount,
    RankCount,
)
from xuncha_shared.http import check_version
from xuncha_shared.messaging import emit
from xuncha_shared.problems import NotFound, Unprocessable
from xuncha_shared.roster import ROSTER_POST_LABELS_ZH, CadreRank, RosterPost

from rectification.access.policy import access_for
from rectification.accountability import repository
from rectification.accountability.models import AccountabilityRecord, AccountablePerson
from rectification.accountability.schemas import (
    AccountabilityCreate,
    AccountabilityRead,
    AccountabilityUpdate,
    AccountablePersonRead,
    PersonHeld,
)
from rectification.plans.repository import org_names
from rectification.plans.service import get_plan_for, get_task_for

ACCOUNTABILITY_WRITERS = frozenset({Role.office, Role.discipline})
ACCOUNTABILITY_READERS = frozenset(
    {Role.office, Role.leadership, Role.discipline, Role.organization}
)


def require_accountability_writer(actor: Principal) -> None:
    """403 unless the caller is the office or discipline (of his own jurisdiction: records
    of another one are as good as missing)."""
    if not actor.has(*ACCOUNTABILITY_WRITERS):
        raise Forbidden(
            "只有巡察办和纪委监委可以记录和更正追责问责",
            "Only the office and discipline record and correct accountability",
        )


def require_accountability_reader(actor: Principal) -> None:
    """403 unless the caller is an overseer of rectification (not an inspected org, not a
    leader in charge: accountability reaches them only through a circular)."""
    if not actor.has(*ACCOUNTABILITY_READERS):
        raise Forbidden(
            "追责问责台账仅向巡察办、领导小组、纪委监委和组织部开放",
            "The accountability ledger is open to the office, leadership, discipline and "
            "organization only",
        )


async def get_record_for(
    session: AsyncSession, *, record_id: uuid.UUID, actor: Principal, for_update: bool = False
) -> AccountabilityRecord:
    """The record of the caller's jurisdiction, else 404."""
    row = await repository.record_of(
        session, record_id=record_id, jurisdiction=actor.jurisdiction, for_update=for_update
    )
    if row is None:
        raise NotFound(
            "问责记录不存在或无权查看", "No such accountability record", field="accountability_id"
        )
    return row


async def record_reads(
    session: AsyncSession, rows: Sequence[AccountabilityRecord]
) -> list[AccountabilityRead]:
    """Records with their persons and org names."""
    persons = await repository.persons_of(session, [r.id for r in rows])
    names = await org_names(session, [r.org_id for r in rows])
    return [
        AccountabilityRead.model_validate(r).model_copy(
            update={
                "org_name": names.get(r.org_id),
                "persons": [AccountablePersonRead.model_validate(p) for p in persons[r.id]],
            }
        )
        for r in rows
    ]


async def record_accountability(
    session: AsyncSession, *, data: AccountabilityCreate, actor: Principal, now: datetime
) -> AccountabilityRecord:
    """A new record of the caller's jurisdiction; emits ``accountability.recorded``."""
    require_accountability_writer(actor)
    if not await repository.org_in(session, org_id=data.org_id, jurisdiction=actor.jurisdiction):
        raise Unprocessable(
            "被巡察对象不在本辖区", "The org is not one of the jurisdiction's", field="org_id"
        )
    row = AccountabilityRecord(
        jurisdiction=actor.jurisdiction,
        org_id=data.org_id,
        failure=data.failure.value,
        deciding_body=data.deciding_body.value,
        decided_on=data.decided_on,
        basis=data.basis,
        created_at=now,
        created_by=actor.subject,
        updated_at=now,
        updated_by=actor.subject,
    )
    await _concerning(session, row, plan_id=data.plan_id, task_ids=data.task_ids, actor=actor)
    session.add(row)
    await session.flush()
    persons = await _persons(session, row, data.persons, kept={})
    await repository.replace_persons(session, row.id, persons)
    await emit(session, _snapshot(AccountabilityRecorded, row, persons, now))
    return row


async def correct_accountability(
    session: AsyncSession,
    *,
    row: AccountabilityRecord,
    data: AccountabilityUpdate,
    expected_version: int,
    actor: Principal,
    now: datetime,
) -> AccountabilityRecord:
    """Correct the record (the fields given); a person kept keeps the rank he was recorded
    with. Emits ``accountability.corrected`` with the whole record's counts."""
    require_accountability_writer(actor)
    check_version(row.version, expected_version)
    given = data.model_dump(exclude_unset=True)
    if data.failure is not None:
        row.failure = data.failure.value
    if data.deciding_body is not None:
        row.deciding_body = data.deciding_body.value
    if data.decided_on is not None:
        row.decided_on = data.decided_on
    if data.basis is not None:
        row.basis = data.basis
    if "plan_id" in given or "task_ids" in given:
        await _concerning(
            session,
            row,
            plan_id=data.plan_id if "plan_id" in given else row.plan_id,
            task_ids=(data.task_ids or []) if "task_ids" in given else row.task_ids,
            actor=actor,
        )
    current = (await repository.persons_of(session, [row.id]))[row.id]
    persons = current
    if data.persons is not None:
        persons = await _persons(session, row, data.persons, kept={p.member_id: p for p in current})
        await repository.replace_persons(session, row.id, persons)
    row.version += 1
    row.updated_at = now
    row.updated_by = actor.subject
    await session.flush()
    await emit(session, _snapshot(AccountabilityCorrected, row, persons, now))
    return row


async def _concerning(
    session: AsyncSession,
    row: AccountabilityRecord,
    *,
    plan_id: uuid.UUID | None,
    task_ids: Sequence[uuid.UUID],
    actor: Principal,
) -> None:
    """Set what the record concerns: tasks of its org (their one plan follows), or a plan of
    its org, or neither (the org's rectification as a whole)."""
    access = access_for(actor)
    plan_ids: set[uuid.UUID] = set()
    round_ids: set[uuid.UUID] = set()
    for task_id in dict.fromkeys(task_ids):
        task = await get_task_for(session, task_id=task_id, access=access)
        if task.org_id != row.org_id:
            raise Unprocessable(
                "整改任务不属于该被巡察对象",
                "The task is not one of the org's",
                field="task_ids",
            )
        plan_ids.add(task.plan_id)
        round_ids.add(task.round_id)
    if plan_id is not None:
        plan = await get_plan_for(session, plan_id=plan_id, access=access)
        if plan.org_id != row.org_id:
            raise Unprocessable(
                "整改方案不属于该被巡察对象", "The plan is not one of the org's", field="plan_id"
            )
        plan_ids.add(plan.id)
        round_ids.add(plan.round_id)
    if len(plan_ids) > 1:
        raise Unprocessable(
            "一起问责涉及的整改任务须属于同一整改方案",
            "The tasks of one record belong to one plan",
            field="task_ids",
        )
    row.task_ids = list(dict.fromkeys(task_ids))
    row.plan_id = next(iter(plan_ids), None)
    row.round_id = next(iter(round_ids), None)


async def _persons(
    session: AsyncSession,
    row: AccountabilityRecord,
    given: Sequence[PersonHeld],
    *,
    kept: dict[uuid.UUID, AccountablePerson],
) -> list[AccountablePerson]:
    """The persons as roster entries of the record's org (each once), with the name, post
    and rank the roster gives now, or the ones already recorded for a person kept."""
    entries = await repository.roster_entries(session, [p.member_id for p in given])
    seen: set[uuid.UUID] = set()
    out: list[AccountablePerson] = []
    for i, person in enumerate(given):
        field = f"persons[{i}].member_id"
        if person.member_id in seen:
            raise Unprocessable(
                "同一人在一起问责中只能出现一次", "A person appears once", field=field
            )
        seen.add(person.member_id)
        before = kept.get(person.member_id)
        entry = entries.get(person.member_id)
        if before is None and (
            entry is None or entry.org_id != row.org_id or entry.jurisdiction != row.jurisdiction
        ):
            raise Unprocessable(
                "被问责人须为该单位领导班子名册中的人员",
                "A person held accountable is an entry of the org's leadership roster",
                field=field,
            )
        if before is not None:
            name, post_title, rank = before.name, before.post_title, before.rank
        else:
            assert entry is not None
            name, post_title, rank = entry.name, _post_title(entry), entry.rank
        out.append(
            AccountablePerson(
                record_id=row.id,
                position=i + 1,
                member_id=person.member_id,
                name=name,
                post_title=post_title,
                rank=rank,
                form=person.form.value,
            )
        )
    return out


def _post_title(entry: Row[Any]) -> str:
    title: str | None = entry.post_title
    return title or ROSTER_POST_LABELS_ZH[RosterPost(entry.post)]


def _snapshot(
    cls: type[AccountabilitySnapshot],
    row: AccountabilityRecord,
    persons: Sequence[AccountablePerson],
    now: datetime,
) -> AccountabilitySnapshot:
    ranks = Counter(CadreRank(p.rank) for p in persons)
    forms = Counter(AccountabilityForm(p.form) for p in persons)
    return cls(
        jurisdiction=row.jurisdiction,
        accountability_id=row.id,
        org_id=row.org_id,
        round_id=row.round_id,
        plan_id=row.plan_id,
        task_ids=tuple(row.task_ids),
        failure=TypicalCaseKind(row.failure),
        deciding_body=DecidingBody(row.deciding_body),
        decided_on=row.decided_on,
        persons=len(persons),
        by_rank=tuple(RankCount(rank=r, persons=n) for r, n in sorted(ranks.items())),
        by_form=tuple(FormCount(form=f, persons=n) for f, n in sorted(forms.items())),
        version=row.version,
        at=now,
    )
