"""A jurisdiction's findings settings, with documented defaults until the office sets its own:
issuer short name and name for 文号 (e.g. 温 / 中共温县县委巡察工作领导小组), reply periods in
working days for letters and forwarded reports, the similarity threshold for common
problems, and the orgs copied on feedback (discipline, organization)."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict
from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Principal
from xuncha_shared.http import check_version
from xuncha_shared.problems import PreconditionFailed, PreconditionRequired

from findings.common import repository
from findings.common.models import FindingsSettingsRow

DEFAULT_ISSUER_SHORT = ""
DEFAULT_ISSUER_NAME = "巡察工作领导小组"
DEFAULT_LETTER_REPLY_WORKDAYS = 15
DEFAULT_FORWARD_REPLY_WORKDAYS = 10
DEFAULT_SIMILARITY_THRESHOLD = 60

_EXAMPLE: JsonDict = {
    "issuer_short": "温",
    "issuer_name": "中共温县县委巡察工作领导小组",
    "letter_reply_workdays": 15,
    "forward_reply_workdays": 10,
    "similarity_threshold": 65,
    "feedback_copy_org_ids": [
        "9bcee300-ecba-422e-9012-9ac0021ea386",
        "06a839c8-f4fe-489e-9743-d160014a21da",
    ],
}


class SettingsWrite(BaseModel):
    """The settings the office sets."""

    model_config = ConfigDict(json_schema_extra={"examples": [_EXAMPLE]})

    issuer_short: str = Field(
        min_length=1, max_length=8, title="发文机关代字", description="文号前缀，如“温”"
    )
    issuer_name: str = Field(min_length=1, max_length=64, title="发文机关名称")
    letter_reply_workdays: int = Field(ge=1, le=120, title="函件回复期限（工作日）")
    forward_reply_workdays: int = Field(ge=1, le=120, title="转办回复期限（工作日）")
    similarity_threshold: int = Field(
        ge=30, le=100, title="共性问题相似度阈值", description="0-100，越大越严格"
    )
    feedback_copy_org_ids: list[uuid.UUID] = Field(
        default_factory=list,
        max_length=10,
        title="反馈同步抄送单位",
        description="纪委监委、组织部",
    )


class SettingsRead(SettingsWrite):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{**_EXAMPLE, "jurisdiction": "410825", "is_default": False, "version": 2}]
        }
    )

    issuer_short: str = Field(
        max_length=8, title="发文机关代字", description="未设置时为空：文号不带机关代字"
    )
    jurisdiction: str = Field(title="管辖范围")
    is_default: bool = Field(title="是否系统默认值")
    version: int | None = Field(default=None, title="版本号")


def _read(jurisdiction: str, row: FindingsSettingsRow | None) -> SettingsRead:
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
    return _read(jurisdiction, await repository.settings(session, jurisdiction))


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
        return _read(actor.jurisdiction, row), True
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
    return _read(actor.jurisdiction, row), False
