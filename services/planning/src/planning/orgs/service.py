"""Planning's domain operations. Keyword-only arguments; they flush, never commit."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Principal
from xuncha_shared.events.planning import OrgRegistered, OrgUpdated
from xuncha_shared.http import check_version
from xuncha_shared.messaging import emit
from xuncha_shared.orgs import GRASSROOTS_KINDS, OrgKind
from xuncha_shared.problems import Conflict, NotFound, Unprocessable
from xuncha_shared.sheets import rows_rejected

from planning.models import Org
from planning.orgs import repository
from planning.orgs.importing import ImportFileError, OrgRow, parse_org_file
from planning.orgs.schemas import ImportReport, OrgCreate, OrgUpdate


def _snapshot(org: Org) -> dict[str, object]:
    return {
        "jurisdiction": org.jurisdiction,
        "org_id": org.id,
        "code": org.code,
        "name": org.name,
        "kind": OrgKind(org.kind),
        "parent_id": org.parent_id,
        "version": org.version,
        "active": org.active,
        "leader_account": org.leader_account,
        "designation": org.designation,
    }


def check_parent(kind: OrgKind, parent: Org | None, *, field: str = "parent_id") -> None:
    """Villages and communities hang under a township; nothing hangs under a village."""
    if kind in GRASSROOTS_KINDS and (parent is None or parent.kind != OrgKind.township):
        raise Unprocessable(
            "村和社区的上级必须是乡镇（街道）",
            "A village or community needs a township as its parent",
            field=field,
            code="parent-must-be-township",
        )
    if parent is not None and OrgKind(parent.kind) in GRASSROOTS_KINDS:
        raise Unprocessable(
            "村或社区不能作为上级组织",
            "A village or community cannot be a parent",
            field=field,
            code="parent-is-grassroots",
        )


def check_designation(kind: OrgKind, designation: str | None) -> None:
    """Only a county department has a designation (职能): clues find their recipient by it."""
    if designation is not None and kind != OrgKind.department:
        raise Unprocessable(
            "只有县直单位可以设置部门职能",
            "Only a department can have a designation",
            field="designation",
            code="designation-not-department",
        )


async def _parent_in_jurisdiction(
    session: AsyncSession, parent_id: uuid.UUID | None, jurisdiction: str
) -> Org | None:
    if parent_id is None:
        return None
    parent = await repository.get_org(session, parent_id)
    if parent is None or parent.jurisdiction != jurisdiction:
        raise Unprocessable(
            "上级组织不存在", "The parent org does not exist", field="parent_id", code="no-parent"
        )
    return parent


async def register_org(
    session: AsyncSession, *, data: OrgCreate, actor: Principal, now: datetime
) -> Org:
    """Add an org to the registry of orgs in scope and emit ``org.registered``."""
    jurisdiction = actor.jurisdiction
    if await repository.get_org_by_code(session, jurisdiction, data.code) is not None:
        raise Conflict(
            f"编码 {data.code} 已被使用",
            f"Code {data.code} is already used",
            field="code",
            code="duplicate-code",
        )
    parent = await _parent_in_jurisdiction(session, data.parent_id, jurisdiction)
    check_parent(data.kind, parent)
    check_designation(data.kind, data.designation)
    org = Org(
        jurisdiction=jurisdiction,
        code=data.code,
        name=data.name,
        kind=data.kind.value,
        parent_id=data.parent_id,
        contact_name=data.contact_name,
        contact_phone=data.contact_phone,
        contact_email=str(data.contact_email) if data.contact_email else None,
        leader_account=data.leader_account,
        designation=data.designation.value if data.designation else None,
        created_at=now,
        updated_at=now,
        created_by=actor.subject,
    )
    session.add(org)
    await session.flush()
    await emit(session, OrgRegistered.model_validate(_snapshot(org)))
    return org


async def update_org(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    data: OrgUpdate,
    expected_version: int,
    actor: Principal,
    now: datetime,
) -> Org:
    """Change an org (optimistic concurrency on ``version``) and emit ``org.updated``."""
    org = await get_org_for(session, org_id=org_id, actor=actor, for_update=True)
    check_version(org.version, expected_version)
    changes = data.model_dump(exclude_unset=True)
    if "parent_id" in changes and changes["parent_id"] == org.id:
        raise Unprocessable(
            "组织不能以自身为上级", "An org cannot be its own parent", field="parent_id"
        )
    kind = OrgKind(changes.get("kind") or org.kind)
    parent_id = changes.get("parent_id", org.parent_id)
    parent = await _parent_in_jurisdiction(session, parent_id, org.jurisdiction)
    check_parent(kind, parent)
    check_designation(kind, changes.get("designation", org.designation))
    if changes.get("designation") is not None:
        changes["designation"] = changes["designation"].value
    if "contact_email" in changes and changes["contact_email"] is not None:
        changes["contact_email"] = str(changes["contact_email"])
    if "kind" in changes and changes["kind"] is not None:
        changes["kind"] = OrgKind(changes["kind"]).value
    changed = {k: v for k, v in changes.items() if getattr(org, k) != v}
    if not changed:
        return org
    for key, value in changed.items():
        setattr(org, key, value)
    org.version += 1
    org.updated_at = now
    await session.flush()
    await emit(session, OrgUpdated.model_validate(_snapshot(org)))
    return org


async def get_org_for(
    session: AsyncSession, *, org_id: uuid.UUID, actor: Principal, for_update: bool = False
) -> Org:
    """An org the actor may see: another jurisdiction's org is as good as missing."""
    org = await repository.get_org(session, org_id, for_update=for_update)
    if org is None or org.jurisdiction != actor.jurisdiction:
        raise NotFound("被巡察对象不存在", "No such org", field="org_id")
    return org


