"""Domain operations on rounds (轮次): schedule, change while planned, move through the
lifecycle, record the leadership group's briefings. Keyword-only arguments; they flush,
never commit.

Lock order, everywhere: the term's row, then the round's. Numbering within a term, and the
coverage judgement when a round reaches feedback, both need the term's lock.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Principal
from xuncha_shared.events.planning import RoundAdvanced, RoundScheduled, RoundUpdated
from xuncha_shared.http import check_version
from xuncha_shared.messaging import emit
from xuncha_shared.problems import Conflict, NotFound, Unprocessable
from xuncha_shared.workdays import local_day

from planning.models import Round, Term
from planning.rounds import access, repository
from planning.rounds.lifecycle import (
    MODE_LABELS_ZH,
    STATUS_LABELS_ZH,
    RoundMode,
    RoundStatus,
    allowed_transitions,
    check_briefing_stage,
    check_transition,
)
from planning.rounds.models import RoundBriefing, RoundTransition
from planning.rounds.schemas import (
    BriefingCreate,
    BriefingRead,
    RoundCreate,
    RoundDetailRead,
    RoundRead,
    RoundUpdate,
    TransitionRead,
)
from planning.terms import coverage
from planning.terms import repository as terms_repository

# Modes whose groups come from another committee (提级 from above, 交叉 from a peer).
OTHER_COMMITTEE_MODES = frozenset({RoundMode.escalated, RoundMode.cross})


def round_read(rnd: Round) -> RoundRead:
    status = RoundStatus(rnd.status)
    mode = RoundMode(rnd.mode)
    return RoundRead(
        id=rnd.id,
        jurisdiction=rnd.jurisdiction,
        term_id=rnd.term_id,
        number=rnd.number,
        name=rnd.name,
        mode=mode,
        mode_zh=MODE_LABELS_ZH[mode],
        theme=rnd.theme,
        focus_checklist=list(rnd.focus_checklist),
        inspecting_jurisdiction=rnd.inspecting_jurisdiction,
        status=status,
        status_zh=STATUS_LABELS_ZH[status],
        allowed_transitions=list(allowed_transitions(status)),
        on_site_from=rnd.on_site_from,
        on_site_until=rnd.on_site_until,
        version=rnd.version,
        created_at=rnd.created_at,
        updated_at=rnd.updated_at,
    )


async def round_detail(session: AsyncSession, rnd: Round) -> RoundDetailRead:
    """A round with its transitions, briefings and how many orgs it inspects."""
    briefings, _ = await repository.briefings_of(session, rnd.id)
    return RoundDetailRead(
        **round_read(rnd).model_dump(),
        orgs_assigned=await repository.assigned_count(session, rnd.id),
        transitions=[
            TransitionRead.model_validate(t)
            for t in await repository.transitions_of(session, rnd.id)
        ],
        briefings=[BriefingRead.model_validate(b) for b in briefings],
    )


def _snapshot(rnd: Round) -> dict[str, Any]:
    return {
        "jurisdiction": rnd.jurisdiction,
        "round_id": rnd.id,
        "term_id": rnd.term_id,
        "number": rnd.number,
        "name": rnd.name,
        "mode": rnd.mode,
        "theme": rnd.theme,
        "focus_checklist": tuple(rnd.focus_checklist),
        "inspecting_jurisdiction": rnd.inspecting_jurisdiction,
        "status": rnd.status,
        "on_site_from": rnd.on_site_from,
        "on_site_until": rnd.on_site_until,
        "version": rnd.version,
    }


def _invalid(zh: str, en: str, field: str, code: str) -> Unprocessable:
    return Unprocessable(zh, en, field=field, code=code)


def check_round(term: Term, values: dict[str, Any]) -> None:
    """The rules a round's fields follow together (create and update alike)."""
    mode = RoundMode(values["mode"])
    if mode is RoundMode.special and not values.get("theme"):
        raise _invalid(
            "专项巡察须填写专项主题", "A special round needs a theme", "theme", "theme-required"
        )
    if mode is RoundMode.special and not values.get("focus_checklist"):
        raise _invalid(
            "专项巡察须列出巡察重点清单",
            "A special round needs a focus checklist",
            "focus_checklist",
            "checklist-required",
        )
    inspecting = values.get("inspecting_jurisdiction")
    if mode in OTHER_COMMITTEE_MODES and not inspecting:
        raise _invalid(
            f"{MODE_LABELS_ZH[mode]}须填写派出巡察组的党委",
            f"A {mode.value} round needs the inspecting committee",
            "inspecting_jurisdiction",
            "inspecting-jurisdiction-required",
        )
    if mode in OTHER_COMMITTEE_MODES and inspecting == term.jurisdiction:
        raise _invalid(
            f"{MODE_LABELS_ZH[mode]}的巡察组须来自另一党委",
            f"The groups of a {mode.value} round come from another committee",
            "inspecting_jurisdiction",
            "inspecting-jurisdiction-same",
        )
    if mode not in OTHER_COMMITTEE_MODES and inspecting is not None:
        raise _invalid(
            "只有提级巡察和交叉巡察由另一党委派出巡察组",
            "Only escalated and cross rounds have another inspecting committee",
            "inspecting_jurisdiction",
            "inspecting-jurisdiction-not-allowed",
        )
    start: date = values["on_site_from"]
    until: date = values["on_site_until"]
    if until < start:
        raise _invalid(
            "撤离日期不能早于进驻日期",
            "The on-site end cannot be before its start",
            "on_site_until",
            "dates-out-of-order",
        )
    for field, day in (("on_site_from", start), ("on_site_until", until)):
        if not term.starts_on <= day <= term.ends_on:
            raise _invalid(
                f"日期 {day} 不在届期（{term.starts_on} 至 {term.ends_on}）内",
                f"{day} is outside the term ({term.starts_on} to {term.ends_on})",
                field,
                "outside-term",
            )


