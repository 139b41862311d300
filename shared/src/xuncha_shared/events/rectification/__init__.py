"""Events produced by the rectification service (topic ``xuncha.rectification.v1``): plans,
tasks, cards, rating and circulars here; accountability (追责问责) in :mod:`.accountability`;
the words both use (:class:`TypicalCaseKind`) in :mod:`.cases`. The catalog reads
:data:`EVENTS`, these and accountability's."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from xuncha_shared.events.base import Event, events_in
from xuncha_shared.events.rectification import accountability
from xuncha_shared.events.rectification.cases import TypicalCaseKind

__all__ = ["TypicalCaseKind", "accountability"]


class TaskKind(StrEnum):
    """How a problem is rectified (DOMAIN.md, Rectification)."""

    immediate = "immediate"
    """立行立改"""
    short = "short"
    """限期整改"""
    long = "long"
    """长期坚持"""


class PlanEvent(Event):
    """A fact about one org's rectification plan (整改方案) for a round. Message key: the
    plan id."""

    subject_field: ClassVar[str] = "plan_id"

    plan_id: uuid.UUID = Field(title="整改方案编号")
    round_id: uuid.UUID = Field(title="轮次编号")
    org_id: uuid.UUID = Field(title="被巡察对象编号")


class PlanOpened(PlanEvent):
    """Feedback (or an immediate hand-over) opened the org's plan; the org must fill in its
    measures by ``plan_due_on``."""

    type: ClassVar[str] = "xuncha.rectification.plan.opened.v1"
    title_zh: ClassVar[str] = "整改方案已建立"

    feedback_id: uuid.UUID | None = Field(default=None, title="反馈编号")
    task_count: int = Field(ge=0, title="整改任务数")
    plan_due_on: date | None = Field(default=None, title="整改方案报送期限")
    period_ends_on: date | None = Field(default=None, title="集中整改期结束日期")


class PlanSubmitted(PlanEvent):
    """The org submitted its filled-in plan."""

    type: ClassVar[str] = "xuncha.rectification.plan.submitted.v1"
    title_zh: ClassVar[str] = "整改方案已报送"

    submitted_at: datetime = Field(title="报送时间")


class DeadlineSubject(StrEnum):
    plan = "plan"
    """整改方案"""
    task = "task"
    """整改任务"""
    report = "report"
    """整改报告"""


class DeadlineEvent(Event):
    """A rectification deadline is near or past (emitted once per deadline and kind).
    Message key: the plan id."""

    subject_field: ClassVar[str] = "plan_id"

    plan_id: uuid.UUID = Field(title="整改方案编号")
    round_id: uuid.UUID = Field(title="轮次编号")
    org_id: uuid.UUID = Field(title="被巡察对象编号")
    what: DeadlineSubject = Field(title="到期事项")
    task_id: uuid.UUID | None = Field(
        default=None, title="整改任务编号", description="事项为任务时"
    )
    owner_accounts: tuple[str, ...] = Field(
        default=(), title="领办领导账号", description="事项为任务时，领办该问题的领导"
    )
    due_on: date = Field(title="期限")


class RectificationDueSoon(DeadlineEvent):
    """A plan, task or report is due within the jurisdiction's warning window."""

    type: ClassVar[str] = "xuncha.rectification.deadline.due_soon.v1"
    title_zh: ClassVar[str] = "整改事项即将到期"


class RectificationOverdue(DeadlineEvent):
    """A plan, task or report passed its deadline unfinished."""

    type: ClassVar[str] = "xuncha.rectification.deadline.overdue.v1"
    title_zh: ClassVar[str] = "整改事项已逾期"


class TaskEvent(Event):
    """A fact about one rectification task (one problem). Message key: the plan id, so a
    plan's tasks stay in order."""

    subject_field: ClassVar[str] = "plan_id"

    task_id: uuid.UUID = Field(title="整改任务编号")
    plan_id: uuid.UUID = Field(title="整改方案编号")
    problem_id: uuid.UUID = Field(title="问题编号")
    round_id: uuid.UUID = Field(title="轮次编号")
    org_id: uuid.UUID = Field(title="被巡察对象编号")
    kind: TaskKind = Field(title="整改类型")


class TaskOpened(TaskEvent):
    """A task was opened for a problem (at hand-over for immediate ones, else at feedback)."""

    type: ClassVar[str] = "xuncha.rectification.task.opened.v1"
    title_zh: ClassVar[str] = "整改任务已建立"

    category: str = Field(title="问题类别代码")
    livelihood: bool = Field(default=False, title="是否民生问题")


class TaskDoneClaimed(TaskEvent):
    """The org claimed a task done, with the party head's truthfulness commitment
    (真实性承诺); discipline or organization must now accept or reject it."""

    type: ClassVar[str] = "xuncha.rectification.task.done_claimed.v1"
    title_zh: ClassVar[str] = "整改任务已申请销号"

    claimed_at: datetime = Field(title="申请时间")


