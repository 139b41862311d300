"""Projections other services keep of planning's registry of orgs in scope."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    func,
    select,
)
from sqlalchemy.dialects.postgresql import UUID, insert
from sqlalchemy.ext.asyncio import AsyncSession

from xuncha_shared.consumer import EventMeta, HandlerRegistry
from xuncha_shared.db import DbSession
from xuncha_shared.events.planning import OrgRegistered, OrgSnapshot, OrgUpdated
from xuncha_shared.http import (
    CurrentPrincipal,
    Page,
    Paging,
    decode_cursor,
    split_page,
)
from xuncha_shared.orgs import DepartmentDesignation, OrgKind
from xuncha_shared.problems import NotFound


def org_projection_table(
    metadata: MetaData, *, with_leader: bool = False, with_designation: bool = False
) -> Table:
    """``<schema>.orgs``: id, code, name, kind, parent, scope and the version last applied;
    ``with_leader`` adds ``leader_account`` (the county leader in charge, 分管县领导), for the
    services that decide access by it; ``with_designation`` adds a department's
    ``designation`` (职能), for the services that pick departments by it (their migrations
    add the columns)."""
    extra: list[Column[str] | Index] = (
        [Column("leader_account", String(128)), Index("ix_orgs_leader_account", "leader_account")]
        if with_leader
        else []
    )
    if with_designation:
        extra.append(Column("designation", String(20)))
    return Table(
        "orgs",
        metadata,
        Column("id", UUID(as_uuid=True), primary_key=True),
        Column("jurisdiction", String(32), nullable=False),
        Column("code", String(32), nullable=False),
        Column("name", String(100), nullable=False),
        Column("kind", String(20), nullable=False),
        Column("parent_id", UUID(as_uuid=True)),
        Column("active", Boolean, nullable=False),
        Column("version", Integer, nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
        *extra,
        Index("ix_orgs_jurisdiction_kind", "jurisdiction", "kind"),
    )


async def apply_org_snapshot(
    session: AsyncSession, table: Table, event: OrgSnapshot, *, at: datetime
) -> None:
    """Upsert the snapshot unless a newer version is already there: order-safe and
    idempotent, whatever the delivery order of registered/updated events."""
    values = {
        "id": event.org_id,
        "jurisdiction": event.jurisdiction,
        "code": event.code,
        "name": event.name,
        "kind": event.kind.value,
        "parent_id": event.parent_id,
        "active": event.active,
        "version": event.version,
        "updated_at": at,
    }
    if "leader_account" in table.c:
        values["leader_account"] = event.leader_account
    if "designation" in table.c:
        values["designation"] = event.designation.value if event.designation else None
    stmt = insert(table).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.id],
        set_={k: stmt.excluded[k] for k in values if k != "id"},
        where=table.c.version < stmt.excluded.version,
    )
    await session.execute(stmt)


def register_org_projection(handlers: HandlerRegistry, table: Table) -> None:
    """Make ``handlers`` keep ``table`` in step with the registry."""

    async def on_org_snapshot(session: AsyncSession, event: OrgSnapshot, meta: EventMeta) -> None:
        """Project an org registered or updated in planning."""
        await apply_org_snapshot(session, table, event, at=meta.time)

    handlers.register(OrgRegistered, on_org_snapshot)
    handlers.register(OrgUpdated, on_org_snapshot)


class ProjectedOrg(BaseModel):
    """An org as this service's projection holds it."""

    id: uuid.UUID = Field(title="编号")
    jurisdiction: str = Field(title="管辖范围")
    code: str = Field(title="编码")
    name: str = Field(title="名称")
    kind: OrgKind = Field(title="类型")
    parent_id: uuid.UUID | None = Field(title="上级组织编号")
    active: bool = Field(title="是否在巡察范围内")
    version: int = Field(title="版本号")


class ProjectedOrgWithLeader(ProjectedOrg):
    """An org as a projection that keeps the leader in charge holds it."""

    leader_account: str | None = Field(
        default=None, title="分管县领导账号", description="该领导可查看本单位的整改（只读）"
    )


class ProjectedDepartment(ProjectedOrg):
    """An org as a projection that keeps departments' designations holds it."""

    designation: DepartmentDesignation | None = Field(
        default=None, title="部门职能", description="县直部门的职能；其他类型为空"
    )


def projected_orgs_router(table: Table) -> APIRouter:
    """Read-only routes over a service's org projection (to check it is in step; a leader
    finds the orgs of his sector where the projection keeps the leader in charge)."""
    router = APIRouter(tags=["orgs"])
    model: type[ProjectedOrg] = ProjectedOrg
    if "leader_account" in table.c:
        model = ProjectedOrgWithLeader
    elif "designation" in table.c:
        model = ProjectedDepartment

    @router.get("/orgs/{org_id}", response_model=model, summary="查看被巡察对象（本服务副本）")
    async def get_org(
        org_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal
    ) -> ProjectedOrg:
        row = (await session.execute(table.select().where(table.c.id == org_id))).mappings().first()
        if row is None or row["jurisdiction"] != principal.jurisdiction:
            raise NotFound("被巡察对象不存在", "No such org", field="org_id")
        return model.model_validate(dict(row))

    @router.get("/orgs", response_model=Page[model], summary="查询被巡察对象（本服务副本）")  # type: ignore[valid-type]
    async def list_orgs(
        session: DbSession,
        principal: CurrentPrincipal,
        paging: Paging,
        kind: Annotated[OrgKind | None, Query(title="类型")] = None,
    ) -> Page[ProjectedOrg]:
        after = decode_cursor(paging.cursor, arity=1)
        conditions = [table.c.jurisdiction == principal.jurisdiction]
        if kind is not None:
            conditions.append(table.c.kind == kind.value)
        total = int(
            await session.scalar(select(func.count()).select_from(table).where(*conditions)) or 0
        )
        if after:
            conditions.append(table.c.code > str(after[0]))
        rows = (
            (
                await session.execute(
                    table.select().where(*conditions).order_by(table.c.code).limit(paging.limit + 1)
                )
            )
            .mappings()
            .all()
        )
        page, next_cursor = split_page(rows, paging.limit, lambda r: [r["code"]])
        return Page(
            items=[model.model_validate(dict(r)) for r in page],
            next_cursor=next_cursor,
            total=total,
        )

    return router