async def _check_number(
    session: AsyncSession, term: Term, number: int, other_than: uuid.UUID | None = None
) -> None:
    taken = await repository.round_numbered(session, term.id, number, other_than=other_than)
    if taken is not None:
        raise Conflict(
            f"本届已有第 {number} 轮（{taken.name}）",
            f"The term already has a round {number} ({taken.name})",
            field="number",
            code="duplicate-number",
        )


async def schedule_round(
    session: AsyncSession, *, term_id: uuid.UUID, data: RoundCreate, actor: Principal, now: datetime
) -> Round:
    """Put a round into a term's plan (``planned``) and emit ``round.scheduled``."""
    term = await access.term_for(session, term_id=term_id, actor=actor, for_update=True)
    values = data.model_dump()
    check_round(term, values)
    number = data.number or await repository.next_round_number(session, term.id)
    await _check_number(session, term, number)
    rnd = Round(
        jurisdiction=term.jurisdiction,
        term_id=term.id,
        number=number,
        name=data.name or f"第{number}轮巡察",
        mode=data.mode.value,
        theme=data.theme,
        focus_checklist=list(data.focus_checklist),
        inspecting_jurisdiction=data.inspecting_jurisdiction,
        status=RoundStatus.planned.value,
        on_site_from=data.on_site_from,
        on_site_until=data.on_site_until,
        created_at=now,
        updated_at=now,
    )
    session.add(rnd)
    await session.flush()
    await emit(session, RoundScheduled.model_validate(_snapshot(rnd)))
    return rnd


async def _lock(session: AsyncSession, rnd: Round) -> tuple[Term, Round]:
    term = await terms_repository.get_term(session, rnd.term_id, for_update=True)
    locked = await repository.get_round(session, rnd.id, for_update=True)
    assert term is not None and locked is not None  # rows are never deleted
    return term, locked


