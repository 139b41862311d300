"""Planning's events about inspection groups and their assignments to orgs (topic
``xuncha.planning.v1``)."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from xuncha_shared.events.base import Event, events_in
from xuncha_shared.events.planning.villages import VillageApproach
from xuncha_shared.orgs import OrgKind


class GroupRole(StrEnum):
    """A member's place in an inspection group."""

    leader = "leader"  # 组长
    deputy = "deputy"  # 副组长
    member = "member"  # 组员


class GroupMemberInfo(BaseModel):
    """A member of a group as events carry it: no phone, no unit, no personal data beyond
    the name and the platform account (so services can tell a member's requests apart)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    cadre_id: uuid.UUID = Field(title="人才库人员编号")
    name: str = Field(title="姓名")
    role: GroupRole = Field(title="组内职务")
    account: str | None = Field(default=None, title="平台账号", description="令牌主体 sub")


class GroupEvent(Event):
    """An inspection group (巡察组) of a round. Message key: the round id, so a consumer
    sees a round's groups, assignments and stages in order."""

    subject_field: ClassVar[str] = "round_id"

    round_id: uuid.UUID = Field(title="轮次编号")
    group_id: uuid.UUID = Field(title="巡察组编号")
    name: str = Field(title="组名", description="如 第一巡察组")
    inspecting_jurisdiction: str = Field(title="派出巡察组的党委")
    source_jurisdiction: str | None = Field(
        default=None, title="组员来源地区", description="交叉巡察时组员所属的地区，否则为空"
    )
    members: tuple[GroupMemberInfo, ...] = Field(title="组员（变更后）")
    version: int = Field(ge=1, title="版本号", description="每次变更加一；投影只接受更新的版本")


class GroupFormed(GroupEvent):
    """The office formed an inspection group for a round from its talent pool, with a
    leader (组长), deputies (副组长) and members."""

    type: ClassVar[str] = "xuncha.planning.group.formed.v1"
    title_zh: ClassVar[str] = "巡察组已组建"


class GroupMembershipChanged(GroupEvent):
    """A member joined or left a group, or changed role; ``members`` is the whole group
    after the change. Appointing a new leader makes the previous one a member."""

    type: ClassVar[str] = "xuncha.planning.group.membership_changed.v1"
    title_zh: ClassVar[str] = "巡察组成员已调整"

    change: Literal["added", "removed", "role_changed"] = Field(title="变更类型")
    cadre_id: uuid.UUID = Field(title="变更的人员编号")
    role: GroupRole | None = Field(default=None, title="现职务", description="移出时为空")
    previous_role: GroupRole | None = Field(default=None, title="原职务", description="加入时为空")


class AssignmentEvent(Event):
    """A task of a round: one group inspects one org (巡察任务). Message key: the round id."""

    subject_field: ClassVar[str] = "round_id"

    round_id: uuid.UUID = Field(title="轮次编号")
    assignment_id: uuid.UUID = Field(title="巡察任务编号")
    group_id: uuid.UUID = Field(title="巡察组编号")
    org_id: uuid.UUID = Field(title="被巡察对象编号")
    org_kind: OrgKind = Field(title="被巡察对象类型")
    org_jurisdiction: str = Field(
        title="被巡察对象所属党委", description="提级、交叉巡察时与轮次的党委不同"
    )
    inspecting_jurisdiction: str = Field(title="派出巡察组的党委")
    approach: VillageApproach | None = Field(
        default=None, title="巡察方式", description="仅村（社区）有：直接巡、延伸巡、调研巡"
    )


class AssignmentMade(AssignmentEvent):
    """The office assigned an org to a group for a round, after the avoidance check (回避审查)
    passed for every member of the group."""

    type: ClassVar[str] = "xuncha.planning.assignment.made.v1"
    title_zh: ClassVar[str] = "巡察任务已分配"


class AssignmentWithdrawn(AssignmentEvent):
    """The office took an org back from a group before the round's report stage."""

    type: ClassVar[str] = "xuncha.planning.assignment.withdrawn.v1"
    title_zh: ClassVar[str] = "巡察任务已撤回"


# Keep last: every event class above is in the catalog.
EVENTS: tuple[type[Event], ...] = events_in(__name__, globals())
