"""API schemas of the ledger: ClueCreate / ClueReceipt / ClueSummary / ClueDetail and the
office's writes (review, transfer, keeper, close)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator
from xuncha_shared.events.clues import ClueStage, ClueStatus, Disposal
from xuncha_shared.http import Page

MAX_ALLEGATION = 4000
MAX_EVIDENCE = 8000
MAX_NOTE = 4000
MAX_YUAN = Decimal("999999999999.99")


class ClueCategory(StrEnum):
    """六项纪律 and the misconduct types the office tracks."""

    political = "political"
    """政治纪律"""
    organizational = "organizational"
    """组织纪律"""
    integrity = "integrity"
    """廉洁纪律"""
    mass = "mass"
    """群众纪律"""
    work = "work"
    """工作纪律"""
    life = "life"
    """生活纪律"""
    embezzlement = "embezzlement"
    """截留挪用贪占"""
    cadre_selection = "cadre_selection"
    """选人用人"""
    other = "other"
    """其他"""


class PersonRank(StrEnum):
    county = "county"
    """县处级"""
    township = "township"
    """乡科级"""
    general = "general"
    """一般干部"""
    village = "village"
    """村（社区）干部"""
    other = "other"
    """其他"""


class RecipientKind(StrEnum):
    """Where a clue goes: discipline by default, organization for cadre selection."""

    discipline = "discipline"
    """纪委监委"""
    organization = "organization"
    """组织部"""
    department = "department"
    """其他部门"""


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PersonNamed(_In):
    """被反映人 (confidential: sealed at rest, never in an event or a log)."""

    name: str = Field(min_length=1, max_length=50, title="姓名")
    post: str = Field(min_length=1, max_length=100, title="职务")
    rank: PersonRank = Field(
        title="职级", description="county 县处级；township 乡科级；general 一般干部"
    )


class ClueCreate(_In):
    """A group proposes a clue from one of its problems or a public report of its round."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "source_problem_id": "90d05435-975f-4e6e-99cd-c31b6f4e8735",
                    "person": {
                        "name": "张某某",
                        "post": "赵堡镇某村党支部书记、村委会主任",
                        "rank": "village",
                    },
                    "category": "embezzlement",
                    "allegation": "反映张某某在2025年村内道路硬化工程中，未经“四议两公开”程序"
                    "将工程指定给其亲属控制的施工队，虚报工程量，套取村集体资金。",
                    "evidence": "工程合同及结算单复印件7份、村集体资金支出凭证9张、"
                    "巡察组现场测量记录1份、个别谈话笔录3份。",
                    "amount_yuan": "86400.00",
                    "priority": True,
                }
            ]
        }
    )

    source_problem_id: uuid.UUID | None = Field(default=None, title="来源问题编号")
    source_report_id: uuid.UUID | None = Field(default=None, title="来源信访举报编号")
    person: PersonNamed = Field(title="被反映人")
    category: ClueCategory = Field(title="问题类别")
    allegation: str = Field(min_length=1, max_length=MAX_ALLEGATION, title="反映的主要问题")
    evidence: str = Field(default="", max_length=MAX_EVIDENCE, title="证据材料说明")
    amount_yuan: Decimal | None = Field(
        default=None, ge=0, le=MAX_YUAN, decimal_places=2, title="涉及金额（元）"
    )
    priority: bool = Field(default=False, title="优先办理（绿色通道）")

    @model_validator(mode="after")
    def _one_source(self) -> ClueCreate:
        if (self.source_problem_id is None) == (self.source_report_id is None):
            raise ValueError("exactly one of source_problem_id and source_report_id is needed")
        return self


class ClueReceipt(BaseModel):
    """What the proposing group gets back: the clue exists; its content is the office's."""

    id: uuid.UUID = Field(title="线索编号")
    status: ClueStatus = Field(title="状态")
    version: int = Field(title="版本号")
    proposed_at: datetime = Field(title="提出时间")


class ClueState(BaseModel):
    """Only where a clue stands (for a caller who no longer holds it)."""

    id: uuid.UUID = Field(title="线索编号")
    status: ClueStatus = Field(title="状态")
    version: int = Field(title="版本号")