async def update_round(
    session: AsyncSession,
    *,
    round_id: uuid.UUID,
    data: RoundUpdate,
    expected_version: int,
    actor: Principal,
    now: datetime,
) -> Round:
    """Change a round that is still planned and emit ``round.updated``."""
    term, rnd = await _lock(
        session, await access.own_round(session, round_id=round_id, actor=actor)
    )
    if rnd.status != RoundStatus.planned:
        raise Conflict(
            f"轮次已「{STATUS_LABELS_ZH[RoundStatus(rnd.status)]}」，只有计划中的轮次可以修改",
            f"The round is {rnd.status}; only planned rounds can be changed",
            field="status",
            code="round-not-planned",
        )
    check_version(rnd.version, expected_version)
    changes = data.model_dump(exclude_unset=True)
    if "mode" in changes:
        changes["mode"] = RoundMode(changes["mode"]).value
    values = {**_snapshot(rnd), **changes}
    check_round(term, values)
    if "number" in changes:
        await _check_number(session, term, changes["number"], other_than=rnd.id)
    changed = {k: v for k, v in changes.items() if getattr(rnd, k) != v}
    if not changed:
        return rnd
    for key, value in changed.items():
        setattr(rnd, key, value)
    rnd.version += 1
    rnd.updated_at = now
    await session.flush()
    await emit(session, RoundUpdated.model_validate(_snapshot(rnd)))
    return rnd


async def advance_round(
    session: AsyncSession,
    *,
    round_id: uuid.UUID,
    to_status: RoundStatus,
    expected_version: int | None,
    actor: Principal,
    now: datetime,
) -> Round:
    """Move a round to its next stage, record who and when, emit ``round.advanced``; when
    the round reaches feedback, judge the term's coverage (``term.coverage_reached``)."""
    term, rnd = await _lock(
        session, await access.own_round(session, round_id=round_id, actor=actor)
    )
    if expected_version is not None:
        check_version(rnd.version, expected_version)
    from_status = RoundStatus(rnd.status)
    check_transition(from_status, to_status)
    session.add(
        RoundTransition(
            round_id=rnd.id,
            from_status=from_status.value,
            to_status=to_status.value,
            at=now,
            actor=actor.subject,
        )
    )
    rnd.status = to_status.value
    rnd.version += 1
    rnd.updated_at = now
    await session.flush()
    await emit(
        session,
        RoundAdvanced.model_validate(
            {**_snapshot(rnd), "from_status": from_status, "to_status": to_status}
        ),
    )
    if to_status is RoundStatus.feedback:
        await coverage.record_if_reached(session, term=term, round_id=rnd.id, now=now)
    return rnd


async def record_briefing(
    session: AsyncSession,
    *,
    round_id: uuid.UUID,
    data: BriefingCreate,
    actor: Principal,
    now: datetime,
) -> RoundBriefing:
    """Record a briefing of the leadership group on a round (巡前、巡中、巡后听取汇报)."""
    rnd = await access.own_round(session, round_id=round_id, actor=actor)
    term = await terms_repository.get_term(session, rnd.term_id)
    if term is None:
        raise NotFound("届次不存在", "No such term", field="term_id")
    today = local_day(now)
    if data.held_on > today:
        raise _invalid(
            "汇报日期不能晚于今天", "A briefing cannot be held in the future", "held_on", "future"
        )
    if not term.starts_on <= data.held_on <= term.ends_on:
        raise _invalid(
            f"汇报日期不在届期（{term.starts_on} 至 {term.ends_on}）内",
            f"The date is outside the term ({term.starts_on} to {term.ends_on})",
            "held_on",
            "outside-term",
        )
    check_briefing_stage(RoundStatus(rnd.status), data.stage)
    briefing = RoundBriefing(
        round_id=rnd.id,
        stage=data.stage.value,
        held_on=data.held_on,
        summary=data.summary,
        recorded_by=actor.subject,
        created_at=now,
    )
    session.add(briefing)
    await session.flush()
    return briefing
