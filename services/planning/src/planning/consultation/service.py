"""The office's side of the pre-inspection consultation (巡前函询, 001, 002): send a request
to a department, extend its deadline, close it, read requests. Keyword-only arguments; they
flush, never commit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Forbidden, Principal, Role
from xuncha_shared.events.planning import (
    ConsultationChased,
    ConsultationClosed,
    ConsultationDeadlineExtended,
    ConsultationRequested,
    ConsultationTopic,
    RoundStatus,
)
from xuncha_shared.http import check_version
from xuncha_shared.messaging import emit
from xuncha_shared.orgs import OrgKind
from xuncha_shared.problems import Conflict, FieldError, NotFound, Unprocessable
from xuncha_shared.workdays import CalendarBasis, local_day

from planning.calendar import repository as calendar_repository
from planning.consultation import repository
from planning.consultation.access import Access
from planning.consultation.deadlines import end_of_day, remind_at
from planning.consultation.models import Consultation, ConsultationOrg
from planning.consultation.schemas import (
    ConsultationCreate,
    ConsultationStatus,
    ConsultationUpdate,
)
from planning.consultation.settings import effective_settings
from planning.models import Org, Round

# A consultation informs the inspection, so it makes no sense once the groups report.
_ASKING_STAGES = frozenset({RoundStatus.planned, RoundStatus.mobilized, RoundStatus.on_site})
# An extension further out than this is a typo, not a deadline.
MAX_EXTENSION = timedelta(days=366)


def office_of(actor: Principal, what_zh: str, what_en: str) -> Principal:
    """403 unless the caller is the office."""
    if not actor.has(Role.office):
        raise Forbidden(f"只有巡察办可以{what_zh}", f"Only the inspection office may {what_en}")
    return actor


# --- requests -------------------------------------------------------------------------------


async def _round_for(session: AsyncSession, round_id: uuid.UUID, actor: Principal) -> Round:
    rnd = await repository.get_round(session, round_id)
    if rnd is None or rnd.jurisdiction != actor.jurisdiction:
        raise Unprocessable("轮次不存在", "No such round", field="round_id", code="no-round")
    if rnd.status not in _ASKING_STAGES:
        raise Conflict(
            f"{rnd.name}已进入报告及以后阶段，不能再发出巡前函询",
            f"{rnd.name} is past the on-site stage; consultations are no longer sent",
            field="round_id",
            code="round-past-on-site",
        )
    return rnd


async def _department(session: AsyncSession, org_id: uuid.UUID, jurisdiction: str) -> Org:
    org = await repository.get_org(session, org_id)
    if org is None or org.jurisdiction != jurisdiction:
        raise Unprocessable(
            "被函询部门不存在",
            "No such department",
            field="department_org_id",
            code="no-department",
        )
    if org.kind != OrgKind.department:
        raise Unprocessable(
            f"{org.name}不是部门，不能作为被函询单位",
            f"{org.name} is not a department and cannot be consulted",
            field="department_org_id",
            code="not-a-department",
        )
    return org


async def _orgs_to_ask(
    session: AsyncSession, rnd: Round, department: Org, requested: Sequence[uuid.UUID] | None
) -> list[Org]:
    """The orgs to ask about, in code order: the round's assigned orgs by default."""
    assigned = await repository.assigned_org_ids(session, rnd.id)
    if requested is None:
        if not assigned:
            raise Unprocessable(
                "本轮尚未分配巡察任务，请列出要函询的被巡察对象",
                "The round has no assignments yet; list the orgs to ask about",
                field="org_ids",
                code="no-assigned-orgs",
            )
        requested = assigned
    found = await repository.orgs_by_id(session, requested)
    errors: list[FieldError] = []
    seen: set[uuid.UUID] = set()
    for i, org_id in enumerate(requested):
        org = found.get(org_id)
        if org_id in seen:
            errors.append(_org_error(i, "duplicate-org", "重复列出", "is listed twice"))
        elif org is None or (org.jurisdiction != rnd.jurisdiction and org_id not in assigned):
            errors.append(_org_error(i, "no-org", "不存在", "does not exist"))
        elif org_id == department.id:
            errors.append(
                _org_error(i, "department-itself", "是被函询部门本身", "is the department asked")
            )
        seen.add(org_id)
    if errors:
        raise Unprocessable(
            f"被巡察对象有误：{errors[0].message_zh}",
            f"Invalid orgs: {errors[0].message_en}",
            field=errors[0].field,
            code=errors[0].code,
            errors=errors,
        )
    return sorted((found[i] for i in requested), key=lambda o: o.code)


