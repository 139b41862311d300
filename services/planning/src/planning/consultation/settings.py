"""A jurisdiction's consultation rhythm (函询期限): the reply period in working days and
when to remind. Documented defaults apply until the office sets its own."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Principal
from xuncha_shared.http import check_version
from xuncha_shared.problems import PreconditionFailed, PreconditionRequired

from planning.consultation import repository
from planning.consultation.models import ConsultationSettings
from planning.consultation.schemas import (
    DEFAULT_REMIND_WORKDAYS_BEFORE,
    DEFAULT_REPLY_WORKDAYS,
    ConsultationSettingsRead,
    ConsultationSettingsWrite,
)


def settings_read(jurisdiction: str, row: ConsultationSettings | None) -> ConsultationSettingsRead:
    """The settings in force (the defaults when the office has set none)."""
    if row is None:
        return ConsultationSettingsRead(
            jurisdiction=jurisdiction,
            reply_workdays=DEFAULT_REPLY_WORKDAYS,
            remind_workdays_before=DEFAULT_REMIND_WORKDAYS_BEFORE,
            is_default=True,
        )
    return ConsultationSettingsRead(
        jurisdiction=jurisdiction,
        reply_workdays=row.reply_workdays,
        remind_workdays_before=row.remind_workdays_before,
        is_default=False,
        version=row.version,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )


async def effective_settings(session: AsyncSession, jurisdiction: str) -> ConsultationSettingsRead:
    """The rhythm new consultations of ``jurisdiction`` follow."""
    return settings_read(jurisdiction, await repository.get_settings(session, jurisdiction))


async def save_settings(
    session: AsyncSession,
    *,
    data: ConsultationSettingsWrite,
    expected_version: int | None,
    actor: Principal,
    now: datetime,
) -> tuple[ConsultationSettingsRead, bool]:
    """Set the jurisdiction's consultation rhythm; returns it and whether it was created.
    Changing settings already set needs the version read (``If-Match``)."""
    jurisdiction = actor.jurisdiction
    await repository.lock_settings(session, jurisdiction)
    row = await repository.get_settings(session, jurisdiction)
    created = row is None
    if row is None:
        if expected_version is not None:
            raise PreconditionFailed(
                "本辖区尚未设置函询期限，新设时不带 If-Match",
                "No settings exist yet; send no If-Match to create them",
                field="If-Match",
            )
        row = ConsultationSettings(
            jurisdiction=jurisdiction,
            reply_workdays=data.reply_workdays,
            remind_workdays_before=data.remind_workdays_before,
            updated_at=now,
            updated_by=actor.subject,
        )
        session.add(row)
    else:
        if expected_version is None:
            raise PreconditionRequired(
                "修改函询期限设置须带 If-Match 请求头（上次读取的 ETag）",
                "Changing the settings needs If-Match with the ETag you read",
                field="If-Match",
            )
        check_version(row.version, expected_version)
        if (row.reply_workdays, row.remind_workdays_before) != (
            data.reply_workdays,
            data.remind_workdays_before,
        ):
            row.reply_workdays = data.reply_workdays
            row.remind_workdays_before = data.remind_workdays_before
            row.version += 1
            row.updated_at, row.updated_by = now, actor.subject
    await session.flush()
    return settings_read(jurisdiction, row), created
