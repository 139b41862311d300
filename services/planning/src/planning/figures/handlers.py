"""The figures' projection: the other services' events become one fact row each
(:mod:`planning.figures.facts` says which), upserted so a redelivered event changes nothing."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.consumer import EventMeta, HandlerRegistry
from xuncha_shared.events.clues import ClueConcluded, ClueTransferRecalled, ClueTransferred
from xuncha_shared.events.findings import FeedbackIssued
from xuncha_shared.events.rectification import (
    CircularPublished,
    InstitutionBuilt,
    TaskAccepted,
    TaskOpened,
)
from xuncha_shared.events.rectification.accountability import (
    AccountabilityCorrected,
    AccountabilityRecorded,
    AccountabilitySnapshot,
)
from xuncha_shared.workdays import local_day

from planning.figures.facts import (
    SOURCES,
    Fact,
    FactKind,
    acceptance_facts,
    accountability_facts,
    circular_facts,
    conclusion_facts,
    feedback_facts,
)
from planning.figures.models import FigureFact


async def record(session: AsyncSession, jurisdiction: str, fact: Fact) -> None:
    """Upsert a fact; a fact whose quantity became 0 (a corrected outcome) is removed."""
    table = FigureFact.__table__  # type: ignore[attr-defined]
    if fact.quantity == 0:
        await session.execute(
            delete(table).where(
                table.c.kind == fact.kind.value, table.c.record_id == fact.record_id
            )
        )
        return
    values = {
        "kind": fact.kind.value,
        "record_id": fact.record_id,
        "jurisdiction": jurisdiction,
        "source": SOURCES[fact.kind],
        "round_id": fact.round_id,
        "org_id": fact.org_id,
        "occurred_on": fact.occurred_on,
        "quantity": fact.quantity,
        "amount_yuan": fact.amount_yuan,
    }
    stmt = insert(table).values(**values)
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[table.c.kind, table.c.record_id],
            set_={k: stmt.excluded[k] for k in values if k not in ("kind", "record_id")},
        )
    )


def register_figure_projection(handlers: HandlerRegistry) -> None:
    """Make planning keep the figures' facts in step with the other services."""

    async def on_feedback(session: AsyncSession, event: FeedbackIssued, meta: EventMeta) -> None:
        """Count every problem fed back."""
        for fact in feedback_facts(event):
            await record(session, event.jurisdiction, fact)

    async def on_transferred(
        session: AsyncSession, event: ClueTransferred, meta: EventMeta
    ) -> None:
        """Count a clue transferred (ids only)."""
        fact = Fact(
            FactKind.clues_transferred,
            event.clue_id,
            event.round_id,
            event.org_id,
            local_day(event.transferred_at),
        )
        await record(session, event.jurisdiction, fact)

    async def on_transfer_recalled(
        session: AsyncSession, event: ClueTransferRecalled, meta: EventMeta
    ) -> None:
        """A recalled transfer no longer counts (quantity 0 removes the fact)."""
        fact = Fact(
            FactKind.clues_transferred,
            event.clue_id,
            event.round_id,
            event.org_id,
            local_day(event.recalled_at),
            quantity=0,
        )
        await record(session, event.jurisdiction, fact)

    async def on_concluded(session: AsyncSession, event: ClueConcluded, meta: EventMeta) -> None:
        """Count a clue's outcome: case, persons sanctioned, handlings, money recovered."""
        for fact in conclusion_facts(event):
            await record(session, event.jurisdiction, fact)

    async def on_task_opened(session: AsyncSession, event: TaskOpened, meta: EventMeta) -> None:
        """Count a rectification task (the completion rate's denominator)."""
        day = local_day(meta.time)
        fact = Fact(FactKind.tasks_opened, event.task_id, event.round_id, event.org_id, day)
        await record(session, event.jurisdiction, fact)

    async def on_task_accepted(session: AsyncSession, event: TaskAccepted, meta: EventMeta) -> None:
        """Count an accepted task, and a livelihood problem solved when it is one."""
        for fact in acceptance_facts(event):
            await record(session, event.jurisdiction, fact)

    async def on_institution(
        session: AsyncSession, event: InstitutionBuilt, meta: EventMeta
    ) -> None:
        """Count an institution built (建章立制)."""
        fact = Fact(
            FactKind.institutions_built,
            event.institution_id,
            event.round_id,
            event.org_id,
            event.adopted_on,
        )
        await record(session, event.jurisdiction, fact)

    async def on_circular(session: AsyncSession, event: CircularPublished, meta: EventMeta) -> None:
        """Count a circular of typical cases published, and its cases."""
        for fact in circular_facts(event):
            await record(session, event.jurisdiction, fact)

    async def on_accountability(
        session: AsyncSession, event: AccountabilitySnapshot, meta: EventMeta
    ) -> None:
        """Count an accountability record (追责问责) by cases and person-times, by rank."""
        for fact in accountability_facts(event):
            await record(session, event.jurisdiction, fact)

    handlers.register(FeedbackIssued, on_feedback)
    handlers.register(AccountabilityRecorded, on_accountability)
    handlers.register(AccountabilityCorrected, on_accountability)
    handlers.register(CircularPublished, on_circular)
    handlers.register(ClueTransferred, on_transferred)
    handlers.register(ClueTransferRecalled, on_transfer_recalled)
    handlers.register(ClueConcluded, on_concluded)
    handlers.register(TaskOpened, on_task_opened)
    handlers.register(TaskAccepted, on_task_accepted)
    handlers.register(InstitutionBuilt, on_institution)
