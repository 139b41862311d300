"""Events produced by the planning service (topic ``xuncha.planning.v1``)."""

from __future__ import annotations

import uuid
from typing import ClassVar

from pydantic import Field

from xuncha_shared.events.base import Event
from xuncha_shared.orgs import OrgKind


class OrgSnapshot(Event):
    """The registry's view of an org, as other services project it."""

    subject_field: ClassVar[str] = "org_id"

    org_id: uuid.UUID = Field(title="被巡察对象编号")
    code: str = Field(title="编码")
    name: str = Field(title="名称")
    kind: OrgKind = Field(title="类型")
    parent_id: uuid.UUID | None = Field(default=None, title="上级组织编号")
    version: int = Field(ge=1, title="版本号", description="每次变更加一；投影只接受更新的版本")
    active: bool = Field(default=True, title="是否在巡察范围内")


class OrgRegistered(OrgSnapshot):
    """An org entered the registry of orgs in scope (被巡察对象库)."""

    type: ClassVar[str] = "xuncha.planning.org.registered.v1"
    title_zh: ClassVar[str] = "被巡察对象已登记"


class OrgUpdated(OrgSnapshot):
    """An org's name, kind, parent or scope changed; carries the whole new snapshot."""

    type: ClassVar[str] = "xuncha.planning.org.updated.v1"
    title_zh: ClassVar[str] = "被巡察对象已变更"


EVENTS: tuple[type[Event], ...] = (OrgRegistered, OrgUpdated)
