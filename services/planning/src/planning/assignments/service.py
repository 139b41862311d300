"""Assignments (巡察任务): round × group × org, screened for avoidance. Keyword-only
arguments; they flush, never commit."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Forbidden, JurisdictionHierarchy, Principal, Role
from xuncha_shared.events.planning import AssignmentMade, AssignmentWithdrawn
from xuncha_shared.messaging import emit
from xuncha_shared.orgs import GRASSROOTS_KINDS, ORG_KIND_LABELS_ZH, OrgKind
from xuncha_shared.problems import Conflict, NotFound, Unprocessable

from planning.assignments import repository
from planning.assignments.repository import AssignmentRow
from planning.assignments.schemas import AssignmentCreate, AssignmentRead
from planning.groups import repository as groups_repository
from planning.groups import screening
from planning.models import Assignment, InspectionGroup, Org, Round
from planning.pool import access
from planning.pool import repository as pool_repository
from planning.pool.domain import APPROACH_LABELS_ZH, VillageApproach

_WITH_TOWNSHIP = frozenset({VillageApproach.extended, VillageApproach.research})


def _event_data(round_: Round, assignment: Assignment, org: Org) -> dict[str, object]:
    return {
        "jurisdiction": round_.jurisdiction,
        "round_id": round_.id,
        "assignment_id": assignment.id,
        "group_id": assignment.group_id,
        "org_id": org.id,
        "org_kind": OrgKind(org.kind),
        "org_jurisdiction": org.jurisdiction,
        "inspecting_jurisdiction": access.managing_jurisdiction(round_),
        "approach": assignment.approach,
    }


async def _org_in_scope(
    session: AsyncSession, round_: Round, org_id: uuid.UUID, hierarchy: JurisdictionHierarchy
) -> Org:
    """An org the round may inspect: the round's own committee's, or one of a jurisdiction
    registered under the committee that sends the groups (escalated and cross inspection)."""
    org = (await pool_repository.orgs_by_id(session, [org_id])).get(org_id)
    manager = access.managing_jurisdiction(round_)
    # Another committee's groups reach the round's orgs only from the registered parent.
    sent_by_parent = manager == round_.jurisdiction or hierarchy.is_registered_child(
        round_.jurisdiction, manager
    )
    if org is None or not (
        (org.jurisdiction == round_.jurisdiction and sent_by_parent)
        or hierarchy.is_registered_child(org.jurisdiction, manager)
    ):
        raise Unprocessable(
            "被巡察对象不存在，或不在本轮巡察党委的管辖范围内",
            "No such org within the reach of the round's committee",
            field="org_id",
            code="org-out-of-scope",
        )
    if not org.active:
        raise Unprocessable(
            f"{org.name}已移出巡察范围",
            f"{org.name} is no longer in scope",
            field="org_id",
            code="org-inactive",
        )
    return org


async def _check_approach(
    session: AsyncSession,
    round_: Round,
    group: InspectionGroup,
    org: Org,
    approach: VillageApproach | None,
) -> None:
    kind = OrgKind(org.kind)
    if kind not in GRASSROOTS_KINDS:
        if approach is not None:
            raise Unprocessable(
                f"只有村（社区）有巡察方式，{org.name}是{ORG_KIND_LABELS_ZH[kind]}",
                f"Only villages and communities take an approach; {org.name} is a {kind}",
                field="approach",
                code="approach-not-applicable",
            )
        return
    if approach is None:
        raise Unprocessable(
            "村（社区）须选择巡察方式：直接巡、延伸巡或调研巡",
            "A village or community needs an approach: direct, extended or research",
            field="approach",
            code="approach-required",
        )
    if approach in _WITH_TOWNSHIP:
        township = (await pool_repository.orgs_by_id(session, [org.parent_id])).get(org.parent_id)  # type: ignore[arg-type]
        held = (
            await repository.assignment_of_org(session, round_.id, township.id)
            if township
            else None
        )
        if township is None or held is None or held.group_id != group.id:
            name = township.name if township else "所属乡镇"
            raise Unprocessable(
                f"{APPROACH_LABELS_ZH[approach]}属于巡乡带村，须先把{name}交给{group.name}",
                f"A {approach} village is inspected with its township: assign {name} to "
                f"{group.name} first",
                field="approach",
                code="township-not-assigned",
            )


async def make_assignment(
    session: AsyncSession,
    *,
    round_id: uuid.UUID,
    data: AssignmentCreate,
    actor: Principal,
    now: datetime,
    hierarchy: JurisdictionHierarchy,
) -> tuple[Assignment, Org, InspectionGroup]:
    """Give an org to a group for the round and emit ``assignment.made``.

    Every member is screened against the org first; raises
    :class:`~planning.groups.screening.AvoidanceRefused` (with the checks flushed, nothing
    else written) when one must stand aside.
    """
    round_ = await access.round_to_manage(session, round_id, actor)
    group = await groups_repository.get_group(session, data.group_id)
    if group is None or group.round_id != round_.id:
        raise Unprocessable(
            "本轮没有该巡察组", "No such group in this round", field="group_id", code="no-group"
        )
    org = await _org_in_scope(session, round_, data.org_id, hierarchy)
    if group.source_jurisdiction is not None and org.jurisdiction == group.source_jurisdiction:
        raise Unprocessable(
            f"交叉巡察组的组员来自 {group.source_jurisdiction}，不能巡察本地区的{org.name}",
            f"A cross group from {group.source_jurisdiction} cannot inspect its own "
            f"jurisdiction's {org.name}",
            field="org_id",
            code="cross-group-own-jurisdiction",
        )
    held = await repository.assignment_of_org(session, round_.id, org.id)
    if held is not None:
        holder = await groups_repository.get_group(session, held.group_id)
        holder_name = holder.name if holder else ""
        raise Conflict(
            f"{org.name}本轮已交给{holder_name}",
            f"{org.name} is already assigned to {holder_name} this round",
            field="org_id",
            code="org-already-assigned",
        )
    await _check_approach(session, round_, group, org, data.approach)
    members = [c for _, c in (await groups_repository.members_of(session, [group.id]))[group.id]]
    violations = await screening.screen(
        session, round_=round_, cadres=members, orgs=[org], actor=actor, now=now
    )
    if violations:
        orgs = [*await groups_repository.orgs_of_group(session, group.id), org]
        raise await screening.refusal(
            session, round_=round_, group=group, violations=violations, refused=members,
            orgs=orgs, field="org_id", now=now,
        )  # fmt: skip
    assignment = Assignment(
        id=uuid.uuid4(),
        round_id=round_.id,
        group_id=group.id,
        org_id=org.id,
        approach=data.approach.value if data.approach else None,
        created_at=now,
        created_by=actor.subject,
    )
    session.add(assignment)
    await session.flush()
    await emit(session, AssignmentMade.model_validate(_event_data(round_, assignment, org)))
    return assignment, org, group


async def withdraw_assignment(
    session: AsyncSession, *, assignment_id: uuid.UUID, actor: Principal, now: datetime
) -> None:
    """Take an org back from its group and emit ``assignment.withdrawn``."""
    access.require_office(actor)
    assignment = await repository.get_assignment(session, assignment_id)
    if assignment is None:
        raise NotFound("巡察任务不存在", "No such assignment", field="assignment_id")
    try:
        round_ = await access.round_to_manage(session, assignment.round_id, actor)
    except NotFound as exc:
        raise NotFound("巡察任务不存在", "No such assignment", field="assignment_id") from exc
    org = (await pool_repository.orgs_by_id(session, [assignment.org_id]))[assignment.org_id]
    villages = await repository.extended_villages_of(session, round_.id, org.id)
    if villages:
        raise Conflict(
            f"{org.name}还带着{len(villages)}个村（社区）一并巡察，请先撤回这些村的任务",
            f"{org.name} is inspected with {len(villages)} villages; withdraw them first",
            field="assignment_id",
            code="township-has-villages",
        )
    await session.delete(assignment)
    await session.flush()
    await emit(session, AssignmentWithdrawn.model_validate(_event_data(round_, assignment, org)))


def assignment_read(row: AssignmentRow) -> AssignmentRead:
    assignment, org, group = row
    return AssignmentRead(
        id=assignment.id,
        round_id=assignment.round_id,
        group_id=group.id,
        group_name=group.name,
        org_id=org.id,
        org_code=org.code,
        org_name=org.name,
        org_kind=OrgKind(org.kind),
        org_jurisdiction=org.jurisdiction,
        approach=VillageApproach(assignment.approach) if assignment.approach else None,
        created_at=assignment.created_at,
        created_by=assignment.created_by,
    )


async def my_groups(
    session: AsyncSession, *, actor: Principal, round_id: uuid.UUID | None
) -> dict[uuid.UUID, tuple[str, Round]]:
    """The caller's groups (group id → his role, the round), as a group member."""
    if not actor.has(Role.group):
        raise Forbidden(
            "只有巡察组成员可以查看本人的巡察任务",
            "Only inspection group members have assignments of their own",
            code="group_member_required",
        )
    rows = await groups_repository.memberships_of_account(
        session, account=actor.subject, jurisdiction=actor.jurisdiction, round_id=round_id
    )
    return {member.group_id: (member.role, round_) for member, round_ in rows}