async def import_orgs(
    session: AsyncSession, *, content: bytes, filename: str, actor: Principal, now: datetime
) -> ImportReport:
    """Create or update every row of a parsed file, all or nothing.

    Rows whose code exists are updates (their kind may not change a village into a parent
    of villages, the same rules as single edits); the others are created, parents first.
    Any row error means nothing is written and every error is reported.
    """
    jurisdiction = actor.jurisdiction
    by_code = await repository.orgs_by_code(session, jurisdiction)
    try:
        parsed = parse_org_file(
            content, filename, existing_codes={c: OrgKind(o.kind) for c, o in by_code.items()}
        )
    except ImportFileError as exc:
        raise Unprocessable(exc.message_zh, exc.message_en, field="file", code=exc.code) from exc
    if parsed.errors:
        raise rows_rejected(parsed.errors)
    created = updated = unchanged = 0
    changes: list[tuple[type[OrgRegistered] | type[OrgUpdated], Org]] = []
    for row in parsed.rows:
        parent = by_code.get(row.parent_code) if row.parent_code else None
        org = by_code.get(row.code)
        if org is None:
            org = _new_org(row, jurisdiction, parent, actor, now)
            session.add(org)
            by_code[row.code] = org
            created += 1
            changes.append((OrgRegistered, org))
        elif _apply_row(
            org,
            row,
            parent,
            now,
            with_leader=parsed.has_leader,
            with_designation=parsed.has_designation,
        ):
            updated += 1
            changes.append((OrgUpdated, org))
        else:
            unchanged += 1
    await session.flush()
    for cls, org in changes:
        await emit(session, cls.model_validate(_snapshot(org)))
    kinds = Counter(r.kind.value for r in parsed.rows)
    return ImportReport(
        created=created,
        updated=updated,
        unchanged=unchanged,
        total=len(parsed.rows),
        by_kind=dict(kinds),
    )


def _new_org(
    row: OrgRow, jurisdiction: str, parent: Org | None, actor: Principal, now: datetime
) -> Org:
    return Org(
        id=uuid.uuid4(),
        jurisdiction=jurisdiction,
        code=row.code,
        name=row.name,
        kind=row.kind.value,
        parent_id=parent.id if parent else None,
        contact_name=row.contact_name,
        contact_phone=row.contact_phone,
        contact_email=row.contact_email,
        leader_account=row.leader_account,
        designation=row.designation.value if row.designation else None,
        created_at=now,
        updated_at=now,
        created_by=actor.subject,
    )


def _apply_row(
    org: Org,
    row: OrgRow,
    parent: Org | None,
    now: datetime,
    *,
    with_leader: bool,
    with_designation: bool,
) -> bool:
    values: dict[str, object] = {
        "name": row.name,
        "kind": row.kind.value,
        "parent_id": parent.id if parent else None,
        "contact_name": row.contact_name,
        "contact_phone": row.contact_phone,
        "contact_email": row.contact_email,
        "active": True,
    }
    if with_leader:  # a file without the column keeps the leader in charge
        values["leader_account"] = row.leader_account
    if with_designation:  # likewise the designation
        values["designation"] = row.designation.value if row.designation else None
    changed = {k: v for k, v in values.items() if getattr(org, k) != v}
    if not changed:
        return False
    for key, value in changed.items():
        setattr(org, key, value)
    org.version += 1
    org.updated_at = now
    return True
