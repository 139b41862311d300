"""API schemas of the pre-inspection consultation: ConsultationCreate / ConsultationUpdate /
ConsultationRead, AnswerWrite / AnswerRead, the jurisdiction's settings and the priority list."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from xuncha_shared.events.planning import ConsultationSeverity, ConsultationTopic
from xuncha_shared.http import Page
from xuncha_shared.orgs import OrgKind
from xuncha_shared.patch import Patch

# Defaults when the office has not set its own (ARCHITECTURE.md, "Deadlines"): five working
# days to answer, a reminder one working day before the due day.
DEFAULT_REPLY_WORKDAYS = 5
DEFAULT_REMIND_WORKDAYS_BEFORE = 1
MAX_REPLY_WORKDAYS = 60
MAX_ORGS = 1000
MAX_TEXT = 4000
MAX_NOTE = 2000
MAX_COUNT = 100_000

TOPIC_LABELS_ZH: dict[ConsultationTopic, str] = {
    ConsultationTopic.discipline_reports: "信访举报",
    ConsultationTopic.clues: "问题线索",
    ConsultationTopic.political_ecology: "政治生态",
    ConsultationTopic.cadre_selection: "选人用人",
    ConsultationTopic.appointments: "干部任免",
    ConsultationTopic.audit: "审计情况",
    ConsultationTopic.petitions: "群众信访",
    ConsultationTopic.public_security: "涉黑涉恶及违法犯罪",
    ConsultationTopic.ideology: "意识形态",
}
SEVERITY_LABELS_ZH: dict[ConsultationSeverity, str] = {
    ConsultationSeverity.none: "未发现问题",
    ConsultationSeverity.minor: "存在一般问题",
    ConsultationSeverity.serious: "问题突出",
}


def _labels(labels: dict[ConsultationTopic, str] | dict[ConsultationSeverity, str]) -> str:
    return "；".join(f"{k.value}：{v}" for k, v in labels.items())


class ConsultationStatus(StrEnum):
    """pending 待答复 → answered 已全部答复 → closed 已办结 (answers final)."""

    pending = "pending"
    answered = "answered"
    closed = "closed"


class ConsultationCreate(BaseModel):
    """A request to one department about the orgs of a round."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "round_id": "35651b73-20ab-47e6-a809-ac38470751f2",
                    "department_org_id": "6cd8939d-7852-45fc-879f-622fdd084fac",
                    "topics": ["discipline_reports", "clues", "political_ecology"],
                    "org_ids": [
                        "b707b14b-57d0-4470-8b74-00bb79b8800c",
                        "465b8d27-a324-46e2-b20c-0d746288aa4d",
                        "acb54f71-3fb1-4de5-8b0d-919f6dd813d9",
                    ],
                    "reply_workdays": 5,
                    "note": "县委第一巡察组拟于近期进驻赵堡镇，请书面反馈近三年来涉及赵堡镇党委"
                    "及所辖村党组织、班子成员的信访举报、问题线索及处置情况，以及政治生态研判意见。",
                }
            ]
        },
    )

    round_id: uuid.UUID = Field(title="轮次编号")
    department_org_id: uuid.UUID = Field(
        title="被函询部门编号", description="对象库中类型为部门的单位，如县纪委监委、县委组织部"
    )
    topics: list[ConsultationTopic] = Field(
        min_length=1,
        max_length=len(ConsultationTopic),
        title="函询事项",
        description=_labels(TOPIC_LABELS_ZH),
    )
    org_ids: list[uuid.UUID] | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_ORGS,
        title="被巡察对象编号",
        description="不填则为本轮已分配的全部巡察对象",
    )
    reply_workdays: int | None = Field(
        default=None,
        ge=1,
        le=MAX_REPLY_WORKDAYS,
        title="答复期限（工作日）",
        description="不填则用本辖区的设置（默认 5 个工作日）",
    )
    note: str | None = Field(default=None, max_length=MAX_NOTE, title="函询说明")

    @field_validator("topics")
    @classmethod
    def _distinct_topics(cls, topics: list[ConsultationTopic]) -> list[ConsultationTopic]:
        return list(dict.fromkeys(topics))


