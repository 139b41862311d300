"""The office's side of the ledger: proposal (by a group), joint review, transfer, keeper,
closing; and the helpers every change goes through (lock, version, move, audit, event).
Keyword-only arguments; flush, never commit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.assignments import get_round, is_group_member
from xuncha_shared.auth import Forbidden, Role
from xuncha_shared.calendar import load_calendar
from xuncha_shared.events.clues import (
    ClueClosed,
    ClueEvent,
    ClueProposed,
    ClueReviewed,
    ClueStatus,
    ClueTransferred,
    Disposal,
)
from xuncha_shared.http import check_version
from xuncha_shared.messaging import emit
from xuncha_shared.problems import Unprocessable

from clues.audit import service as audit
from clues.chase.limits import effective_limits, local_day
from clues.config import DeadlineDefaults
from clues.crypto import Sealer
from clues.ledger import repository
from clues.ledger.access import Viewer, readable, require_keeper
from clues.ledger.lifecycle import ClueAction, allowed_actions, move
from clues.ledger.models import Clue, ClueNote
from clues.ledger.schemas import (
    ClueCategory,
    ClueCreate,
    ClueDetail,
    ClueSummary,
    KeeperWrite,
    NoteRead,
    OutcomeRead,
    PersonNamed,
    RecipientKind,
    ReviewRead,
    ReviewWrite,
    TransferWrite,
)
from clues.ledger.stages import StageClock, stage_state
from clues.models import ASSIGNMENTS, CALENDAR


def _not_synced(field: str, what_zh: str, what_en: str) -> Unprocessable:
    return Unprocessable(
        f"{what_zh}不存在，或尚未同步到线索服务（请稍后重试）",
        f"No such {what_en}, or it may not have synchronised to the clues service yet; "
        "retry shortly",
        field=field,
        code="unknown-source",
    )


def event_of(cls: type[ClueEvent], clue: Clue, **extra: Any) -> ClueEvent:
    """A clue event: ids, status, recipient and counts only (never the sealed content)."""
    return cls(
        jurisdiction=clue.jurisdiction,
        clue_id=clue.id,
        round_id=clue.round_id,
        org_id=clue.org_id,
        source_problem_id=clue.source_problem_id,
        source_report_id=clue.source_report_id,
        status=ClueStatus(clue.status),
        recipient_org_id=clue.recipient_org_id,
        priority=clue.priority,
        keeper_account=clue.keeper_account,
        version=clue.version,
        **extra,
    )


async def add_note(
    session: AsyncSession,
    *,
    clue: Clue,
    kind: str,
    text: str,
    by: str,
    sealer: Sealer,
    now: datetime,
) -> None:
    session.add(
        ClueNote(
            clue_id=clue.id, kind=kind, sealed=sealer.seal_text(text), written_by=by, written_at=now
        )
    )


async def locked(
    session: AsyncSession, *, clue_id: uuid.UUID, who: Viewer, expected_version: int
) -> Clue:
    """The clue, row-locked for a change: 404 if the caller may not see it, 412 if stale."""
    clue = readable(who, await repository.get_clue(session, clue_id, for_update=True))
    check_version(clue.version, expected_version)
    return clue


async def changed(
    session: AsyncSession,
    *,
    clue: Clue,
    action: ClueAction,
    who: Viewer,
    now: datetime,
    event: type[ClueEvent] | None = None,
    event_fields: dict[str, Any] | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Bookkeeping after a change: version, audit entry and the event, in one transaction."""
    clue.version += 1
    clue.updated_at = now
    await session.flush()
    await audit.record(
        session,
        actor=who.principal,
        action=action.value,
        now=now,
        clue_id=clue.id,
        detail={"status": clue.status, "version": clue.version, **(detail or {})},
    )
    if event is not None:
        await emit(session, event_of(event, clue, **(event_fields or {})))


