"""Planning's events about terms (届次), their coverage and inspection rounds (topic
``xuncha.planning.v1``)."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum
from typing import ClassVar

from pydantic import Field

from xuncha_shared.events.base import Event, events_in


class RoundStatus(StrEnum):
    """Where a round stands: planned → mobilized (动员部署) → on_site (进驻) → reporting (报告)
    → feedback (反馈) → rectifying (整改) → closed. A round moves one stage at a time."""

    planned = "planned"
    mobilized = "mobilized"
    on_site = "on_site"
    reporting = "reporting"
    feedback = "feedback"
    rectifying = "rectifying"
    closed = "closed"


class RoundMode(StrEnum):
    """How a round inspects (DOMAIN.md, Planning)."""

    regular = "regular"
    special = "special"
    mobile = "mobile"
    revisit = "revisit"
    escalated = "escalated"
    cross = "cross"
    joint = "joint"


class TermSnapshot(Event):
    """A committee's term (届) as planning holds it."""

    subject_field: ClassVar[str] = "term_id"

    term_id: uuid.UUID = Field(title="届次编号")
    name: str = Field(title="名称", description="如 十三届县委")
    starts_on: date = Field(title="起始日期")
    ends_on: date = Field(title="结束日期")
    planned_rounds: int = Field(ge=1, title="计划轮数")
    orgs_in_scope: int = Field(ge=0, title="应巡对象数")
    version: int = Field(ge=1, title="版本号", description="每次变更加一；投影只接受更新的版本")


class TermOpened(TermSnapshot):
    """The office opened a term's inspection plan (全覆盖规划) with its orgs in scope."""

    type: ClassVar[str] = "xuncha.planning.term.opened.v1"
    title_zh: ClassVar[str] = "届期巡察规划已建立"


class TermUpdated(TermSnapshot):
    """A term's name, dates or planned number of rounds changed; carries the whole term."""

    type: ClassVar[str] = "xuncha.planning.term.updated.v1"
    title_zh: ClassVar[str] = "届期巡察规划已调整"


class TermScopeChanged(Event):
    """Orgs were added to or removed from a term's scope (应巡对象)."""

    type: ClassVar[str] = "xuncha.planning.term.scope_changed.v1"
    subject_field: ClassVar[str] = "term_id"
    title_zh: ClassVar[str] = "应巡对象范围已调整"

    term_id: uuid.UUID = Field(title="届次编号")
    added_org_ids: tuple[uuid.UUID, ...] = Field(default=(), title="新增的被巡察对象")
    removed_org_ids: tuple[uuid.UUID, ...] = Field(default=(), title="移出的被巡察对象")
    orgs_in_scope: int = Field(ge=0, title="调整后的应巡对象数")


class CoverageReached(Event):
    """Every org in a term's scope has been inspected up to feedback (全覆盖). Emitted once
    per term, at the change that first makes coverage 100 %: usually a round reaching
    feedback (``round_id`` set), or the last uncovered org leaving the scope (no round)."""

    type: ClassVar[str] = "xuncha.planning.term.coverage_reached.v1"
    subject_field: ClassVar[str] = "term_id"
    title_zh: ClassVar[str] = "已实现巡察全覆盖"

    term_id: uuid.UUID = Field(title="届次编号")
    name: str = Field(title="届次名称")
    orgs_in_scope: int = Field(ge=1, title="应巡对象数（均已巡察）")
    rounds_held: int = Field(ge=0, title="已开展轮数", description="已到反馈阶段的轮次")
    planned_rounds: int = Field(ge=1, title="计划轮数")
    round_id: uuid.UUID | None = Field(
        default=None, title="完成全覆盖的轮次编号", description="因调整范围而达成时为空"
    )


class RoundSnapshot(Event):
    """A round (轮次) as planning holds it."""

    subject_field: ClassVar[str] = "round_id"

    round_id: uuid.UUID = Field(title="轮次编号")
    term_id: uuid.UUID = Field(title="届次编号")
    number: int = Field(ge=1, title="轮次序号", description="届内第几轮")
    name: str = Field(title="名称")
    mode: RoundMode = Field(title="巡察方式")
    theme: str | None = Field(default=None, title="专项主题")
    focus_checklist: tuple[str, ...] = Field(default=(), title="巡察重点清单")
    inspecting_jurisdiction: str | None = Field(
        default=None, title="派出巡察组的党委", description="提级、交叉巡察时为另一党委的代码"
    )
    status: RoundStatus = Field(title="阶段")
    on_site_from: date = Field(title="进驻日期")
    on_site_until: date = Field(title="撤离日期")
    version: int = Field(ge=1, title="版本号", description="每次变更加一；投影只接受更新的版本")


class RoundScheduled(RoundSnapshot):
    """The office put a round into a term's plan (status ``planned``)."""

    type: ClassVar[str] = "xuncha.planning.round.scheduled.v1"
    title_zh: ClassVar[str] = "巡察轮次已安排"


class RoundUpdated(RoundSnapshot):
    """A planned round's name, mode, theme, checklist or on-site dates changed."""

    type: ClassVar[str] = "xuncha.planning.round.updated.v1"
    title_zh: ClassVar[str] = "巡察轮次计划已调整"


class RoundAdvanced(RoundSnapshot):
    """A round moved to the next stage of its lifecycle (``status`` is ``to_status``).

    One event type for every stage, so a consumer filters on ``to_status`` (findings and
    rectification wait for ``feedback``, notify for ``mobilized``) and keeps a projection of
    rounds from the snapshot alone.
    """

    type: ClassVar[str] = "xuncha.planning.round.advanced.v1"
    title_zh: ClassVar[str] = "巡察轮次已进入下一阶段"

    from_status: RoundStatus = Field(title="原阶段")
    to_status: RoundStatus = Field(title="新阶段")


# Keep last: every event class above is in the catalog.
EVENTS: tuple[type[Event], ...] = events_in(__name__, globals())
