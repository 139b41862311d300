"""The roster's domain operations. Keyword-only arguments; they flush, never commit.

Who may do what: the office of the org's jurisdiction keeps the roster; the leadership
group, the discipline commission and the organization department read it (they are the
ones who will ask "who was the 书记 then?"); an inspected org reads its own team. Another
jurisdiction's org, or another org's roster for an inspected org, is as good as missing.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Forbidden, Principal, Role
from xuncha_shared.events.planning import (
    RosterMemberAppointed,
    RosterMemberChanged,
    RosterMemberLeft,
    RosterMemberSnapshot,
)
from xuncha_shared.http import check_version
from xuncha_shared.messaging import emit
from xuncha_shared.orgs import OrgKind
from xuncha_shared.problems import NotFound
from xuncha_shared.roster import CadreRank, RosterPost
from xuncha_shared.workdays import local_day

from planning.models import Org
from planning.orgs.service import get_org_for
from planning.roster import repository, rules
from planning.roster.models import RosterMember
from planning.roster.schemas import (
    RosterMemberCreate,
    RosterMemberRead,
    RosterMemberUpdate,
    RosterTermEnd,
)

#: Who reads every roster of the jurisdiction (巡察办、领导小组、纪委监委、组织部).
ROSTER_READERS = (Role.office, Role.leadership, Role.discipline, Role.organization)


def require_roster_keeper(principal: Principal) -> Principal:
    """Only the inspection office keeps the roster."""
    if not principal.has(Role.office):
        raise Forbidden(
            "只有巡察办可以维护领导班子名册",
            "Only the inspection office maintains the leadership roster",
        )
    return principal


async def org_roster_for(
    session: AsyncSession, *, org_id: uuid.UUID, actor: Principal, for_update: bool = False
) -> Org:
    """The org whose roster the actor may read: readers of the jurisdiction, or the org
    itself; an inspected org asking for another org's roster gets a 404."""
    org = await get_org_for(session, org_id=org_id, actor=actor, for_update=for_update)
    if actor.has(*ROSTER_READERS):
        return org
    if actor.has(Role.inspected) and actor.org_uuid == org.id:
        return org
    if actor.has(Role.inspected):
        raise NotFound("被巡察对象不存在", "No such org", field="org_id")
    raise Forbidden("无权查看领导班子名册", "You may not read the leadership roster")


def member_read(member: RosterMember, org: Org) -> RosterMemberRead:
    """An entry as the API shows it, with its org's code and name."""
    return RosterMemberRead(
        id=member.id,
        jurisdiction=member.jurisdiction,
        org_id=member.org_id,
        org_code=org.code,
        org_name=org.name,
        org_kind=OrgKind(org.kind),
        name=member.name,
        post=RosterPost(member.post),
        post_title=member.post_title,
        rank=CadreRank(member.rank),
        since=member.since,
        until=member.until,
        current=member.until is None,
        account=member.account,
        phone=member.phone,
        version=member.version,
        created_at=member.created_at,
        updated_at=member.updated_at,
    )


def team_order(member: RosterMember) -> tuple[bool, int, date, str]:
    """Current members first, by post as a roster lists them, then by start of term."""
    return (
        member.until is not None,
        list(RosterPost).index(RosterPost(member.post)),
        member.since,
        member.name,
    )


async def org_roster(
    session: AsyncSession, *, org_id: uuid.UUID, actor: Principal, current: bool | None
) -> list[RosterMemberRead]:
    """An org's leadership team, current members first, with its history unless
    ``current`` says otherwise."""
    org = await org_roster_for(session, org_id=org_id, actor=actor)
    members = await repository.org_members(session, org.id)
    if current is not None:
        members = [m for m in members if (m.until is None) is current]
    return [member_read(m, org) for m in sorted(members, key=team_order)]


async def emit_snapshot(
    session: AsyncSession, event: type[RosterMemberSnapshot], member: RosterMember
) -> None:
    await emit(
        session,
        event(
            jurisdiction=member.jurisdiction,
            member_id=member.id,
            org_id=member.org_id,
            name=member.name,
            post=RosterPost(member.post),
            post_title=member.post_title,
            rank=CadreRank(member.rank),
            since=member.since,
            until=member.until,
            account=member.account,
            version=member.version,
        ),
    )


