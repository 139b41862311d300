"""The office's side of the ledger: proposal (by a group), joint review, transfer, keeper,
closing; and the helpers every change goes through (lock, version, move, audit, event).
Keyword-only arguments; flush, never commit."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.assignments import get_round, is_group_member
from xuncha_shared.auth import Forbidden
from xuncha_shared.calendar import load_calendar
from xuncha_shared.events.clues import (
    ClueClosed,
    ClueEvent,
    ClueProposed,
    ClueReviewed,
    ClueStatus,
    ClueTransferred,
)
from xuncha_shared.http import check_version
from xuncha_shared.messaging import emit
from xuncha_shared.problems import Unprocessable
from xuncha_shared.workdays import local_day

from clues.audit import service as audit
from clues.chase.service import effective_limits
from clues.config import DeadlineDefaults
from clues.crypto import Sealer
from clues.ledger import repository
from clues.ledger.access import Viewer, readable, require_keeper
from clues.ledger.lifecycle import ClueAction, move
from clues.ledger.models import Clue, ClueNote
from clues.ledger.recipients import check_recipient
from clues.ledger.schemas import (
    ClueCategory,
    ClueCreate,
    KeeperWrite,
    RecipientKind,
    ReviewWrite,
    TransferWrite,
)
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
        group_id=clue.group_id,
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
    """A group member (the route admits group members only) proposes a clue from a problem
    of their own group, or from a public report of a round their group works in. The content
    is sealed before it is stored."""
    actor = who.principal
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
    await check_recipient(session, clue=clue, kind=kind, recipient_org_id=data.recipient_org_id)
    limits = await effective_limits(session, jurisdiction=clue.jurisdiction, defaults=defaults)
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