class ReviewWrite(_In):
    """会商研判: the participants and what they suggest."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "commission_leader": "县纪委副书记、监委副主任 李某某",
                    "office_reviewer": "县委巡察办副主任 赵某某",
                    "supervision_room": "县纪委监委第三纪检监察室",
                    "suggested_disposal": "preliminary_verification",
                    "suggested_form": 2,
                    "opinion": "线索具体、可查性强，涉及村集体资金，建议移交县纪委监委"
                    "初步核实，走绿色通道优先办理。",
                    "keeper_account": "wx-xcb-zhao",
                }
            ]
        }
    )

    commission_leader: str = Field(min_length=1, max_length=100, title="委领导")
    office_reviewer: str = Field(min_length=1, max_length=100, title="巡察办参加人")
    supervision_room: str = Field(min_length=1, max_length=100, title="关联纪检监察室")
    suggested_disposal: Disposal = Field(title="建议处置方式")
    suggested_form: int = Field(ge=1, le=4, title="建议适用形态", description="四种形态之一（1-4）")
    opinion: str | None = Field(default=None, max_length=MAX_NOTE, title="研判意见（保密）")
    keeper_account: str | None = Field(
        default=None, min_length=1, max_length=128, title="线索管理人账号"
    )


class TransferWrite(_In):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "recipient_org_id": "9bcee300-ecba-422e-9012-9ac0021ea386",
                    "recipient_kind": "discipline",
                }
            ]
        }
    )

    recipient_org_id: uuid.UUID = Field(title="承办部门编号")
    recipient_kind: RecipientKind | None = Field(
        default=None,
        title="承办部门类型",
        description="不填时选人用人类线索移交组织部，其余移交纪委监委",
    )


class RecallWrite(_In):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"reason": "承办部门选择有误，应移交县纪委监委"}]}
    )

    reason: str = Field(min_length=1, max_length=MAX_NOTE, title="撤回理由（保密）")


class KeeperWrite(_In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"keeper_account": "wx-xcb-sun"}]})

    keeper_account: str = Field(min_length=1, max_length=128, title="线索管理人账号")


class ReviewRead(BaseModel):
    reviewed_at: datetime
    reviewed_by: str
    commission_leader: str
    office_reviewer: str
    supervision_room: str
    suggested_disposal: Disposal
    suggested_form: int


class OutcomeRead(BaseModel):
    concluded_at: datetime
    disposal: Disposal
    case_filed: bool
    persons_sanctioned: int
    persons_party_sanctioned: int | None
    persons_government_sanctioned: int | None
    organizational_handlings: int
    first_form: int
    second_form: int
    third_form: int
    fourth_form: int
    money_recovered_yuan: Decimal


class NoteRead(BaseModel):
    kind: str = Field(
        title="类型",
        description="review 研判意见；return 退回理由；recall 撤回移交理由；progress 进展；"
        "outcome 结果说明",
    )
    text: str
    written_by: str
    written_at: datetime


class ClueSummary(BaseModel):
    """A ledger row without the confidential content."""

    id: uuid.UUID = Field(title="线索编号")
    jurisdiction: str
    status: ClueStatus = Field(title="状态")
    round_id: uuid.UUID = Field(title="轮次编号")
    term_id: uuid.UUID | None = Field(title="届次编号")
    org_id: uuid.UUID | None = Field(title="来源被巡察对象编号")
    group_id: uuid.UUID | None = Field(title="提出的巡察组编号")
    source_problem_id: uuid.UUID | None
    source_report_id: uuid.UUID | None
    category: ClueCategory = Field(title="问题类别")
    priority: bool = Field(title="绿色通道")
    keeper_account: str | None = Field(title="线索管理人账号")
    recipient_kind: RecipientKind | None
    recipient_org_id: uuid.UUID | None = Field(title="承办部门编号")
    disposal: Disposal | None = Field(title="处置方式")
    proposed_at: datetime
    reviewed_at: datetime | None
    transferred_at: datetime | None
    receipt_due_on: date | None
    accepted_at: datetime | None
    concluded_at: datetime | None
    closed_at: datetime | None
    version: int
    allowed_actions: list[str] = Field(title="当前可进行的操作")
    stage_since: datetime = Field(title="进入当前环节时间")
    stage_age_workdays: int = Field(
        title="当前环节已历时（工作日）", description="自进入当前环节之日起至今天（北京时间）"
    )
    next_due_on: date | None = Field(title="下一期限", description="当前环节正在计算的最早期限")
    overdue_stages: list[ClueStage] = Field(
        title="已超期环节", description="期限已过仍未完成的环节（按本辖区的工作日期限）"
    )
    overdue: bool = Field(title="是否超期")


class ClueDetail(ClueSummary):
    """Everything, for the office's keepers and the recipient; every read is audited."""

    person: PersonNamed
    allegation: str
    evidence: str
    amount_yuan: Decimal | None
    proposed_by: str
    review: ReviewRead | None
    received_by_name: str | None
    progress_count: int
    first_progress_at: datetime | None
    last_progress_at: datetime | None
    outcome: OutcomeRead | None
    notes: list[NoteRead]


ClueSummaryPage = Page[ClueSummary]
