"""The rules in force: a jurisdiction's own, or the documented defaults; the office sets
them with If-Match once they exist."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Principal
from xuncha_shared.http import check_version
from xuncha_shared.problems import PreconditionFailed, PreconditionRequired

from rectification.rules import repository
from rectification.rules.models import RulesRow
from rectification.rules.schemas import Rules, RulesRead


async def rules_of(session: AsyncSession, *, jurisdiction: str) -> RulesRead:
    """The rules in force for ``jurisdiction``, as read."""
    return read(jurisdiction, await repository.rules_row(session, jurisdiction))


async def set_rules(
    session: AsyncSession,
    *,
    rules: Rules,
    expected_version: int | None,
    actor: Principal,
    now: datetime,
) -> tuple[RulesRead, bool]:
    """Set the actor's jurisdiction's rules: first without a version, then with the one
    read. Answers the rules and whether they were created."""
    row = await repository.rules_row(session, actor.jurisdiction, for_update=True)
    created = row is None
    if row is None:
        if expected_version is not None:
            raise PreconditionFailed(
                "本辖区尚未设置整改规则，新设时不带 If-Match",
                "No rules exist yet; send no If-Match to create them",
                field="If-Match",
            )
        row = RulesRow(
            jurisdiction=actor.jurisdiction,
            rules=rules.model_dump(mode="json"),
            updated_at=now,
            updated_by=actor.subject,
        )
        session.add(row)
    else:
        if expected_version is None:
            raise PreconditionRequired(
                "修改整改规则须带 If-Match 请求头（上次读取的 ETag）",
                "Changing the rules needs If-Match with the ETag you read",
                field="If-Match",
            )
        check_version(row.version, expected_version)
        row.rules = rules.model_dump(mode="json")
        row.version += 1
        row.updated_at, row.updated_by = now, actor.subject
    await session.flush()
    return read(actor.jurisdiction, row), created


def read(jurisdiction: str, row: RulesRow | None) -> RulesRead:
    """The rules as answered: the row's, or the defaults without one."""
    if row is None:
        return RulesRead(jurisdiction=jurisdiction, rules=Rules(), is_default=True)
    return RulesRead(
        jurisdiction=jurisdiction,
        rules=Rules.model_validate(row.rules),
        is_default=False,
        version=row.version,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )
