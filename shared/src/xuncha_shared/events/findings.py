"""Events produced by the findings service (topic ``xuncha.findings.v1``).

Problems are not confidential, but the people involved in them stay in the findings
service; events carry what other services act on. Clue content never appears here: a
public report or problem that leads to a clue is referenced by id only.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from xuncha_shared.events.base import Event, events_in
from xuncha_shared.orgs import OrgKind

Yuan = Decimal
"""Amounts are exact decimals in yuan (two places), serialised as strings in JSON."""


class FoundBy(StrEnum):
    """How a problem was found (DOMAIN.md, Findings)."""

    interview = "interview"
    """个别谈话"""
    democratic_appraisal = "democratic_appraisal"
    """民主测评"""
    questionnaire = "questionnaire"
    """问卷调查"""
    records = "records"
    """查阅资料"""
    visit = "visit"
    """走访"""
    evening_talk = "evening_talk"
    """乡村夜话"""
    petition = "petition"
    """信访"""


class ProblemEvent(Event):
    """A fact about one problem (发现问题). Message key: the problem id."""

    subject_field: ClassVar[str] = "problem_id"

    problem_id: uuid.UUID = Field(title="问题编号")
    assignment_id: uuid.UUID = Field(title="巡察任务编号")
    round_id: uuid.UUID = Field(title="轮次编号")
    group_id: uuid.UUID = Field(title="巡察组编号")
    org_id: uuid.UUID = Field(title="被巡察对象编号")
    org_kind: OrgKind = Field(title="被巡察对象类型")
    category: str = Field(
        min_length=1, max_length=64, title="问题类别代码", description="问题清单中的类别代码"
    )
    category_name: str = Field(min_length=1, max_length=64, title="问题类别")


class ProblemRecorded(ProblemEvent):
    """A group recorded a problem found on an assignment."""

    type: ClassVar[str] = "xuncha.findings.problem.recorded.v1"
    title_zh: ClassVar[str] = "问题已记录"

    found_by: FoundBy = Field(title="发现方式")
    immediate: bool = Field(title="是否立行立改")
    livelihood: bool = Field(default=False, title="是否民生问题", description="群众身边的问题")
    amount_yuan: Yuan | None = Field(default=None, ge=0, title="涉及金额（元）")
    recorded_at: datetime = Field(title="记录时间")


class ProblemHandedOver(ProblemEvent):
    """A problem marked immediate (立行立改) was handed to the inspected org during the
    inspection: rectification opens its task now, not at feedback."""

    type: ClassVar[str] = "xuncha.findings.problem.handed_over.v1"
    title_zh: ClassVar[str] = "立行立改问题已移交"

    description: str = Field(min_length=1, title="问题描述")
    livelihood: bool = Field(default=False, title="是否民生问题")
    amount_yuan: Yuan | None = Field(default=None, ge=0, title="涉及金额（元）")
    handed_over_at: datetime = Field(title="移交时间")


class PublicReportChannel(StrEnum):
    """How the public reached the group (群众来信来电来访、网络平台)."""

    online = "online"
    letter = "letter"
    phone = "phone"
    visit = "visit"
    mailbox = "mailbox"


class PublicReportReceived(Event):
    """A public report (信访举报) reached a round. Its content stays in findings; the event
    says only that it exists and where it belongs."""

    type: ClassVar[str] = "xuncha.findings.public_report.received.v1"
    subject_field: ClassVar[str] = "report_id"
    title_zh: ClassVar[str] = "群众来信来电来访已受理"

    report_id: uuid.UUID = Field(title="信访举报编号")
    round_id: uuid.UUID = Field(title="轮次编号")
    org_id: uuid.UUID | None = Field(default=None, title="所涉被巡察对象编号")
    channel: PublicReportChannel = Field(title="渠道")
    received_at: datetime = Field(title="受理时间")


class TriageOutcome(StrEnum):
    """What a group did with a public report."""

    problem = "problem"
    """转为发现问题"""
    clue = "clue"
    """作为问题线索提出（内容只在线索服务）"""
    forwarded = "forwarded"
    """转办有关部门，限期回复"""
    no_action = "no_action"
    """不予处理（说明理由）"""


class PublicReportTriaged(Event):
    """A group decided what a public report becomes."""

    type: ClassVar[str] = "xuncha.findings.public_report.triaged.v1"
    subject_field: ClassVar[str] = "report_id"
    title_zh: ClassVar[str] = "信访举报已分办"

    report_id: uuid.UUID = Field(title="信访举报编号")
    round_id: uuid.UUID = Field(title="轮次编号")
    org_id: uuid.UUID | None = Field(default=None, title="所涉被巡察对象编号")
    outcome: TriageOutcome = Field(title="分办结果")
    problem_id: uuid.UUID | None = Field(default=None, title="转成的问题编号")
    forwarded_to_org_id: uuid.UUID | None = Field(default=None, title="转办部门编号")
    reply_due_on: date | None = Field(default=None, title="转办回复期限")


class PublicReportReplyOverdue(Event):
    """A department to which a public report was forwarded (转办) has not replied by the
    deadline (emitted once per report)."""

    type: ClassVar[str] = "xuncha.findings.public_report.reply_overdue.v1"
    subject_field: ClassVar[str] = "report_id"
    title_zh: ClassVar[str] = "转办信访举报逾期未回复"

    report_id: uuid.UUID = Field(title="信访举报编号")
    round_id: uuid.UUID = Field(title="轮次编号")
    forwarded_to_org_id: uuid.UUID = Field(title="转办部门编号")
    reply_due_on: date = Field(title="回复期限")


class LetterKind(StrEnum):
    """Official letters of the findings service."""

    reminder = "reminder"
    """巡察提醒函: to an upper committee or competent department, reply by a deadline."""
    recommendation = "recommendation"
    """巡察建议书: to a sector department on common problems, copied to the leader."""
    supervision = "supervision"
    """典型问题督办函: to a township on typical problems."""


class LetterEvent(Event):
    """A fact about one official letter. Message key: the letter id."""

    subject_field: ClassVar[str] = "letter_id"

    letter_id: uuid.UUID = Field(title="函件编号")
    kind: LetterKind = Field(title="函件类型")
    doc_number: str = Field(min_length=1, title="文号", description="如 温巡建〔2027〕3号")
    addressee_org_id: uuid.UUID = Field(title="主送单位编号")
    round_id: uuid.UUID | None = Field(default=None, title="轮次编号")
    term_id: uuid.UUID | None = Field(default=None, title="届次编号")


class LetterSent(LetterEvent):
    """A letter was numbered and sent to its addressee (and its copies)."""

    type: ClassVar[str] = "xuncha.findings.letter.sent.v1"
    title_zh: ClassVar[str] = "函件已发出"

    copy_to_accounts: tuple[str, ...] = Field(
        default=(), title="抄报领导账号", description="抄报的分管领导的平台账号"
    )
    copy_to_org_ids: tuple[uuid.UUID, ...] = Field(default=(), title="抄送单位编号")
    problem_count: int = Field(ge=0, title="涉及问题数")
    reply_due_on: date | None = Field(default=None, title="书面回复期限")
    sent_at: datetime = Field(title="发出时间")


class LetterReplied(LetterEvent):
    """The addressee's written reply was recorded."""

    type: ClassVar[str] = "xuncha.findings.letter.replied.v1"
    title_zh: ClassVar[str] = "函件已回复"

    replied_at: datetime = Field(title="回复时间")
    late: bool = Field(title="是否逾期回复")