class TaskAccepted(TaskEvent):
    """A supervisor accepted the task as rectified (验收通过)."""

    type: ClassVar[str] = "xuncha.rectification.task.accepted.v1"
    title_zh: ClassVar[str] = "整改任务已验收"

    category: str = Field(title="问题类别代码")
    livelihood: bool = Field(default=False, title="是否民生问题")
    on_time: bool = Field(title="是否按期完成")
    accepted_at: datetime = Field(title="验收时间")


class TaskRejected(TaskEvent):
    """A supervisor rejected the claim; the task reopens."""

    type: ClassVar[str] = "xuncha.rectification.task.rejected.v1"
    title_zh: ClassVar[str] = "整改任务验收未通过"

    rejections: int = Field(ge=1, title="累计退回次数")
    rejected_at: datetime = Field(title="退回时间")


class TaskReminded(TaskEvent):
    """The office, or the township a village answers to (温县: the township's direct
    responsibility), reminded the org of a task still open (催办); each reminder is one
    event."""

    type: ClassVar[str] = "xuncha.rectification.task.reminded.v1"
    title_zh: ClassVar[str] = "整改任务催办"

    reminder_id: uuid.UUID = Field(title="催办记录编号")
    reminded_at: datetime = Field(title="催办时间")
    reminded_by: str = Field(title="催办人账号")
    reminding_org_id: uuid.UUID | None = Field(
        default=None, title="催办单位编号", description="乡镇催办所辖村时为乡镇；巡察办催办时为空"
    )
    reminder_from_zh: str = Field(min_length=1, title="催办单位", description="巡察办或乡镇名称")
    due_on: date | None = Field(default=None, title="整改时限")
    overdue: bool = Field(title="是否已逾期")
    note: str = Field(min_length=1, title="催办内容")


class ChangeField(StrEnum):
    """A field of a task the office decides on an org's change request (调整申请)."""

    kind = "kind"
    """整改类型"""
    due_on = "due_on"
    """整改时限"""
    measures = "measures"
    """整改措施"""


class ChangeOutcome(StrEnum):
    approved = "approved"
    """同意"""
    rejected = "rejected"
    """不同意"""


class TaskChangeRequested(TaskEvent):
    """The org asked the office to change what was decided on its task (调整申请: its kind,
    deadline or measures); the office approves or rejects. ``kind`` and ``due_on`` are the
    task's current ones; the reason stays in the service, read over REST."""

    type: ClassVar[str] = "xuncha.rectification.task.change_requested.v1"
    title_zh: ClassVar[str] = "整改任务调整申请已提出"

    change_request_id: uuid.UUID = Field(title="调整申请编号")
    fields: tuple[ChangeField, ...] = Field(min_length=1, title="申请调整的事项")
    due_on: date | None = Field(default=None, title="现整改时限")
    requested_kind: TaskKind | None = Field(default=None, title="申请的整改类型")
    requested_due_on: date | None = Field(default=None, title="申请的整改时限")
    requested_at: datetime = Field(title="申请时间")


class TaskChangeDecided(TaskEvent):
    """The office approved or rejected an org's change request; an approval applied the
    requested values to the task. ``kind`` and ``due_on`` are the task's after the decision;
    the opinion stays in the service, read over REST."""

    type: ClassVar[str] = "xuncha.rectification.task.change_decided.v1"
    title_zh: ClassVar[str] = "整改任务调整申请已审批"

    change_request_id: uuid.UUID = Field(title="调整申请编号")
    fields: tuple[ChangeField, ...] = Field(min_length=1, title="申请调整的事项")
    outcome: ChangeOutcome = Field(title="审批结果")
    due_on: date | None = Field(default=None, title="整改时限")
    decided_at: datetime = Field(title="审批时间")


class TaskChangeWithdrawn(TaskEvent):
    """The org withdrew its open change request before the office decided it."""

    type: ClassVar[str] = "xuncha.rectification.task.change_withdrawn.v1"
    title_zh: ClassVar[str] = "整改任务调整申请已撤回"

    change_request_id: uuid.UUID = Field(title="调整申请编号")
    withdrawn_at: datetime = Field(title="撤回时间")


class InstitutionBuilt(TaskEvent):
    """A rule or institution was adopted because of a task's problem (建章立制)."""

    type: ClassVar[str] = "xuncha.rectification.institution.built.v1"
    title_zh: ClassVar[str] = "建章立制已登记"

    institution_id: uuid.UUID = Field(title="制度编号")
    adopted_on: date = Field(title="出台日期")


class RectificationReportSubmitted(PlanEvent):
    """The org's rectification report (整改报告) was submitted, signed with the commitment."""

    type: ClassVar[str] = "xuncha.rectification.report.submitted.v1"
    title_zh: ClassVar[str] = "整改报告已报送"

    report_id: uuid.UUID = Field(title="整改报告编号")
    submitted_at: datetime = Field(title="报送时间")


class CardColor(StrEnum):
    yellow = "yellow"
    """黄牌"""
    red = "red"
    """红牌"""


class CardEvent(Event):
    """A warning card (红黄牌预警) on an org's rectification. Message key: the org id."""

    subject_field: ClassVar[str] = "org_id"

    card_id: uuid.UUID = Field(title="预警编号")
    plan_id: uuid.UUID = Field(title="整改方案编号")
    round_id: uuid.UUID = Field(title="轮次编号")
    org_id: uuid.UUID = Field(title="被巡察对象编号")
    color: CardColor = Field(title="预警等级")
    reason_zh: str = Field(min_length=1, title="预警理由")