async def propose(
    session: AsyncSession, *, data: ClueCreate, who: Viewer, sealer: Sealer, now: datetime
) -> Clue:
    """A group member proposes a clue from a problem of their own group, or from a public
    report of a round their group works in. The content is sealed before it is stored."""
    actor = who.principal
    if not actor.has(Role.group):
        raise Forbidden(
            "只有巡察组成员可以提出问题线索", "Only inspection group members propose clues"
        )
    if data.source_problem_id is not None:
        problem = await repository.get_problem(session, data.source_problem_id)
        if problem is None or problem.jurisdiction != actor.jurisdiction:
            raise _not_synced("source_problem_id", "来源问题", "problem")
        if not await is_group_member(
            session, ASSIGNMENTS, group_id=problem.group_id, account=actor.subject
        ):
            raise Forbidden(
                "只能就本组发现的问题提出线索",
                "You may only propose clues from your own group's problems",
            )
        round_id, org_id, group_id = problem.round_id, problem.org_id, problem.group_id
    else:
        assert data.source_report_id is not None
        report = await repository.get_report(session, data.source_report_id)
        if report is None or report.jurisdiction != actor.jurisdiction:
            raise _not_synced("source_report_id", "来源信访举报", "public report")
        group_id = await repository.member_in_round(
            session, round_id=report.round_id, account=actor.subject
        )
        if group_id is None:
            raise Forbidden(
                "只能就本组所在轮次的信访举报提出线索",
                "You may only propose clues from public reports of your own round",
            )
        round_id, org_id = report.round_id, report.org_id
    rnd = await get_round(session, ASSIGNMENTS, round_id)
    clue = Clue(
        jurisdiction=actor.jurisdiction,
        round_id=round_id,
        term_id=rnd.term_id if rnd else None,
        org_id=org_id,
        group_id=group_id,
        source_problem_id=data.source_problem_id,
        source_report_id=data.source_report_id,
        category=data.category.value,
        priority=data.priority,
        amount_yuan=data.amount_yuan,
        sealed=sealer.seal(
            {
                "person": data.person.model_dump(mode="json"),
                "allegation": data.allegation,
                "evidence": data.evidence,
            }
        ),
        status=ClueStatus.draft.value,
        proposed_by=actor.subject,
        proposed_at=now,
        updated_at=now,
        version=1,
    )
    session.add(clue)
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="propose",
        now=now,
        clue_id=clue.id,
        detail={"status": clue.status, "version": 1},
    )
    await emit(session, event_of(ClueProposed, clue))
    return clue


async def review(
    session: AsyncSession,
    *,
    clue_id: uuid.UUID,
    data: ReviewWrite,
    who: Viewer,
    expected_version: int,
    sealer: Sealer,
    now: datetime,
) -> Clue:
    """Record the joint assessment (委领导 + 组办 + 关联室) and its suggestion."""
    clue = await locked(session, clue_id=clue_id, who=who, expected_version=expected_version)
    require_keeper(who, "会商研判线索", "review clues")
    clue.status = move(ClueStatus(clue.status), ClueAction.review).value
    clue.reviewed_at, clue.reviewed_by = now, who.principal.subject
    clue.commission_leader = data.commission_leader
    clue.office_reviewer = data.office_reviewer
    clue.supervision_room = data.supervision_room
    clue.suggested_disposal = data.suggested_disposal.value
    clue.suggested_form = data.suggested_form
    if data.keeper_account is not None:
        clue.keeper_account = data.keeper_account
    elif clue.keeper_account is None:
        clue.keeper_account = who.principal.subject
    if data.opinion:
        await add_note(
            session,
            clue=clue,
            kind="review",
            text=data.opinion,
            by=who.principal.subject,
            sealer=sealer,
            now=now,
        )
    await changed(
        session,
        clue=clue,
        action=ClueAction.review,
        who=who,
        now=now,
        event=ClueReviewed,
    )
    return clue


