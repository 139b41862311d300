"""Full coverage (全覆盖): the term's headline figure, and the event when it is first reached.

An org in a term's scope is covered once an assignment on it belongs to a round of the term
that reached feedback (``lifecycle.COVERING_STATUSES``). Coverage only grows when a round
reaches feedback and only jumps to 100 % otherwise when uncovered orgs leave the scope, so
those are the two places that call :func:`record_if_reached`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.events.planning import CoverageReached
from xuncha_shared.messaging import emit
from xuncha_shared.orgs import ORG_KIND_LABELS_ZH, OrgKind

from planning.models import Term
from planning.rounds.lifecycle import COVERING_STATUSES, IN_PROGRESS_STATUSES, RoundStatus
from planning.rounds.pace import RoundCounts, percent, project
from planning.terms import repository
from planning.terms.schemas import CoverageRead, KindCoverageRead, ScopeOrgPage, ScopeOrgRead


async def round_counts(session: AsyncSession, term_id: uuid.UUID) -> RoundCounts:
    by_status = await repository.rounds_by_status(session, term_id)
    return RoundCounts(
        held=sum(n for s, n in by_status.items() if s in COVERING_STATUSES),
        in_progress=sum(n for s, n in by_status.items() if s in IN_PROGRESS_STATUSES),
        scheduled=by_status.get(RoundStatus.planned, 0),
    )


def scope_item(row: repository.ScopeRow) -> ScopeOrgRead:
    return ScopeOrgRead(
        org_id=row.org.id,
        code=row.org.code,
        name=row.org.name,
        kind=OrgKind(row.org.kind),
        parent_id=row.org.parent_id,
        parent_name=row.parent_name,
        covered=row.covered,
        round_numbers=row.round_numbers,
    )


async def report(
    session: AsyncSession,
    *,
    term: Term,
    kinds: Sequence[str],
    parent_id: uuid.UUID | None,
    after_code: str | None,
    limit: int,
) -> tuple[CoverageRead, str | None]:
    """The coverage report with one page of the orgs still to go, and the last code on that
    page when there is a next one (the route turns it into a cursor)."""
    by_kind = await repository.coverage_by_kind(session, term.id)
    in_scope = sum(k.in_scope for k in by_kind)
    covered = sum(k.covered for k in by_kind)
    rows, total = await repository.scope_page(
        session,
        term_id=term.id,
        covered=False,
        kinds=kinds,
        parent_id=parent_id,
        after_code=after_code,
        limit=limit + 1,
    )
    more = len(rows) > limit
    rows = rows[:limit]
    milestone = await repository.get_milestone(session, term.id)
    pace = project(
        in_scope=in_scope,
        covered=covered,
        planned_rounds=term.planned_rounds,
        rounds=await round_counts(session, term.id),
    )
    result = CoverageRead(
        term_id=term.id,
        term_name=term.name,
        in_scope=in_scope,
        covered=covered,
        remaining=in_scope - covered,
        percent=percent(covered, in_scope),
        full=in_scope > 0 and covered == in_scope,
        reached_at=milestone.reached_at if milestone else None,
        reached_by_round_id=milestone.round_id if milestone else None,
        by_kind=[
            KindCoverageRead(
                kind=OrgKind(k.kind),
                kind_zh=ORG_KIND_LABELS_ZH[OrgKind(k.kind)],
                in_scope=k.in_scope,
                covered=k.covered,
                percent=percent(k.covered, k.in_scope),
            )
            for k in by_kind
        ],
        pace=pace,
        still_to_go=ScopeOrgPage(items=[scope_item(r) for r in rows], total=total),
    )
    return result, rows[-1].org.code if more and rows else None


async def record_if_reached(
    session: AsyncSession, *, term: Term, round_id: uuid.UUID | None, now: datetime
) -> bool:
    """Emit ``term.coverage_reached`` if the term's coverage is now 100 % for the first time.

    The caller holds the term's row lock, so two rounds reaching feedback at once are
    judged one after the other and the second sees the first's covered orgs. Whoever adds
    assignments to a round already at feedback must call this too.
    """
    by_kind = await repository.coverage_by_kind(session, term.id)
    in_scope = sum(k.in_scope for k in by_kind)
    if in_scope == 0 or any(k.covered < k.in_scope for k in by_kind):
        return False
    if not await repository.insert_milestone(
        session, term_id=term.id, reached_at=now, round_id=round_id, orgs_in_scope=in_scope
    ):
        return False
    counts = await round_counts(session, term.id)
    await emit(
        session,
        CoverageReached(
            jurisdiction=term.jurisdiction,
            term_id=term.id,
            name=term.name,
            orgs_in_scope=in_scope,
            rounds_held=counts.held,
            planned_rounds=term.planned_rounds,
            round_id=round_id,
        ),
    )
    return True