class CardRaised(CardEvent):
    """A card was raised; a red card schedules supervision (督导) and an interview (约谈)."""

    type: ClassVar[str] = "xuncha.rectification.card.raised.v1"
    title_zh: ClassVar[str] = "整改预警已发出"

    raised_at: datetime = Field(title="发出时间")
    supervision_due_on: date | None = Field(
        default=None, title="现场督导期限", description="红牌时：须在此日前开展现场督导"
    )
    interview_due_on: date | None = Field(
        default=None, title="约谈期限", description="红牌时：须在此日前完成约谈"
    )


class CardEscalated(CardEvent):
    """An open yellow card turned red (``color`` is red); supervision (督导) and an interview
    (约谈) are scheduled."""

    type: ClassVar[str] = "xuncha.rectification.card.escalated.v1"
    title_zh: ClassVar[str] = "整改预警已升级为红牌"

    escalated_at: datetime = Field(title="升级时间")
    supervision_due_on: date | None = Field(default=None, title="现场督导期限")
    interview_due_on: date | None = Field(default=None, title="约谈期限")


class CardLifted(CardEvent):
    """The reason for a card is gone; the card was lifted."""

    type: ClassVar[str] = "xuncha.rectification.card.lifted.v1"
    title_zh: ClassVar[str] = "整改预警已解除"

    lifted_at: datetime = Field(title="解除时间")


class Rating(StrEnum):
    good = "good"
    """好"""
    fair = "fair"
    """中"""
    poor = "poor"
    """差"""


class OrgRated(PlanEvent):
    """An org's rectification for a round was rated (量化评估)."""

    type: ClassVar[str] = "xuncha.rectification.org.rated.v1"
    title_zh: ClassVar[str] = "整改成效已评定"

    rating: Rating = Field(title="评定等次", description="按评分公式评定的等次")
    score: float = Field(ge=0, le=100, title="得分")
    explanation_zh: str = Field(min_length=1, title="评定说明")
    final_rating: Rating | None = Field(
        default=None,
        title="最终等次",
        description="调整后的等次，否则量化评估组评定的等次，否则公式评定的等次",
    )


class RatingJudged(PlanEvent):
    """The rating panel (量化评估组) judged an org's rectification; the panel's rating is
    now the final one (an earlier adjustment gives way to it)."""

    type: ClassVar[str] = "xuncha.rectification.rating.judged.v1"
    title_zh: ClassVar[str] = "量化评估组已评定整改成效"

    formula_rating: Rating = Field(title="公式评定等次")
    panel_rating: Rating = Field(title="评估组评定等次")
    final_rating: Rating = Field(title="最终等次")
    judged_on: date = Field(title="评定日期")


class RatingAdjusted(PlanEvent):
    """The office adjusted an org's final rating (its reason stays in the service)."""

    type: ClassVar[str] = "xuncha.rectification.rating.adjusted.v1"
    title_zh: ClassVar[str] = "整改成效等次已调整"

    previous_rating: Rating = Field(title="调整前等次")
    final_rating: Rating = Field(title="最终等次")
    adjusted_at: datetime = Field(title="调整时间")


class RevisitRecommended(PlanEvent):
    """A poor rating recommends the org for a revisit round (回头看)."""

    type: ClassVar[str] = "xuncha.rectification.revisit.recommended.v1"
    title_zh: ClassVar[str] = "建议开展回头看"

    reason_zh: str = Field(min_length=1, title="理由")


class PublishedCase(BaseModel):
    """One typical case of a circular: whose rectification, never the finding's text."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    case_id: uuid.UUID = Field(title="案例编号")
    kind: TypicalCaseKind = Field(title="案例类型")
    org_id: uuid.UUID = Field(title="被巡察对象编号")
    round_id: uuid.UUID = Field(title="轮次编号")
    plan_id: uuid.UUID = Field(title="整改方案编号")
    task_id: uuid.UUID | None = Field(default=None, title="整改任务编号")


class CircularPublished(Event):
    """The office published a county-wide circular of typical cases of poor, perfunctory,
    fake or refused rectification (典型案例通报); every org of the jurisdiction is told.
    Message key: the circular id."""

    type: ClassVar[str] = "xuncha.rectification.circular.published.v1"
    subject_field: ClassVar[str] = "circular_id"
    title_zh: ClassVar[str] = "典型案例通报已印发"

    circular_id: uuid.UUID = Field(title="通报编号")
    doc_number: str = Field(min_length=1, title="文号")
    title: str = Field(min_length=1, title="通报标题")
    issued_on: date = Field(title="通报日期")
    cases: tuple[PublishedCase, ...] = Field(min_length=1, title="典型案例")
    published_at: datetime = Field(title="印发时间")


# Keep last: every event class above is in the catalog, and accountability's.
EVENTS: tuple[type[Event], ...] = events_in(__name__, globals()) + accountability.EVENTS