class ConsultationUpdate(Patch):
    """Give the department more time, or change the note; omitted fields stay."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "due_on": "2026-12-18",
                    "note": "经县纪委监委申请，答复期限延至 12 月 18 日；请一并反馈陈家沟村"
                    "2024 年以来信访件的办理结果。",
                }
            ]
        },
    )

    clearable = frozenset({"note"})

    due_on: date | None = Field(
        default=None, title="新的答复截止日期", description="只能延后，且须为工作日"
    )
    note: str | None = Field(default=None, max_length=MAX_NOTE, title="函询说明")


class ConsultationRead(BaseModel):
    """A consultation and how far the department has answered it."""

    id: uuid.UUID = Field(title="函询编号")
    jurisdiction: str = Field(title="管辖范围")
    round_id: uuid.UUID = Field(title="轮次编号")
    department_org_id: uuid.UUID = Field(title="被函询部门编号")
    department_name: str = Field(title="被函询部门")
    topics: list[ConsultationTopic] = Field(title="函询事项")
    note: str | None = Field(title="函询说明")
    org_ids: list[uuid.UUID] = Field(title="被巡察对象编号")
    org_count: int = Field(title="函询对象数")
    answered_count: int = Field(title="已答复对象数")
    reply_workdays: int = Field(title="答复期限（工作日）")
    sent_at: datetime = Field(title="发函时间")
    due_on: date = Field(title="答复截止日期")
    deadline_at: datetime = Field(title="答复截止时间", description="截止日当天结束（北京时间）")
    deadline_approximate: bool = Field(
        title="截止日期是否为估算", description="涉及尚无节假日数据的年份时为真"
    )
    status: ConsultationStatus = Field(title="状态")
    overdue: bool = Field(title="是否逾期", description="已过截止时间且仍有对象未答复")
    completed_at: datetime | None = Field(title="全部答复时间")
    closed_at: datetime | None = Field(title="办结时间")
    chase_count: int = Field(title="催办次数")
    chased_at: datetime | None = Field(title="最近催办时间")
    version: int = Field(title="版本号")
    created_by: str = Field(title="发函人")
    created_at: datetime = Field(title="登记时间")
    updated_at: datetime = Field(title="更新时间")


ConsultationPage = Page[ConsultationRead]


class AnswerWrite(BaseModel):
    """A department's answer about one org (first answer or correction)."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "severity": "minor",
                    "text": "2024 年以来共受理反映陈家沟村的信访举报 3 件，主要涉及村集体土地"
                    "租赁费收支不公开、低保评定不规范；其中 2 件已了结，1 件正在初步核实。"
                    "现有问题线索 1 件，涉及村党支部书记，正在办理中。",
                    "petition_count": 3,
                    "clue_count": 1,
                }
            ]
        },
    )

    severity: ConsultationSeverity = Field(
        title="问题程度", description=_labels(SEVERITY_LABELS_ZH)
    )
    text: str = Field(
        default="",
        validate_default=True,
        max_length=MAX_TEXT,
        title="情况说明",
        description="信访举报、问题线索、选人用人等情况；问题程度不是“未发现问题”时必填",
    )
    petition_count: int = Field(ge=0, le=MAX_COUNT, title="信访举报件数")
    clue_count: int = Field(ge=0, le=MAX_COUNT, title="问题线索件数")

    @field_validator("text")
    @classmethod
    def _text_explains_problems(cls, text: str, info: ValidationInfo) -> str:
        severity = info.data.get("severity")
        if severity is not None and severity is not ConsultationSeverity.none and not text:
            raise ValueError("text is required when severity is minor or serious")
        return text


class AnswerRead(BaseModel):
    """One org of a consultation and the department's answer about it (if any yet)."""

    consultation_id: uuid.UUID = Field(title="函询编号")
    round_id: uuid.UUID = Field(title="轮次编号")
    department_org_id: uuid.UUID = Field(title="被函询部门编号")
    department_name: str = Field(title="被函询部门")
    org_id: uuid.UUID = Field(title="被巡察对象编号")
    org_code: str = Field(title="被巡察对象编码")
    org_name: str = Field(title="被巡察对象")
    org_kind: OrgKind = Field(title="被巡察对象类型")
    answered: bool = Field(title="是否已答复")
    severity: ConsultationSeverity | None = Field(title="问题程度")
    text: str | None = Field(title="情况说明")
    petition_count: int | None = Field(title="信访举报件数")
    clue_count: int | None = Field(title="问题线索件数")
    version: int = Field(title="答复版本", description="未答复时为 0；更正答复时作为 If-Match")
    answered_at: datetime | None = Field(title="首次答复时间")
    answered_by: str | None = Field(title="答复人（账号）")
    entered_by_office: bool = Field(title="是否由巡察办代录", description="书面或会议通报的答复")
    updated_at: datetime | None = Field(title="更新时间")


AnswerPage = Page[AnswerRead]


class ConsultationSettingsWrite(BaseModel):
    """The jurisdiction's consultation rhythm."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"reply_workdays": 7, "remind_workdays_before": 2}]},
    )

    reply_workdays: int = Field(ge=1, le=MAX_REPLY_WORKDAYS, title="默认答复期限（工作日）")
    remind_workdays_before: int = Field(
        ge=0, le=10, title="提前提醒（工作日）", description="截止日前第几个工作日提醒；0 为不提醒"
    )

    @field_validator("remind_workdays_before")
    @classmethod
    def _reminder_before_deadline(cls, days: int, info: ValidationInfo) -> int:
        reply = info.data.get("reply_workdays")
        if reply is not None and days >= reply:
            raise ValueError("remind_workdays_before must be less than reply_workdays")
        return days


class ConsultationSettingsRead(BaseModel):
    """The rhythm in force; ``is_default`` when the office has not set one."""

    jurisdiction: str = Field(title="管辖范围")
    reply_workdays: int = Field(title="默认答复期限（工作日）")
    remind_workdays_before: int = Field(title="提前提醒（工作日）")
    is_default: bool = Field(title="是否为系统默认值")
    version: int | None = Field(default=None, title="版本号")
    updated_at: datetime | None = Field(default=None, title="更新时间")
    updated_by: str | None = Field(default=None, title="更新人")


class PriorityRead(BaseModel):
    """An org that departments reported problems about: to be inspected first (优先安排巡察)."""

    org_id: uuid.UUID = Field(title="被巡察对象编号")
    org_code: str = Field(title="编码")
    org_name: str = Field(title="名称")
    org_kind: OrgKind = Field(title="类型")
    serious_count: int = Field(title="“问题突出”答复数")
    minor_count: int = Field(title="“一般问题”答复数")
    department_org_ids: list[uuid.UUID] = Field(title="反映问题的部门编号")
    last_answered_at: datetime = Field(title="最近答复时间")
    assigned_round_ids: list[uuid.UUID] = Field(title="本届已安排巡察的轮次")
    awaiting_inspection: bool = Field(title="是否尚未安排巡察", description="本届尚无巡察任务")


PriorityPage = Page[PriorityRead]
