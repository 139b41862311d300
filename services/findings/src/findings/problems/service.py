"""Domain operations on problems: record (one or a batch), hand over immediately (立行立改),
edit before feedback, annotate, attach evidence. Flush, never commit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.assignments import ProjectedAssignment, ProjectedRound
from xuncha_shared.auth import Principal
from xuncha_shared.events.base import Event
from xuncha_shared.events.clues import ClueStatus
from xuncha_shared.events.findings import FoundBy, ProblemHandedOver, ProblemRecorded
from xuncha_shared.http import check_version
from xuncha_shared.messaging import emit, emit_many
from xuncha_shared.orgs import OrgKind
from xuncha_shared.problems import Conflict, NotFound

from findings.access.policy import sees_clue_links, writable_assignment
from findings.access.repository import problem_visibility
from findings.categories.taxonomy import (
    Category,
    effective_categories,
    pick_category,
    resolve_category,
)
from findings.evidence import storage as evidence_store
from findings.problems import repository
from findings.problems.models import Problem, ProblemAnnotation, ProblemEvidence
from findings.problems.schemas import (
    AnnotationCreate,
    ClueRef,
    EvidenceRead,
    ProblemFields,
    ProblemRead,
    ProblemStatus,
    ProblemUpdate,
)


def status_of(p: Problem) -> ProblemStatus:
    if p.feedback_id is not None:
        return ProblemStatus.fed_back
    if p.handed_over_at is not None:
        return ProblemStatus.handed_over
    return ProblemStatus.recorded


async def reads(
    session: AsyncSession, problems: Sequence[Problem], *, viewer: Principal
) -> list[ProblemRead]:
    """API views of problems, with their evidence and, for those entitled, the ids and
    statuses of the clues they led to."""
    ids = [p.id for p in problems]
    clues = await repository.clue_refs(session, problem_ids=ids if sees_clue_links(viewer) else [])
    files = await repository.evidence_of(session, ids)
    orgs, rounds = await repository.names_of(
        session, org_ids=[p.org_id for p in problems], round_ids=[p.round_id for p in problems]
    )
    return [
        ProblemRead(
            id=p.id,
            jurisdiction=p.jurisdiction,
            term_id=p.term_id,
            round_id=p.round_id,
            round_name=rounds.get(p.round_id),
            assignment_id=p.assignment_id,
            group_id=p.group_id,
            org_id=p.org_id,
            org_name=orgs.get(p.org_id),
            org_kind=OrgKind(p.org_kind),
            category=p.category,
            category_name=p.category_name,
            description=p.description,
            found_by=FoundBy(p.found_by),
            immediate=p.immediate,
            livelihood=p.livelihood,
            amount_yuan=p.amount_yuan,
            people_involved=list(p.people_involved),
            funds_project_id=p.funds_project_id,
            source_report_id=p.source_report_id,
            status=status_of(p),
            handed_over_at=p.handed_over_at,
            feedback_id=p.feedback_id,
            fed_back_at=p.fed_back_at,
            clues=[ClueRef(clue_id=c, status=ClueStatus(s)) for c, s in clues.get(p.id, [])],
            evidence=[EvidenceRead.model_validate(e) for e in files.get(p.id, [])],
            version=p.version,
            created_by=p.created_by,
            created_at=p.created_at,
            updated_at=p.updated_at,
        )
        for p in problems
    ]


async def get_problem(
    session: AsyncSession, *, problem_id: uuid.UUID, actor: Principal, for_update: bool = False
) -> Problem:
    """A problem the caller may read; 404 otherwise."""
    found = await repository.get_visible(
        session, problem_id, problem_visibility(actor), for_update=for_update
    )
    if found is None:
        raise NotFound("问题不存在", "No such problem", field="problem_id")
    return found


def _recorded(p: Problem) -> ProblemRecorded:
    return ProblemRecorded(
        jurisdiction=p.jurisdiction,
        problem_id=p.id,
        assignment_id=p.assignment_id,
        round_id=p.round_id,
        group_id=p.group_id,
        org_id=p.org_id,
        org_kind=OrgKind(p.org_kind),
        category=p.category,
        category_name=p.category_name,
        found_by=FoundBy(p.found_by),
        immediate=p.immediate,
        livelihood=p.livelihood,
        amount_yuan=p.amount_yuan,
        recorded_at=p.created_at,
    )


async def hand_over(session: AsyncSession, problem: Problem, *, now: datetime) -> None:
    """Hand an immediate problem to the org now (立行立改): rectification opens its task."""
    problem.handed_over_at = now
    await emit(session, _handed_over(problem, now))


def _handed_over(problem: Problem, now: datetime) -> ProblemHandedOver:
    return ProblemHandedOver(
        jurisdiction=problem.jurisdiction,
        problem_id=problem.id,
        assignment_id=problem.assignment_id,
        round_id=problem.round_id,
        group_id=problem.group_id,
        org_id=problem.org_id,
        org_kind=OrgKind(problem.org_kind),
        category=problem.category,
        category_name=problem.category_name,
        description=problem.description,
        livelihood=problem.livelihood,
        amount_yuan=problem.amount_yuan,
        handed_over_at=now,
    )


def _new_problem(
    data: ProblemFields,
    *,
    category: Category,
    assignment: ProjectedAssignment,
    round_: ProjectedRound,
    actor: Principal,
    now: datetime,
) -> Problem:
    return Problem(
        jurisdiction=round_.jurisdiction,
        term_id=round_.term_id,
        round_id=assignment.round_id,
        assignment_id=assignment.id,
        group_id=assignment.group_id,
        org_id=assignment.org_id,
        org_kind=assignment.org_kind.value,
        category=category.code,
        category_name=category.name,
        description=data.description,
        found_by=data.found_by.value,
        immediate=data.immediate,
        livelihood=data.livelihood,
        amount_yuan=data.amount_yuan,
        people_involved=list(data.people_involved),
        # Immediate problems go to the org in the same transaction (立行立改).
        handed_over_at=now if data.immediate else None,
        created_by=actor.subject,
        created_at=now,
        updated_at=now,
    )


async def record_problems(
    session: AsyncSession,
    *,
    assignment_id: uuid.UUID,
    items: Sequence[ProblemFields],
    actor: Principal,
    now: datetime,
    source_report_id: uuid.UUID | None = None,
    funds_project_id: uuid.UUID | None = None,
) -> list[Problem]:
    """Record problems a group found on its assignment; immediate ones are handed over in
    the same transaction. Every category is checked against the problem list first (422
    naming ``category``, or ``problems.<i>.category`` in a batch)."""
    assignment, round_ = await writable_assignment(session, actor, assignment_id)
    categories = await effective_categories(session, round_.jurisdiction)
    resolved = [
        pick_category(
            categories,
            code=item.category,
            org_kind=assignment.org_kind,
            field=f"problems.{i}.category" if len(items) > 1 else "category",
        )
        for i, item in enumerate(items)
    ]
    problems = []
    for item, category in zip(items, resolved, strict=True):
        p = _new_problem(
            item, category=category, assignment=assignment, round_=round_, actor=actor, now=now
        )
        p.source_report_id = source_report_id
        p.funds_project_id = funds_project_id
        problems.append(p)
    session.add_all(problems)
    await session.flush()
    events: list[Event] = []
    for p in problems:
        events.append(_recorded(p))
        if p.immediate:
            events.append(_handed_over(p, now))
    await emit_many(session, events)
    await session.flush()
    return problems


def _not_fed_back(problem: Problem) -> None:
    if problem.feedback_id is not None:
        raise Conflict(
            "问题已反馈，只能批注，不能修改",
            "The problem has been fed back: it can only be annotated",
            code="problem-fed-back",
        )


async def update_problem(
    session: AsyncSession,
    *,
    problem: Problem,
    data: ProblemUpdate,
    expected_version: int,
    actor: Principal,
    now: datetime,
) -> Problem:
    """Edit a problem before feedback (its group only). Marking it immediate hands it over
    now; an immediate problem already handed over cannot be taken back (409)."""
    _not_fed_back(problem)
    await writable_assignment(session, actor, problem.assignment_id)
    check_version(problem.version, expected_version)
    changes = data.model_dump(exclude_unset=True)
    if "category" in changes and changes["category"] != problem.category:
        c = await resolve_category(
            session,
            jurisdiction=problem.jurisdiction,
            code=changes.pop("category"),
            org_kind=OrgKind(problem.org_kind),
        )
        problem.category, problem.category_name = c.code, c.name
    changes.pop("category", None)
    if "found_by" in changes:
        changes["found_by"] = FoundBy(changes["found_by"]).value
    becomes_immediate = changes.get("immediate") is True and not problem.immediate
    if changes.get("immediate") is False and problem.handed_over_at is not None:
        raise Conflict(
            "立行立改问题已移交，不能撤回",
            "The problem was already handed over for immediate rectification",
            field="immediate",
            code="already-handed-over",
        )
    for key, value in changes.items():
        setattr(problem, key, value)
    problem.version += 1
    problem.updated_at = now
    if becomes_immediate:
        await hand_over(session, problem, now=now)
    await session.flush()
    return problem


async def annotate(
    session: AsyncSession,
    *,
    problem: Problem,
    data: AnnotationCreate,
    actor: Principal,
    now: datetime,
) -> ProblemAnnotation:
    """Add a note to a problem (allowed also after feedback) by anyone who may read it
    except the inspected org."""
    note = ProblemAnnotation(
        problem_id=problem.id, text=data.text, created_by=actor.subject, created_at=now
    )
    session.add(note)
    await session.flush()
    return note


async def attach_evidence(
    session: AsyncSession,
    *,
    problem: Problem,
    content: bytes,
    filename: str,
    actor: Principal,
    now: datetime,
) -> EvidenceRead:
    """Store a file (content-addressed) and attach it to a problem of the caller's group;
    attaching the same bytes twice keeps one attachment."""
    _not_fed_back(problem)
    await writable_assignment(session, actor, problem.assignment_id)
    stored = await evidence_store.store(session, content, now=now)
    existing = await repository.attachment(session, problem.id, stored.sha256)
    if existing is None:
        existing = ProblemEvidence(
            problem_id=problem.id,
            sha256=stored.sha256,
            filename=filename[:200] or "file",
            added_by=actor.subject,
            added_at=now,
        )
        session.add(existing)
        await session.flush()
    return EvidenceRead(
        sha256=stored.sha256,
        filename=existing.filename,
        size=stored.size,
        media_type=stored.media_type,
        added_by=existing.added_by,
        added_at=existing.added_at,
    )