def default_recipient_kind(category: ClueCategory) -> RecipientKind:
    """选人用人 goes to the organization department, everything else to discipline."""
    if category == ClueCategory.cadre_selection:
        return RecipientKind.organization
    return RecipientKind.discipline


async def transfer(
    session: AsyncSession,
    *,
    clue_id: uuid.UUID,
    data: TransferWrite,
    who: Viewer,
    expected_version: int,
    defaults: DeadlineDefaults,
    now: datetime,
) -> Clue:
    """Transfer (移交) to the recipient; the receipt limit starts now."""
    clue = await locked(session, clue_id=clue_id, who=who, expected_version=expected_version)
    require_keeper(who, "移交线索", "transfer clues")
    clue.status = move(ClueStatus(clue.status), ClueAction.transfer).value
    kind = data.recipient_kind or default_recipient_kind(ClueCategory(clue.category))
    limits = await effective_limits(session, clue.jurisdiction, defaults)
    calendar = await load_calendar(session, CALENDAR, clue.jurisdiction)
    clue.recipient_kind = kind.value
    clue.recipient_org_id = data.recipient_org_id
    clue.transferred_at, clue.transferred_by = now, who.principal.subject
    clue.receipt_due_on = calendar.add_workdays(local_day(now), limits.receipt_workdays).due
    # A re-transfer after a return starts the recipient's side afresh.
    clue.accepted_at = clue.accepted_by = clue.received_by_name = None
    clue.disposal = None
    clue.disposal_at = clue.first_progress_at = clue.last_progress_at = None
    await changed(
        session,
        clue=clue,
        action=ClueAction.transfer,
        who=who,
        now=now,
        event=ClueTransferred,
        event_fields={"transferred_at": now, "receipt_due_on": clue.receipt_due_on},
        detail={"recipient_org_id": str(data.recipient_org_id), "recipient_kind": kind.value},
    )
    return clue


async def set_keeper(
    session: AsyncSession,
    *,
    clue_id: uuid.UUID,
    data: KeeperWrite,
    who: Viewer,
    expected_version: int,
    now: datetime,
) -> Clue:
    """Give the clue to another keeper (one keeper per clue)."""
    clue = await locked(session, clue_id=clue_id, who=who, expected_version=expected_version)
    require_keeper(who, "指定线索管理人", "assign keepers")
    previous = clue.keeper_account
    clue.keeper_account = data.keeper_account
    clue.version += 1
    clue.updated_at = now
    await session.flush()
    await audit.record(
        session,
        actor=who.principal,
        action="keeper",
        now=now,
        clue_id=clue.id,
        detail={"from": previous, "to": data.keeper_account, "version": clue.version},
    )
    return clue


async def close(
    session: AsyncSession, *, clue_id: uuid.UUID, who: Viewer, expected_version: int, now: datetime
) -> Clue:
    """销号: only a concluded clue, i.e. one with an outcome, can be closed."""
    clue = await locked(session, clue_id=clue_id, who=who, expected_version=expected_version)
    require_keeper(who, "销号", "close clues")
    clue.status = move(ClueStatus(clue.status), ClueAction.close).value
    if clue.concluded_at is None or clue.case_filed is None:
        raise Unprocessable(
            "线索尚无办理结果，不能销号",
            "A clue without an outcome cannot be closed",
            field="outcome",
            code="no-outcome",
        )
    clue.closed_at, clue.closed_by = now, who.principal.subject
    await changed(
        session,
        clue=clue,
        action=ClueAction.close,
        who=who,
        now=now,
        event=ClueClosed,
        event_fields={"closed_at": now},
    )
    return clue


# --- reads ---------------------------------------------------------------------------------


