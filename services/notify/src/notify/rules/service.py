"""Routing rules: read the effective rules, replace or add one, revert to the default."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Principal
from xuncha_shared.events.catalog import CATALOG
from xuncha_shared.http import check_version
from xuncha_shared.problems import NotFound, PreconditionRequired

from notify.rules import repository
from notify.rules.defaults import DEFAULTS_BY_KEY
from notify.rules.models import RuleRow
from notify.rules.schemas import RuleRead, RuleSource, RuleWrite
from notify.rules.spec import CLUES_PREFIX, RuleSpec, audience_fields, check_rule


def read(spec: RuleSpec, row: RuleRow | None) -> RuleRead:
    cls = CATALOG.get(spec.event_type)
    if row is None:
        source = RuleSource.default
    else:
        source = RuleSource.override if row.key in DEFAULTS_BY_KEY else RuleSource.custom
    return RuleRead(
        key=spec.key,
        event_type=spec.event_type,
        event_title=cls.title_zh if cls is not None else spec.event_type,
        description=spec.description,
        conditions=spec.conditions,
        audiences=[a.with_roles_meant() for a in spec.audiences],
        channels=list(spec.channels),
        active=spec.active,
        source=source,
        version=row.version if row is not None else None,
        updated_at=row.updated_at if row is not None else None,
        updated_by=row.updated_by if row is not None else None,
    )


async def list_rules(session: AsyncSession, *, jurisdiction: str) -> list[RuleRead]:
    """The effective rules of a jurisdiction: defaults, overrides and its own."""
    return [read(spec, row) for spec, row in await repository.effective(session, jurisdiction)]


async def get_rule(session: AsyncSession, *, jurisdiction: str, key: str) -> RuleRead:
    """The jurisdiction's rule ``key``: its own, else the default."""
    row = await repository.get_row(session, jurisdiction, key)
    if row is not None:
        return read(repository.spec_of(row), row)
    default = DEFAULTS_BY_KEY.get(key)
    if default is None:
        raise NotFound("没有这条通知规则", "No such rule", field="key")
    return read(default, None)


async def save_rule(
    session: AsyncSession,
    *,
    key: str,
    data: RuleWrite,
    expected_version: int | None,
    actor: Principal,
    now: datetime,
) -> tuple[RuleRead, bool]:
    """Replace the rule ``key`` of the actor's jurisdiction (or add it). Returns the rule and
    whether a row was created. Checked against the catalog: an unknown event type, role or
    field is a 422 naming it; clue rules reach only the keeper and the recipient."""
    conditions = check_rule(
        event_type=data.event_type, conditions=dict(data.conditions), audiences=data.audiences
    )
    values: dict[str, Any] = {
        "event_type": data.event_type,
        "description": data.description,
        "conditions": conditions,
        "audiences": [
            a.with_roles_meant().model_dump(mode="json", exclude_none=True) for a in data.audiences
        ],
        "channels": list(dict.fromkeys(c.value for c in data.channels)),
        "active": data.active,
        "updated_at": now,
        "updated_by": actor.subject,
    }
    row = await repository.get_row(session, actor.jurisdiction, key, for_update=True)
    if row is None:
        if expected_version is not None:
            check_version(0, expected_version)
        row = RuleRow(jurisdiction=actor.jurisdiction, key=key, version=1, **values)
        session.add(row)
        await session.flush()
        return read(repository.spec_of(row), row), True
    if expected_version is None:
        raise PreconditionRequired(
            "修改已保存的规则须带 If-Match 请求头（上次读取的 ETag）",
            "Changing a saved rule needs If-Match with the ETag you read",
            field="If-Match",
        )
    check_version(row.version, expected_version)
    for name, value in values.items():
        setattr(row, name, value)
    row.version += 1
    await session.flush()
    return read(repository.spec_of(row), row), False


async def delete_rule(
    session: AsyncSession, *, key: str, expected_version: int, actor: Principal
) -> None:
    """Drop the jurisdiction's own rule: a default comes back, an added rule is gone."""
    row = await repository.get_row(session, actor.jurisdiction, key, for_update=True)
    if row is None:
        raise NotFound("本辖区没有保存这条规则", "No saved rule with this key", field="key")
    check_version(row.version, expected_version)
    await session.delete(row)
    await session.flush()


def event_types() -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for type_, cls in sorted(CATALOG.items()):
        fields = audience_fields(cls)
        out.append(
            {
                "type": type_,
                "title_zh": cls.title_zh,
                "fields": [f for f in cls.model_fields if f != "jurisdiction"],
                "org_fields": fields["org"],
                "account_fields": fields["account"],
                "confidential": type_.startswith(CLUES_PREFIX),
            }
        )
    return out
