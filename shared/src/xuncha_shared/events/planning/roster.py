"""Planning's events about the leadership roster of inspected orgs (领导班子名册, topic
``xuncha.planning.v1``).

A roster entry is one person in one post of one org for one term of office; the entry's id
is how other services name a person (an accountability record, a clue's outcome, the
promotion check). The events carry the person's name and platform account so those
services can show and match him; never the phone, and nothing about clues.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import ClassVar

from pydantic import Field

from xuncha_shared.events.base import Event, events_in
from xuncha_shared.roster import CadreRank, RosterPost


class RosterMemberSnapshot(Event):
    """A roster entry as other services project it: the whole entry after the change.
    Message key: the entry id; a consumer keeps the highest ``version``."""

    subject_field: ClassVar[str] = "member_id"

    member_id: uuid.UUID = Field(title="名册条目编号")
    org_id: uuid.UUID = Field(title="所在单位编号")
    name: str = Field(title="姓名")
    post: RosterPost = Field(title="职务类别")
    post_title: str | None = Field(
        default=None, title="职务名称", description="如 镇长、局长；类别为其他时必有"
    )
    rank: CadreRank = Field(title="职级")
    since: date = Field(title="任职起始日")
    until: date | None = Field(default=None, title="离任日", description="仍在任时为空")
    account: str | None = Field(
        default=None, title="平台账号", description="本人登录平台时的账号（令牌主体 sub）"
    )
    version: int = Field(ge=1, title="版本号", description="每次变更加一；投影只接受更新的版本")


class RosterMemberAppointed(RosterMemberSnapshot):
    """The office entered a member of an org's leadership team in the roster (任职)."""

    type: ClassVar[str] = "xuncha.planning.roster.member_appointed.v1"
    title_zh: ClassVar[str] = "班子成员已登记任职"


class RosterMemberChanged(RosterMemberSnapshot):
    """The office corrected or changed a roster entry (name, post, rank, dates, account)."""

    type: ClassVar[str] = "xuncha.planning.roster.member_changed.v1"
    title_zh: ClassVar[str] = "班子成员信息已变更"


class RosterMemberLeft(RosterMemberSnapshot):
    """A member's term of office in that post ended on ``until`` (离任): the entry stays in
    the roster's history, no longer current."""

    type: ClassVar[str] = "xuncha.planning.roster.member_left.v1"
    title_zh: ClassVar[str] = "班子成员已离任"


# Keep last: every event class above is in the catalog.
EVENTS: tuple[type[Event], ...] = events_in(__name__, globals())
