"""The rounds/groups/assignments projection on a real PostgreSQL: newest version wins,
redelivery changes nothing, withdrawn assignments stop counting."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import MetaData, text
from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.assignments import (
    AssignmentTables,
    assignment_projection_tables,
    assignments_of_account,
    get_assignment,
    get_round,
    group_accounts,
    is_group_member,
    project_assignment,
    project_group,
    project_round,
    rounds_of_account,
)
from xuncha_shared.db import create_engine, create_sessionmaker
from xuncha_shared.events.planning import (
    AssignmentMade,
    AssignmentWithdrawn,
    GroupFormed,
    GroupMemberInfo,
    GroupMembershipChanged,
    GroupRole,
    RoundMode,
    RoundScheduled,
    RoundStatus,
    RoundUpdated,
)
from xuncha_shared.orgs import OrgKind

pytestmark = pytest.mark.postgres

J = "410825"
ROUND, TERM, GROUP, ORG = (uuid.uuid4() for _ in range(4))


@pytest.fixture
async def projection(database_url: str) -> AsyncIterator[tuple[AsyncSession, AssignmentTables]]:
    metadata = MetaData(schema="projection_test")
    tables = assignment_projection_tables(metadata)
    engine = create_engine(database_url)
    async with engine.begin() as conn:
        await conn.execute(text("CREATE SCHEMA projection_test"))
        await conn.run_sync(metadata.create_all)
    async with create_sessionmaker(engine)() as session:
        yield session, tables
    await engine.dispose()


def round_event(cls: Any = RoundScheduled, *, version: int, status: RoundStatus) -> Any:
    return cls(
        jurisdiction=J,
        round_id=ROUND,
        term_id=TERM,
        number=5,
        name="第五轮巡察",
        mode=RoundMode.regular,
        status=status,
        on_site_from=date(2027, 3, 1),
        on_site_until=date(2027, 4, 30),
        version=version,
    )


def member(account: str | None, role: GroupRole = GroupRole.member) -> GroupMemberInfo:
    return GroupMemberInfo(cadre_id=uuid.uuid4(), name="张三", role=role, account=account)


def group_event(cls: Any, *, version: int, members: tuple[GroupMemberInfo, ...], **kw: Any) -> Any:
    return cls(
        jurisdiction=J,
        round_id=ROUND,
        group_id=GROUP,
        name="第一巡察组",
        inspecting_jurisdiction=J,
        members=members,
        version=version,
        **kw,
    )


def assignment_event(cls: Any, assignment_id: uuid.UUID) -> Any:
    return cls(
        jurisdiction=J,
        round_id=ROUND,
        assignment_id=assignment_id,
        group_id=GROUP,
        org_id=ORG,
        org_kind=OrgKind.township,
        org_jurisdiction=J,
        inspecting_jurisdiction=J,
    )


async def test_the_newest_round_snapshot_wins_whatever_the_order(
    projection: tuple[AsyncSession, AssignmentTables],
) -> None:
    session, tables = projection
    await project_round(
        session, tables, round_event(RoundUpdated, version=3, status=RoundStatus.on_site)
    )
    await project_round(session, tables, round_event(version=1, status=RoundStatus.planned))
    projected = await get_round(session, tables, ROUND)
    assert projected is not None
    assert (projected.status, projected.version) == (RoundStatus.on_site, 3)
    assert await get_round(session, tables, uuid.uuid4()) is None


async def test_group_members_follow_the_newest_version_and_need_an_account(
    projection: tuple[AsyncSession, AssignmentTables],
) -> None:
    session, tables = projection
    await project_round(session, tables, round_event(version=1, status=RoundStatus.on_site))
    formed = group_event(
        GroupFormed, version=1, members=(member("li", GroupRole.leader), member(None))
    )
    changed = group_event(
        GroupMembershipChanged,
        version=2,
        members=(member("li", GroupRole.leader), member("wang")),
        change="added",
        cadre_id=uuid.uuid4(),
        role=GroupRole.member,
    )
    await project_group(session, tables, formed)
    await project_group(session, tables, changed)
    await project_group(session, tables, formed)  # late redelivery of the older version
    assert await group_accounts(session, tables, GROUP) == {"li", "wang"}
    assert await is_group_member(session, tables, group_id=GROUP, account="wang")
    assert not await is_group_member(session, tables, group_id=GROUP, account="zhao")
    assert [r.id for r in await rounds_of_account(session, tables, "wang")] == [ROUND]
    assert await rounds_of_account(session, tables, "zhao") == []


async def test_a_withdrawn_assignment_is_kept_but_no_longer_active(
    projection: tuple[AsyncSession, AssignmentTables],
) -> None:
    session, tables = projection
    await project_group(
        session, tables, group_event(GroupFormed, version=1, members=(member("li"),))
    )
    kept, withdrawn = uuid.uuid4(), uuid.uuid4()
    for event in (
        assignment_event(AssignmentMade, kept),
        assignment_event(AssignmentMade, withdrawn),
        assignment_event(AssignmentMade, withdrawn),
        assignment_event(AssignmentWithdrawn, withdrawn),
    ):
        await project_assignment(session, tables, event)
    mine = await assignments_of_account(session, tables, "li")
    assert [a.id for a in mine] == [kept]
    assert mine[0].org_kind is OrgKind.township
    gone = await get_assignment(session, tables, withdrawn)
    assert gone is not None and gone.active is False
