"""Orgs to inspect first (对问题突出的党组织优先安排巡察, 002): those about which departments
answered that problems are serious (or, on request, minor too)."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Forbidden, Principal, Role
from xuncha_shared.events.planning import ConsultationSeverity
from xuncha_shared.orgs import OrgKind
from xuncha_shared.problems import NotFound

from planning.consultation import repository
from planning.consultation.schemas import PriorityRead
from planning.models import Term
from planning.terms import repository as terms_repository


async def term_for(session: AsyncSession, *, term_id: uuid.UUID, actor: Principal) -> Term:
    """The term, for the office and the leadership group of its jurisdiction."""
    if not actor.has(Role.office, Role.leadership):
        raise Forbidden(
            "优先巡察名单仅向巡察办和巡察工作领导小组开放",
            "The priority list is open to the office and the leadership group",
        )
    term = await terms_repository.get_term(session, term_id)
    if term is None or term.jurisdiction != actor.jurisdiction:
        raise NotFound("届不存在", "No such term", field="term_id")
    return term


async def list_priorities(
    session: AsyncSession,
    *,
    term: Term,
    min_severity: ConsultationSeverity,
    awaiting: bool | None,
    after: tuple[int, int, str] | None,
    limit: int,
) -> tuple[list[PriorityRead], tuple[int, int, str] | None, int]:
    """A page of the priority list (most serious answers first), the cursor key of its last
    item when more follow, and the total."""
    rows, total = await repository.priorities(
        session,
        term_id=term.id,
        jurisdiction=term.jurisdiction,
        include_minor=min_severity is not ConsultationSeverity.serious,
        awaiting=awaiting,
        after=after,
        limit=limit + 1,
    )
    more = len(rows) > limit
    rows = rows[:limit]
    rounds = await repository.assigned_rounds(
        session, term_id=term.id, org_ids=[r.org_id for r in rows]
    )
    items = [
        PriorityRead(
            org_id=r.org_id,
            org_code=r.code,
            org_name=r.name,
            org_kind=OrgKind(r.kind),
            serious_count=r.serious,
            minor_count=r.minor,
            department_org_ids=sorted(r.departments, key=str),
            last_answered_at=r.last_answered_at,
            assigned_round_ids=rounds.get(r.org_id, []),
            awaiting_inspection=not rounds.get(r.org_id),
        )
        for r in rows
    ]
    last = (-rows[-1].serious, -rows[-1].minor, rows[-1].code) if more and rows else None
    return items, last, total