def _org_error(i: int, code: str, zh: str, en: str) -> FieldError:
    return FieldError(
        field=f"org_ids.{i}",
        code=code,
        message_zh=f"第 {i + 1} 个被巡察对象{zh}",
        message_en=f"Org {i + 1} {en}",
    )


async def request_consultation(
    session: AsyncSession, *, data: ConsultationCreate, actor: Principal, now: datetime
) -> Consultation:
    """Send a consultation to a department about orgs of a round, due in the jurisdiction's
    working days, and emit ``consultation.requested``.

    The same department is not asked twice about an org of the round while an earlier
    request for it is still open.
    """
    rnd = await _round_for(session, data.round_id, actor)
    department = await _department(session, data.department_org_id, rnd.jurisdiction)
    orgs = await _orgs_to_ask(session, rnd, department, data.org_ids)
    twice = await repository.already_asked(
        session, round_id=rnd.id, department_org_id=department.id, org_ids=[o.id for o in orgs]
    )
    if twice:
        names = "、".join(o.name for o in orgs if o.id in set(twice))
        raise Conflict(
            f"已向{department.name}函询过{names}，原函询尚未办结",
            f"{department.name} was already asked about {len(twice)} of these orgs in an "
            f"unclosed consultation of this round",
            field="org_ids",
            code="already-asked",
        )
    settings = await effective_settings(session, rnd.jurisdiction)
    workdays = data.reply_workdays or settings.reply_workdays
    calendar = await calendar_repository.jurisdiction_calendar(session, rnd.jurisdiction)
    deadline = calendar.add_workdays(local_day(now), workdays)
    consultation = Consultation(
        jurisdiction=rnd.jurisdiction,
        round_id=rnd.id,
        department_org_id=department.id,
        topics=[t.value for t in data.topics],
        note=data.note or None,
        reply_workdays=workdays,
        sent_at=now,
        due_on=deadline.due,
        deadline_at=end_of_day(deadline.due),
        deadline_approximate=deadline.approximate,
        remind_at=remind_at(calendar, deadline.due, settings.remind_workdays_before, sent_at=now),
        status=ConsultationStatus.pending.value,
        created_by=actor.subject,
        created_at=now,
        updated_at=now,
    )
    session.add(consultation)
    await session.flush()
    session.add_all(ConsultationOrg(consultation_id=consultation.id, org_id=o.id) for o in orgs)
    await session.flush()
    await emit(
        session,
        ConsultationRequested(
            jurisdiction=consultation.jurisdiction,
            consultation_id=consultation.id,
            round_id=rnd.id,
            department_org_id=department.id,
            org_ids=tuple(o.id for o in orgs),
            topics=tuple(ConsultationTopic(t) for t in consultation.topics),
            reply_workdays=workdays,
            due_on=consultation.due_on,
            deadline_at=consultation.deadline_at,
        ),
    )
    return consultation


async def get_consultation_for(
    session: AsyncSession, *, consultation_id: uuid.UUID, access: Access, for_update: bool = False
) -> Consultation:
    """A consultation the caller may see; else 404."""
    consultation = await repository.get_consultation(
        session, consultation_id, access=access, for_update=for_update
    )
    if consultation is None:
        raise NotFound("巡前函询不存在", "No such consultation", field="consultation_id")
    return consultation


def _not_closed(consultation: Consultation) -> None:
    if consultation.status == ConsultationStatus.closed:
        raise Conflict(
            "函询已办结，不能再修改", "The consultation is closed", code="consultation-closed"
        )


