"""API schemas of assignments: AssignmentCreate / AssignmentRead / AssignmentPage and a
member's own MyAssignmentRead."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from xuncha_shared.http import Page
from xuncha_shared.orgs import OrgKind

from planning.pool.domain import GroupRole, VillageApproach


class AssignmentCreate(BaseModel):
    """An org to give a group for the round (巡察任务)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "group_id": "bf2bb032-7db3-4279-9ed3-35fb98886256",
                    "org_id": "465b8d27-a324-46e2-b20c-0d746288aa4d",
                    "approach": "direct",
                }
            ]
        },
    )

    group_id: uuid.UUID = Field(title="巡察组编号")
    org_id: uuid.UUID = Field(title="被巡察对象编号")
    approach: VillageApproach | None = Field(
        default=None,
        title="巡察方式",
        description="村（社区）必填：direct 直接巡、extended 延伸巡、research 调研巡"
        "（后两者须先把所属乡镇交给同一组）；其他组织不填",
    )


class AssignmentRead(BaseModel):
    id: uuid.UUID = Field(title="编号")
    round_id: uuid.UUID = Field(title="轮次编号")
    group_id: uuid.UUID = Field(title="巡察组编号")
    group_name: str = Field(title="巡察组")
    org_id: uuid.UUID = Field(title="被巡察对象编号")
    org_code: str = Field(title="被巡察对象编码")
    org_name: str = Field(title="被巡察对象")
    org_kind: OrgKind = Field(title="被巡察对象类型")
    org_jurisdiction: str = Field(title="被巡察对象所属地区")
    approach: VillageApproach | None = Field(title="巡察方式")
    created_at: datetime = Field(title="分配时间")
    created_by: str = Field(title="分配人")


AssignmentPage = Page[AssignmentRead]


class MyAssignmentRead(AssignmentRead):
    """A task of a group the caller is a member of."""

    round_name: str = Field(title="轮次")
    round_status: str = Field(title="轮次阶段")
    my_role: GroupRole = Field(title="本人组内职务")


MyAssignmentPage = Page[MyAssignmentRead]
