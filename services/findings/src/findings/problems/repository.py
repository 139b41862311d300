"""SQL of problems."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from xuncha_shared.http import count_up_to_cap, keyset_after

from findings.evidence.models import EvidenceFile
from findings.models import ASSIGNMENTS, ORGS, ClueLink
from findings.problems.models import Problem, ProblemAnnotation, ProblemEvidence


@dataclass(frozen=True)
class ProblemFilter:
    assignment_id: uuid.UUID | None = None
    round_id: uuid.UUID | None = None
    term_id: uuid.UUID | None = None
    org_id: uuid.UUID | None = None
    category: str | None = None
    immediate: bool | None = None
    fed_back: bool | None = None
    q: str | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        out: list[ColumnElement[bool]] = []
        for column, value in (
            (Problem.assignment_id, self.assignment_id),
            (Problem.round_id, self.round_id),
            (Problem.term_id, self.term_id),
            (Problem.org_id, self.org_id),
            (Problem.category, self.category),
            (Problem.immediate, self.immediate),
        ):
            if value is not None:
                out.append(col(column) == value)
        if self.fed_back is not None:
            fed = col(Problem.feedback_id)
            out.append(fed.is_not(None) if self.fed_back else fed.is_(None))
        if self.q:
            escaped = self.q.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")
            out.append(col(Problem.description).ilike(f"%{escaped}%"))
        return out


async def list_problems(
    session: AsyncSession,
    *,
    visible: ColumnElement[bool],
    where: ProblemFilter,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> tuple[list[Problem], int]:
    conditions = [visible, *where.conditions()]
    total = await count_up_to_cap(session, select(Problem).where(*conditions))
    if after is not None:
        at, pid = after
        conditions.append(keyset_after(col(Problem.created_at), at, col(Problem.id), pid))
    rows = await session.scalars(
        select(Problem)
        .where(*conditions)
        .order_by(col(Problem.created_at), col(Problem.id))
        .limit(limit)
    )
    return list(rows), total


async def get_visible(
    session: AsyncSession,
    problem_id: uuid.UUID,
    visible: ColumnElement[bool],
    *,
    for_update: bool = False,
) -> Problem | None:
    stmt = select(Problem).where(col(Problem.id) == problem_id, visible)
    if for_update:
        stmt = stmt.with_for_update(of=Problem)
    return (await session.scalars(stmt)).first()


async def clue_refs(
    session: AsyncSession,
    *,
    problem_ids: Sequence[uuid.UUID] = (),
    report_ids: Sequence[uuid.UUID] = (),
) -> dict[uuid.UUID, list[tuple[uuid.UUID, str]]]:
    """The clues that came from these problems or reports, keyed by source id."""
    out: dict[uuid.UUID, list[tuple[uuid.UUID, str]]] = defaultdict(list)
    parts = []
    if problem_ids:
        parts.append(col(ClueLink.source_problem_id).in_(problem_ids))
    if report_ids:
        parts.append(col(ClueLink.source_report_id).in_(report_ids))
    if not parts:
        return out
    rows = await session.scalars(
        select(ClueLink).where(or_(*parts)).order_by(col(ClueLink.clue_id))
    )
    for link in rows:
        for source in (link.source_problem_id, link.source_report_id):
            if source is not None:
                out[source].append((link.clue_id, link.status))
    return out


async def evidence_of(
    session: AsyncSession, problem_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[dict[str, Any]]]:
    out: dict[uuid.UUID, list[dict[str, Any]]] = defaultdict(list)
    if not problem_ids:
        return out
    rows = await session.execute(
        select(
            col(ProblemEvidence.problem_id),
            col(ProblemEvidence.sha256),
            col(ProblemEvidence.filename),
            col(ProblemEvidence.added_by),
            col(ProblemEvidence.added_at),
            col(EvidenceFile.size),
            col(EvidenceFile.media_type),
        )
        .join(EvidenceFile, col(EvidenceFile.sha256) == col(ProblemEvidence.sha256))
        .where(col(ProblemEvidence.problem_id).in_(problem_ids))
        .order_by(col(ProblemEvidence.added_at))
    )
    for r in rows.mappings():
        out[r["problem_id"]].append(dict(r))
    return out


async def list_annotations(session: AsyncSession, problem_id: uuid.UUID) -> list[ProblemAnnotation]:
    rows = await session.scalars(
        select(ProblemAnnotation)
        .where(col(ProblemAnnotation.problem_id) == problem_id)
        .order_by(col(ProblemAnnotation.created_at), col(ProblemAnnotation.id))
    )
    return list(rows)


async def names_of(
    session: AsyncSession, *, org_ids: Sequence[uuid.UUID], round_ids: Sequence[uuid.UUID]
) -> tuple[dict[uuid.UUID, str], dict[uuid.UUID, str]]:
    """Org and round names from this service's projections (empty until they are synced)."""
    orgs: dict[uuid.UUID, str] = {}
    rounds: dict[uuid.UUID, str] = {}
    if org_ids:
        rows = await session.execute(
            select(ORGS.c.id, ORGS.c.name).where(ORGS.c.id.in_(set(org_ids)))
        )
        orgs = {i: name for i, name in rows}
    if round_ids:
        r = ASSIGNMENTS.rounds
        rows = await session.execute(select(r.c.id, r.c.name).where(r.c.id.in_(set(round_ids))))
        rounds = {i: name for i, name in rows}
    return orgs, rounds


async def attachment(
    session: AsyncSession, problem_id: uuid.UUID, sha256: str
) -> ProblemEvidence | None:
    """The problem's attachment of the file with this digest; None if not attached."""
    return await session.get(ProblemEvidence, (problem_id, sha256))


async def evidence_file(
    session: AsyncSession, problem_id: uuid.UUID, sha256: str
) -> tuple[ProblemEvidence, EvidenceFile] | None:
    """A problem's evidence file named by its digest, with the stored content; None if absent."""
    attached = await session.get(ProblemEvidence, (problem_id, sha256))
    stored = await session.get(EvidenceFile, sha256) if attached else None
    if attached is None or stored is None:
        return None
    return attached, stored