def summary(clue: Clue, clock: StageClock) -> ClueSummary:
    """A ledger row: where the clue stands and for how long, never what it says."""
    status = ClueStatus(clue.status)
    stage = stage_state(clue, clock)
    return ClueSummary(
        id=clue.id,
        jurisdiction=clue.jurisdiction,
        status=status,
        round_id=clue.round_id,
        term_id=clue.term_id,
        org_id=clue.org_id,
        group_id=clue.group_id,
        source_problem_id=clue.source_problem_id,
        source_report_id=clue.source_report_id,
        category=ClueCategory(clue.category),
        priority=clue.priority,
        keeper_account=clue.keeper_account,
        recipient_kind=RecipientKind(clue.recipient_kind) if clue.recipient_kind else None,
        recipient_org_id=clue.recipient_org_id,
        disposal=Disposal(clue.disposal) if clue.disposal else None,
        proposed_at=clue.proposed_at,
        reviewed_at=clue.reviewed_at,
        transferred_at=clue.transferred_at,
        receipt_due_on=clue.receipt_due_on,
        accepted_at=clue.accepted_at,
        concluded_at=clue.concluded_at,
        closed_at=clue.closed_at,
        version=clue.version,
        allowed_actions=[a.value for a in allowed_actions(status)],
        stage_since=stage.since,
        stage_age_workdays=stage.age_workdays,
        next_due_on=stage.next_due_on,
        overdue_stages=stage.overdue_stages,
        overdue=bool(stage.overdue_stages),
    )


def outcome_of(clue: Clue) -> OutcomeRead | None:
    if clue.concluded_at is None or clue.case_filed is None:
        return None
    return OutcomeRead(
        concluded_at=clue.concluded_at,
        disposal=Disposal(clue.disposal or Disposal.close.value),
        case_filed=clue.case_filed,
        persons_sanctioned=clue.persons_sanctioned or 0,
        persons_party_sanctioned=clue.persons_party_sanctioned,
        persons_government_sanctioned=clue.persons_government_sanctioned,
        organizational_handlings=clue.organizational_handlings or 0,
        first_form=clue.first_form or 0,
        second_form=clue.second_form or 0,
        third_form=clue.third_form or 0,
        fourth_form=clue.fourth_form or 0,
        money_recovered_yuan=clue.money_recovered_yuan or Decimal("0"),
    )


def opened(clue: Clue, sealer: Sealer) -> dict[str, Any]:
    return sealer.open(clue.sealed)


async def detail(
    session: AsyncSession,
    *,
    clue: Clue,
    who: Viewer,
    sealer: Sealer,
    clock: StageClock,
    now: datetime,
    audited: bool = True,
) -> ClueDetail:
    """The clue with its sealed content opened; the read is written to the audit log."""
    content = opened(clue, sealer)
    notes: Sequence[ClueNote] = await repository.notes_of(session, clue.id)
    review_read = None
    if clue.reviewed_at is not None and clue.reviewed_by is not None:
        review_read = ReviewRead(
            reviewed_at=clue.reviewed_at,
            reviewed_by=clue.reviewed_by,
            commission_leader=clue.commission_leader or "",
            office_reviewer=clue.office_reviewer or "",
            supervision_room=clue.supervision_room or "",
            suggested_disposal=Disposal(clue.suggested_disposal or Disposal.inquiry.value),
            suggested_form=clue.suggested_form or 1,
        )
    if audited:
        await audit.record(
            session,
            actor=who.principal,
            action="read",
            now=now,
            clue_id=clue.id,
            detail={"status": clue.status, "version": clue.version},
        )
    return ClueDetail(
        **summary(clue, clock).model_dump(),
        person=PersonNamed.model_validate(content["person"]),
        allegation=content["allegation"],
        evidence=content["evidence"],
        amount_yuan=clue.amount_yuan,
        proposed_by=clue.proposed_by,
        review=review_read,
        received_by_name=clue.received_by_name,
        progress_count=clue.progress_count,
        first_progress_at=clue.first_progress_at,
        last_progress_at=clue.last_progress_at,
        outcome=outcome_of(clue),
        notes=[
            NoteRead(
                kind=n.kind,
                text=sealer.open_text(n.sealed),
                written_by=n.written_by,
                written_at=n.written_at,
            )
            for n in notes
        ],
    )