async def _check_entry(
    session: AsyncSession,
    *,
    org: Org,
    name: str,
    post: RosterPost,
    post_title: str | None,
    since: date,
    until: date | None,
    today: date,
    other_than: uuid.UUID | None = None,
) -> None:
    """Every rule an entry obeys, in the order a form shows its fields."""
    rules.check_post_fits_org_kind(post, OrgKind(org.kind))
    rules.check_other_post_has_title(post, post_title)
    rules.check_dates_not_in_future(since, today, field="since")
    rules.check_dates_not_in_future(until, today, field="until")
    rules.check_term_dates_in_order(since, until)
    if until is None:
        duplicate = await repository.holds_post_now(
            session, org_id=org.id, name=name, post=post.value, other_than=other_than
        )
        rules.check_not_already_current(name, post, duplicate)
        holder = await repository.current_holder(
            session, org_id=org.id, post=post.value, other_than=other_than
        )
        rules.one_current_holder_of_single_post(post, holder)


async def appoint_member(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    data: RosterMemberCreate,
    actor: Principal,
    now: datetime,
) -> RosterMemberRead:
    """Enter a member of the org's leadership team (or a past one, with ``until``) and emit
    ``roster.member_appointed``."""
    require_roster_keeper(actor)
    # The org row is locked so two concurrent appointments to one post are serialised.
    org = await org_roster_for(session, org_id=org_id, actor=actor, for_update=True)
    await _check_entry(
        session,
        org=org,
        name=data.name,
        post=data.post,
        post_title=data.post_title,
        since=data.since,
        until=data.until,
        today=local_day(now),
    )
    member = RosterMember(
        jurisdiction=org.jurisdiction,
        org_id=org.id,
        name=data.name,
        post=data.post.value,
        post_title=data.post_title,
        rank=data.rank.value,
        since=data.since,
        until=data.until,
        account=data.account,
        phone=data.phone,
        created_at=now,
        updated_at=now,
        created_by=actor.subject,
    )
    session.add(member)
    await session.flush()
    await emit_snapshot(session, RosterMemberAppointed, member)
    return member_read(member, org)


async def _member_of(session: AsyncSession, *, org: Org, member_id: uuid.UUID) -> RosterMember:
    member = await repository.get_member(session, member_id, for_update=True)
    if member is None or member.org_id != org.id:
        raise NotFound("名册中没有该成员", "No such roster entry", field="member_id")
    return member


async def change_member(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    member_id: uuid.UUID,
    data: RosterMemberUpdate,
    expected_version: int,
    actor: Principal,
    now: datetime,
) -> RosterMemberRead:
    """Correct an entry (optimistic concurrency on ``version``) and emit
    ``roster.member_changed``; an unchanged body changes nothing."""
    require_roster_keeper(actor)
    org = await org_roster_for(session, org_id=org_id, actor=actor, for_update=True)
    member = await _member_of(session, org=org, member_id=member_id)
    check_version(member.version, expected_version)
    changes = data.model_dump(exclude_unset=True)
    for key in ("post", "rank"):
        if changes.get(key) is not None:
            changes[key] = changes[key].value
    changed = {k: v for k, v in changes.items() if getattr(member, k) != v}
    if not changed:
        return member_read(member, org)
    post = RosterPost(changed.get("post", member.post))
    await _check_entry(
        session,
        org=org,
        name=changed.get("name", member.name),
        post=post,
        post_title=changed.get("post_title", member.post_title),
        since=changed.get("since", member.since),
        until=member.until,
        today=local_day(now),
        other_than=member.id,
    )
    for key, value in changed.items():
        setattr(member, key, value)
    member.version += 1
    member.updated_at = now
    await session.flush()
    await emit_snapshot(session, RosterMemberChanged, member)
    return member_read(member, org)


async def end_term(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    member_id: uuid.UUID,
    data: RosterTermEnd,
    expected_version: int,
    actor: Principal,
    now: datetime,
) -> RosterMemberRead:
    """Record that a member left his post on ``until`` (离任) and emit
    ``roster.member_left``. The entry is kept as history."""
    require_roster_keeper(actor)
    org = await org_roster_for(session, org_id=org_id, actor=actor, for_update=True)
    member = await _member_of(session, org=org, member_id=member_id)
    check_version(member.version, expected_version)
    rules.check_term_not_ended(member.until)
    rules.check_dates_not_in_future(data.until, local_day(now), field="until")
    rules.check_term_dates_in_order(member.since, data.until)
    member.until = data.until
    member.version += 1
    member.updated_at = now
    await session.flush()
    await emit_snapshot(session, RosterMemberLeft, member)
    return member_read(member, org)
