"""Planning's events about village classification (村分类) (topic ``xuncha.planning.v1``)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from pydantic import Field

from xuncha_shared.events.base import Event, events_in


class VillageClass(StrEnum):
    """A village's class from "four quantitative, one qualitative" (四定量一定性, 000); the
    class decides how the village is inspected (see :class:`VillageApproach`)."""

    key = "key"  # 重点村 → 直接巡
    general = "general"  # 一般村 → 延伸巡（巡乡带村）
    advanced = "advanced"  # 先进村 → 调研巡（巡乡带村）


class VillageApproach(StrEnum):
    """How a village is inspected (巡察方式, 000): ``direct`` 直接巡 for key villages,
    ``extended`` 延伸巡 (巡乡带村, with its township) for general ones, ``research`` 调研巡
    (巡乡带村) for advanced ones."""

    direct = "direct"
    extended = "extended"
    research = "research"


class VillageClassified(Event):
    """The committee approved (党委审定) a village's class for a term: the last of the five
    steps (乡镇提名 → 巡察办实地调研 → 相关部门意见 → 领导小组调整 → 党委审定, 001), the only one
    that fixes the class. Emitted once per village and term. Carries the score and the
    classes, never the indicators or the steps' notes (read over REST by those entitled)."""

    type: ClassVar[str] = "xuncha.planning.village.classified.v1"
    subject_field: ClassVar[str] = "classification_id"
    title_zh: ClassVar[str] = "村分类已审定"

    classification_id: uuid.UUID = Field(title="村分类编号")
    term_id: uuid.UUID = Field(title="届次编号")
    village_id: uuid.UUID = Field(title="村（社区）编号")
    township_id: uuid.UUID | None = Field(default=None, title="所属乡镇（街道）编号")
    village_class: VillageClass = Field(title="审定类别")
    approach: VillageApproach = Field(title="巡察方式")
    score: float = Field(ge=0, le=100, title="得分", description="风险得分，0–100，越高越需直接巡")
    scored_class: VillageClass = Field(
        title="测算类别",
        description="按得分和定性评价测算的类别；与审定类别不同说明经过调整",
    )
    approved_at: datetime = Field(title="审定时间")


# Keep last: every event class above is in the catalog.
EVENTS: tuple[type[Event], ...] = events_in(__name__, globals())
