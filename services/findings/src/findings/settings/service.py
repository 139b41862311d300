"""Setting a jurisdiction's findings settings: created without If-Match, changed with it.
Flush, never commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Principal
from xuncha_shared.http import check_version
from xuncha_shared.problems import PreconditionFailed, PreconditionRequired

from findings.settings import repository
from findings.settings.effective import as_read
from findings.settings.models import FindingsSettingsRow
from findings.settings.schemas import SettingsRead, SettingsWrite


async def save(
    session: AsyncSession,
    *,
    data: SettingsWrite,
    expected_version: int | None,
    actor: Principal,
    now: datetime,
) -> tuple[SettingsRead, bool]:
    """Create (no If-Match) or change (If-Match) the jurisdiction's settings."""
    row = await repository.settings(session, actor.jurisdiction, for_update=True)
    values = data.model_dump()
    if row is None:
        if expected_version is not None:
            raise PreconditionFailed(
                "尚未设置，新设时不带 If-Match",
                "No settings yet; send no If-Match to create them",
                field="If-Match",
            )
        row = FindingsSettingsRow(
            jurisdiction=actor.jurisdiction, updated_at=now, updated_by=actor.subject, **values
        )
        session.add(row)
        await session.flush()
        return as_read(actor.jurisdiction, row), True
    if expected_version is None:
        raise PreconditionRequired(
            "修改设置须带 If-Match", "Changing settings needs If-Match", field="If-Match"
        )
    check_version(row.version, expected_version)
    for k, v in values.items():
        setattr(row, k, v)
    row.version += 1
    row.updated_at, row.updated_by = now, actor.subject
    await session.flush()
    return as_read(actor.jurisdiction, row), False
