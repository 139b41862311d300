"""API schemas of the audit log: AuditRead / AuditPage."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field
from xuncha_shared.http import Page


class AuditRead(BaseModel):
    seq: int = Field(title="序号")
    at: datetime = Field(title="时间")
    actor: str = Field(title="操作人账号")
    actor_roles: str = Field(title="角色")
    actor_org_id: str | None = Field(title="所属单位")
    action: str = Field(
        title="操作", description="propose、read、review、transfer、receipt、export …"
    )
    clue_id: uuid.UUID | None = Field(title="线索编号")
    detail: dict[str, object] = Field(title="说明（编号、状态和数量）")


AuditPage = Page[AuditRead]