class LetterReplyOverdue(LetterEvent):
    """A letter's reply deadline passed without a reply (emitted once per letter)."""

    type: ClassVar[str] = "xuncha.findings.letter.reply_overdue.v1"
    title_zh: ClassVar[str] = "函件逾期未回复"

    reply_due_on: date = Field(title="书面回复期限")


class ReportKind(StrEnum):
    assignment = "assignment"
    """巡察报告 (one per assignment: 一村一报告)"""
    comprehensive = "comprehensive"
    """综合报告 (a township with its villages)"""


class ReportEvent(Event):
    """A fact about an inspection report (巡察报告). Message key: the report id."""

    subject_field: ClassVar[str] = "report_id"

    report_id: uuid.UUID = Field(title="报告编号")
    kind: ReportKind = Field(title="报告类型")
    round_id: uuid.UUID = Field(title="轮次编号")
    group_id: uuid.UUID = Field(title="巡察组编号")
    org_id: uuid.UUID = Field(title="被巡察对象编号", description="综合报告为乡镇")


class ReportSubmitted(ReportEvent):
    """A group submitted a report for review by discipline (纪委审核)."""

    type: ClassVar[str] = "xuncha.findings.report.submitted.v1"
    title_zh: ClassVar[str] = "巡察报告已提交审核"

    submitted_at: datetime = Field(title="提交时间")


class ReportApproved(ReportEvent):
    """The secretary's meeting (书记专题会) approved a report: it can be fed back."""

    type: ClassVar[str] = "xuncha.findings.report.approved.v1"
    title_zh: ClassVar[str] = "巡察报告已审定"

    approved_at: datetime = Field(title="审定时间")
    problem_count: int = Field(ge=0, title="问题数")


class FeedbackProblem(BaseModel):
    """One problem of a feedback, as rectification needs it to open a task."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    problem_id: uuid.UUID = Field(title="问题编号")
    category: str = Field(min_length=1, max_length=64, title="问题类别代码")
    category_name: str = Field(min_length=1, max_length=64, title="问题类别")
    description: str = Field(min_length=1, title="问题描述")
    immediate: bool = Field(title="是否立行立改（已在巡察期间移交）")
    livelihood: bool = Field(default=False, title="是否民生问题")
    amount_yuan: Yuan | None = Field(default=None, ge=0, title="涉及金额（元）")


class FeedbackIssued(Event):
    """The approved problem list was fed back (反馈) to the inspected org, with copies to
    discipline and organization: rectification begins. Carries every problem, immediate
    ones included (rectification already has tasks for those and must not open them twice).
    Message key: the org id."""

    type: ClassVar[str] = "xuncha.findings.feedback.issued.v1"
    subject_field: ClassVar[str] = "org_id"
    title_zh: ClassVar[str] = "巡察反馈已送达"

    feedback_id: uuid.UUID = Field(title="反馈编号")
    round_id: uuid.UUID = Field(title="轮次编号")
    assignment_id: uuid.UUID = Field(title="巡察任务编号")
    org_id: uuid.UUID = Field(title="被巡察对象编号")
    org_kind: OrgKind = Field(title="被巡察对象类型")
    copied_to_org_ids: tuple[uuid.UUID, ...] = Field(
        default=(), title="同步抄送单位编号", description="纪委监委、组织部"
    )
    problems: tuple[FeedbackProblem, ...] = Field(title="反馈问题清单")
    issued_at: datetime = Field(title="反馈时间")


# Keep last: every event class above is in the catalog.
EVENTS: tuple[type[Event], ...] = events_in(__name__, globals())
