"""The directory: the office keeps its jurisdiction's people; a person keeps their own
e-mail and digest choice."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Forbidden, Principal, Role
from xuncha_shared.http import check_version
from xuncha_shared.problems import Conflict, NotFound

from notify.directory import repository
from notify.directory.models import Person
from notify.directory.schemas import MyContactUpdate, PersonCreate, PersonUpdate


async def person_in(
    session: AsyncSession, *, account: str, jurisdiction: str, for_update: bool = False
) -> Person:
    """A person of the jurisdiction; others are as good as missing."""
    person = await repository.get_person(session, account, for_update=for_update)
    if person is None or person.jurisdiction != jurisdiction:
        raise NotFound("通讯录中没有此人", "No such person in the directory", field="account")
    return person


async def person_for(session: AsyncSession, *, account: str, viewer: Principal) -> Person:
    """A person as ``viewer`` may read them: themselves, or anyone of the jurisdiction for
    the office and the leadership."""
    if account != viewer.subject and not viewer.has(Role.office, Role.leadership):
        raise Forbidden(
            "只有巡察办和领导小组可以查看通讯录",
            "Only the inspection office and the leadership may read the directory",
        )
    return await person_in(session, account=account, jurisdiction=viewer.jurisdiction)


async def list_people(
    session: AsyncSession,
    *,
    jurisdiction: str,
    org_id: uuid.UUID | None,
    role: str | None,
    q: str | None,
    after: str | None,
    limit: int,
) -> tuple[list[Person], int]:
    """The jurisdiction's people in account order, with the filters' total."""
    return await repository.list_people(
        session,
        jurisdiction=jurisdiction,
        org_id=org_id,
        role=role,
        q=q,
        after=after,
        limit=limit,
    )


async def create_person(
    session: AsyncSession, *, data: PersonCreate, actor: Principal, now: datetime
) -> Person:
    """Enter an account in the actor's jurisdiction; an account entered already is a 409."""
    if await repository.get_person(session, data.account) is not None:
        raise Conflict(
            "该账号已在通讯录中", "This account is already in the directory", field="account"
        )
    person = Person(
        account=data.account,
        jurisdiction=actor.jurisdiction,
        display_name=data.display_name,
        roles=sorted({r.value for r in data.roles}),
        org_id=data.org_id,
        email=str(data.email) if data.email else None,
        daily_digest=data.daily_digest,
        active=data.active,
        version=1,
        created_at=now,
        updated_at=now,
        updated_by=actor.subject,
    )
    session.add(person)
    await session.flush()
    return person


def _apply(person: Person, changes: dict[str, object], *, actor: Principal, now: datetime) -> None:
    for name, value in changes.items():
        if name == "roles" and isinstance(value, Sequence):
            value = sorted({str(getattr(r, "value", r)) for r in value})
        if name == "email" and value is not None:
            value = str(value)
        setattr(person, name, value)
    person.version += 1
    person.updated_at = now
    person.updated_by = actor.subject


async def update_person(
    session: AsyncSession,
    *,
    account: str,
    data: PersonUpdate,
    expected_version: int,
    actor: Principal,
    now: datetime,
) -> Person:
    person = await person_in(
        session, account=account, jurisdiction=actor.jurisdiction, for_update=True
    )
    check_version(person.version, expected_version)
    _apply(person, data.model_dump(exclude_unset=True), actor=actor, now=now)
    await session.flush()
    return person


async def update_me(
    session: AsyncSession,
    *,
    data: MyContactUpdate,
    expected_version: int,
    actor: Principal,
    now: datetime,
) -> Person:
    person = await person_in(
        session, account=actor.subject, jurisdiction=actor.jurisdiction, for_update=True
    )
    check_version(person.version, expected_version)
    _apply(person, data.model_dump(exclude_unset=True), actor=actor, now=now)
    await session.flush()
    return person


async def delete_person(
    session: AsyncSession, *, account: str, expected_version: int, actor: Principal
) -> None:
    person = await person_in(
        session, account=account, jurisdiction=actor.jurisdiction, for_update=True
    )
    check_version(person.version, expected_version)
    await session.delete(person)
    await session.flush()
