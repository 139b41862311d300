"""Planning's events about pre-inspection consultations (巡前函询) (topic
``xuncha.planning.v1``)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar

from pydantic import Field

from xuncha_shared.events.base import Event, events_in


class ConsultationTopic(StrEnum):
    """What a pre-inspection consultation asks a department about (函询事项, 001, 002)."""

    discipline_reports = "discipline_reports"  # 信访举报（纪检监察）
    clues = "clues"  # 问题线索
    political_ecology = "political_ecology"  # 政治生态
    cadre_selection = "cadre_selection"  # 选人用人
    appointments = "appointments"  # 干部任免
    audit = "audit"  # 审计情况
    petitions = "petitions"  # 群众信访
    public_security = "public_security"  # 涉黑涉恶及违法犯罪
    ideology = "ideology"  # 意识形态


class ConsultationSeverity(StrEnum):
    """A department's judgement of one org in its answer (函询结论)."""

    none = "none"  # 未发现问题
    minor = "minor"  # 存在一般问题
    serious = "serious"  # 问题突出


class ConsultationEvent(Event):
    """A pre-inspection consultation (巡前函询): one request from the office to one
    department about the orgs of a round. Message key: the consultation id."""

    subject_field: ClassVar[str] = "consultation_id"

    consultation_id: uuid.UUID = Field(title="函询编号")
    round_id: uuid.UUID = Field(title="轮次编号")
    department_org_id: uuid.UUID = Field(title="被函询部门编号")


class ConsultationRequested(ConsultationEvent):
    """The office asked a department about orgs to be inspected, with a reply deadline in
    working days; the department's system should answer per org over REST."""

    type: ClassVar[str] = "xuncha.planning.consultation.requested.v1"
    title_zh: ClassVar[str] = "巡前函询已发出"

    org_ids: tuple[uuid.UUID, ...] = Field(title="被巡察对象编号", description="至少一个")
    topics: tuple[ConsultationTopic, ...] = Field(title="函询事项", description="至少一项")
    reply_workdays: int = Field(ge=1, title="答复期限（工作日）")
    due_on: date = Field(title="答复截止日期")
    deadline_at: datetime = Field(
        title="答复截止时间", description="截止日当天结束（北京时间）/ End of the due day, Beijing"
    )


class ConsultationAnswered(ConsultationEvent):
    """A department answered (or corrected its answer) about one org. Carries the severity
    only: the text and figures are read over REST by those entitled."""

    type: ClassVar[str] = "xuncha.planning.consultation.answered.v1"
    title_zh: ClassVar[str] = "巡前函询已答复"

    org_id: uuid.UUID = Field(title="被巡察对象编号")
    severity: ConsultationSeverity = Field(title="问题程度")
    revision: int = Field(ge=1, title="答复版本", description="首次答复为 1，每次更正加一")
    answered_count: int = Field(ge=0, title="已答复对象数")
    org_count: int = Field(ge=1, title="函询对象数")
    all_answered: bool = Field(title="是否已全部答复")


class ConsultationReminder(ConsultationEvent):
    """Where an unfinished consultation stands against its deadline."""

    due_on: date = Field(title="答复截止日期")
    deadline_at: datetime = Field(title="答复截止时间")
    unanswered_org_ids: tuple[uuid.UUID, ...] = Field(title="尚未答复的对象编号")
    answered_count: int = Field(ge=0, title="已答复对象数")
    org_count: int = Field(ge=1, title="函询对象数")


class ConsultationDueSoon(ConsultationReminder):
    """A consultation's deadline is near (by default one working day) and some orgs are
    still unanswered. Emitted once per consultation and deadline."""

    type: ClassVar[str] = "xuncha.planning.consultation.due_soon.v1"
    title_zh: ClassVar[str] = "巡前函询即将到期"


class ConsultationOverdue(ConsultationReminder):
    """A consultation's deadline passed with some orgs unanswered. Emitted once per
    consultation and deadline (again only if the office extends it and it passes again)."""

    type: ClassVar[str] = "xuncha.planning.consultation.overdue.v1"
    title_zh: ClassVar[str] = "巡前函询已逾期"


class ConsultationChased(ConsultationReminder):
    """The office chased a department (催办) for the orgs it has not answered yet, before or
    after the deadline; each chase is one event."""

    type: ClassVar[str] = "xuncha.planning.consultation.chased.v1"
    title_zh: ClassVar[str] = "巡前函询催办"

    chase_number: int = Field(ge=1, title="第几次催办")


class ConsultationDeadlineExtended(ConsultationEvent):
    """The office gave a department more time to answer."""

    type: ClassVar[str] = "xuncha.planning.consultation.deadline_extended.v1"
    title_zh: ClassVar[str] = "巡前函询已延期"

    previous_due_on: date = Field(title="原截止日期")
    due_on: date = Field(title="新截止日期")
    deadline_at: datetime = Field(title="新截止时间")


class ConsultationClosed(ConsultationEvent):
    """The office closed a consultation: answers are final and no reminder follows."""

    type: ClassVar[str] = "xuncha.planning.consultation.closed.v1"
    title_zh: ClassVar[str] = "巡前函询已办结"

    answered_count: int = Field(ge=0, title="已答复对象数")
    org_count: int = Field(ge=1, title="函询对象数")
    unanswered_org_ids: tuple[uuid.UUID, ...] = Field(title="未答复的对象编号")


# Keep last: every event class above is in the catalog.
EVENTS: tuple[type[Event], ...] = events_in(__name__, globals())
