"""The classification method per jurisdiction (分类办法): read, save a new version, history.
Keyword-only arguments; they flush, never commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Principal
from xuncha_shared.http import check_version
from xuncha_shared.problems import (
    FieldError,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    Unprocessable,
)

from planning.villages import repository
from planning.villages.models import VillageClassConfig
from planning.villages.rules import (
    APPROACH_FOR_CLASS,
    DEFAULT_RULES,
    ClassificationRules,
    check_rules,
)
from planning.villages.schemas import ClassConfigRead, ClassConfigUpdate


def config_read(jurisdiction: str, row: VillageClassConfig | None) -> ClassConfigRead:
    """A saved version as the API shows it, or the defaults when ``row`` is None."""
    approaches = dict(APPROACH_FOR_CLASS)
    if row is None:
        return ClassConfigRead(
            jurisdiction=jurisdiction, basis="default", rules=DEFAULT_RULES, approaches=approaches
        )
    return ClassConfigRead(
        jurisdiction=row.jurisdiction,
        basis="office",
        version=row.version,
        rules=ClassificationRules.model_validate(row.rules),
        approaches=approaches,
        note=row.note,
        created_at=row.created_at,
        created_by=row.created_by,
    )


async def read_config(session: AsyncSession, *, jurisdiction: str) -> ClassConfigRead:
    """The method in force in ``jurisdiction``."""
    return config_read(jurisdiction, await repository.latest_config(session, jurisdiction))


async def read_config_version(
    session: AsyncSession, *, jurisdiction: str, version: int
) -> ClassConfigRead:
    """A past (or the current) saved version."""
    row = await repository.get_config(session, jurisdiction, version)
    if row is None:
        raise NotFound("该版本的分类办法不存在", "No such version of the method", field="version")
    return config_read(jurisdiction, row)


async def save_config(
    session: AsyncSession,
    *,
    data: ClassConfigUpdate,
    expected_version: int | None,
    actor: Principal,
    now: datetime,
) -> tuple[VillageClassConfig, bool]:
    """Save a new version of the jurisdiction's method; returns it and whether one was made.

    The first version needs no ``If-Match``; later ones need the version read, so two office
    users cannot overwrite each other. Saving the rules in force again makes no version.
    Classifications already scored keep their score until their indicators are entered again.
    """
    # Field paths as in the request body, like the validation errors of the types.
    issues = [
        FieldError(field=f"rules.{i.field}", code=i.code, message_zh=i.message_zh,
                   message_en=i.message_en)
        for i in check_rules(data.rules)
    ]  # fmt: skip
    if issues:
        raise Unprocessable(
            f"分类办法有误：{issues[0].message_zh}",
            f"The method is inconsistent: {issues[0].message_en}",
            field=issues[0].field,
            code=issues[0].code,
            errors=issues,
        )
    jurisdiction = actor.jurisdiction
    await repository.lock(session, f"planning.village_class_configs:{jurisdiction}")
    latest = await repository.latest_config(session, jurisdiction)
    if latest is None and expected_version is not None:
        raise PreconditionFailed(
            "本辖区尚未制定分类办法，新制定时不带 If-Match",
            "No method has been saved yet; send no If-Match to save the first version",
            field="If-Match",
        )
    if latest is not None:
        if expected_version is None:
            raise PreconditionRequired(
                "修改分类办法须带 If-Match 请求头（上次读取的 ETag）",
                "Changing the method needs an If-Match header with the ETag you read",
                field="If-Match",
            )
        check_version(latest.version, expected_version)
    rules = data.rules.model_dump(mode="json")
    if latest is not None and ClassificationRules.model_validate(latest.rules) == data.rules:
        return latest, False
    row = VillageClassConfig(
        jurisdiction=jurisdiction,
        version=(latest.version + 1) if latest else 1,
        rules=rules,
        note=data.note,
        created_at=now,
        created_by=actor.subject,
    )
    session.add(row)
    await session.flush()
    return row, True


async def list_config_versions(
    session: AsyncSession, *, jurisdiction: str, before: int | None, limit: int
) -> tuple[list[ClassConfigRead], int]:
    """Saved versions, newest first."""
    rows, total = await repository.list_configs(
        session, jurisdiction=jurisdiction, before=before, limit=limit
    )
    return [config_read(jurisdiction, r) for r in rows], total
