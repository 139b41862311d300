"""The settings in force for a jurisdiction: its own, or the documented defaults until the
office sets them: issuer short name and name for 文号 (e.g. 温 / 中共温县县委巡察工作领导小组),
reply periods in working days for letters and forwarded reports, the similarity threshold
for common problems, and the orgs copied on feedback (discipline, organization).

Other features read the settings through :func:`effective`; only ``settings/service.py``
changes them."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from findings.settings import repository
from findings.settings.models import FindingsSettingsRow
from findings.settings.schemas import SettingsRead

DEFAULT_ISSUER_SHORT = ""
DEFAULT_ISSUER_NAME = "巡察工作领导小组"
DEFAULT_LETTER_REPLY_WORKDAYS = 15
DEFAULT_FORWARD_REPLY_WORKDAYS = 10
DEFAULT_SIMILARITY_THRESHOLD = 60


def as_read(jurisdiction: str, row: FindingsSettingsRow | None) -> SettingsRead:
    """The API view of the jurisdiction's row, or of the defaults without one."""
    if row is None:
        return SettingsRead(
            jurisdiction=jurisdiction,
            issuer_short=DEFAULT_ISSUER_SHORT,
            issuer_name=DEFAULT_ISSUER_NAME,
            letter_reply_workdays=DEFAULT_LETTER_REPLY_WORKDAYS,
            forward_reply_workdays=DEFAULT_FORWARD_REPLY_WORKDAYS,
            similarity_threshold=DEFAULT_SIMILARITY_THRESHOLD,
            feedback_copy_org_ids=[],
            is_default=True,
        )
    return SettingsRead(
        jurisdiction=jurisdiction,
        issuer_short=row.issuer_short,
        issuer_name=row.issuer_name,
        letter_reply_workdays=row.letter_reply_workdays,
        forward_reply_workdays=row.forward_reply_workdays,
        similarity_threshold=row.similarity_threshold,
        feedback_copy_org_ids=list(row.feedback_copy_org_ids),
        is_default=False,
        version=row.version,
    )


async def effective(session: AsyncSession, jurisdiction: str) -> SettingsRead:
    """The settings in force for ``jurisdiction``."""
    return as_read(jurisdiction, await repository.settings(session, jurisdiction))