async def update_consultation(
    session: AsyncSession,
    *,
    consultation: Consultation,
    data: ConsultationUpdate,
    expected_version: int,
    actor: Principal,
    now: datetime,
) -> Consultation:
    """Extend the deadline (to a later working day) or change the note; an extension
    emits ``consultation.deadline_extended`` and re-arms the reminders."""
    check_version(consultation.version, expected_version)
    _not_closed(consultation)
    changes = data.model_dump(exclude_unset=True)
    changed = False
    if "note" in changes and (data.note or None) != consultation.note:
        consultation.note = data.note or None
        changed = True
    previous = consultation.due_on
    if data.due_on is not None and data.due_on != previous:
        await _extend(session, consultation, data.due_on, now)
        changed = True
    if not changed:
        return consultation
    consultation.version += 1
    consultation.updated_at = now
    await session.flush()
    if consultation.due_on != previous:
        await emit(
            session,
            ConsultationDeadlineExtended(
                jurisdiction=consultation.jurisdiction,
                consultation_id=consultation.id,
                round_id=consultation.round_id,
                department_org_id=consultation.department_org_id,
                previous_due_on=previous,
                due_on=consultation.due_on,
                deadline_at=consultation.deadline_at,
            ),
        )
    return consultation


async def _extend(
    session: AsyncSession, consultation: Consultation, due_on: date, now: datetime
) -> None:
    def refuse(zh: str, en: str, code: str) -> Unprocessable:
        return Unprocessable(zh, en, field="due_on", code=code)

    if consultation.status != ConsultationStatus.pending:
        raise Conflict(
            "各对象均已答复，无需延期",
            "Every org is answered; there is nothing to extend",
            field="due_on",
            code="already-answered",
        )
    if due_on < consultation.due_on:
        raise refuse("截止日期只能延后", "The deadline can only be extended", "not-later")
    if due_on < local_day(now) or due_on > (now + MAX_EXTENSION).date():
        raise refuse("截止日期须在今后一年内", "The deadline must be within a year", "out-of-range")
    calendar = await calendar_repository.jurisdiction_calendar(session, consultation.jurisdiction)
    if not calendar.is_workday(due_on):
        raise refuse(
            f"{due_on.isoformat()} 不是工作日", f"{due_on} is not a working day", "holiday"
        )
    settings = await effective_settings(session, consultation.jurisdiction)
    consultation.due_on = due_on
    consultation.deadline_at = end_of_day(due_on)
    consultation.deadline_approximate = (
        calendar.basis_for(due_on.year) is CalendarBasis.WEEKENDS_ONLY
    )
    consultation.remind_at = remind_at(
        calendar, due_on, settings.remind_workdays_before, sent_at=now
    )


async def close_consultation(
    session: AsyncSession,
    *,
    consultation: Consultation,
    expected_version: int,
    actor: Principal,
    now: datetime,
) -> Consultation:
    """Close a consultation (办结): answers become final and reminders stop; emits
    ``consultation.closed`` with the orgs left unanswered."""
    check_version(consultation.version, expected_version)
    _not_closed(consultation)
    consultation.status = ConsultationStatus.closed.value
    consultation.closed_at, consultation.closed_by = now, actor.subject
    consultation.version += 1
    consultation.updated_at = now
    await session.flush()
    state = (await repository.progress(session, [consultation.id]))[consultation.id]
    await emit(
        session,
        ConsultationClosed(
            jurisdiction=consultation.jurisdiction,
            consultation_id=consultation.id,
            round_id=consultation.round_id,
            department_org_id=consultation.department_org_id,
            answered_count=state.answered_count,
            org_count=len(state.org_ids),
            unanswered_org_ids=tuple(state.unanswered),
        ),
    )
    return consultation


async def chase_consultation(
    session: AsyncSession,
    *,
    consultation: Consultation,
    expected_version: int,
    now: datetime,
) -> Consultation:
    """Chase the department (催办) for the orgs still unanswered; emits
    ``consultation.chased``. Refused once closed or when every org is answered."""
    check_version(consultation.version, expected_version)
    _not_closed(consultation)
    state = (await repository.progress(session, [consultation.id]))[consultation.id]
    if not state.unanswered:
        raise Conflict(
            "所有对象均已答复，无需催办",
            "Every org is answered; there is nothing to chase",
            code="all-answered",
        )
    consultation.chase_count += 1
    consultation.chased_at = now
    consultation.version += 1
    consultation.updated_at = now
    await session.flush()
    await emit(
        session,
        ConsultationChased(
            jurisdiction=consultation.jurisdiction,
            consultation_id=consultation.id,
            round_id=consultation.round_id,
            department_org_id=consultation.department_org_id,
            due_on=consultation.due_on,
            deadline_at=consultation.deadline_at,
            unanswered_org_ids=tuple(state.unanswered),
            answered_count=state.answered_count,
            org_count=len(state.org_ids),
            chase_number=consultation.chase_count,
        ),
    )
    return consultation
