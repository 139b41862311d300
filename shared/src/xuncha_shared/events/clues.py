"""Events produced by the clues service (topic ``xuncha.clues.v1``).

Confidential by construction: a clue event carries ids, status, recipient and counts,
never the person named, their post, the allegation, the evidence or an amount alleged.
Details are read over the clues service's REST API by those entitled, and every such read
is audited. A test over every event the service emits holds it to this.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar

from pydantic import Field

from xuncha_shared.events.base import Event, events_in


class ClueStatus(StrEnum):
    """Where a clue stands in the ledger (线索管理台账): draft → reviewed (会商研判) →
    transferred (移交) → accepted (签收) → handling → concluded (办结) → closed (销号), or
    returned (退回补充材料) back to reviewed."""

    draft = "draft"
    reviewed = "reviewed"
    returned = "returned"
    transferred = "transferred"
    accepted = "accepted"
    handling = "handling"
    concluded = "concluded"
    closed = "closed"


class ClueStage(StrEnum):
    """The limits a clue is chased on (per jurisdiction, in working days)."""

    transfer = "transfer"
    """审核后移交"""
    receipt = "receipt"
    """移交后签收"""
    first_progress = "first_progress"
    """签收后首次报告进展"""
    conclusion = "conclusion"
    """签收后办结"""


class Disposal(StrEnum):
    """The recipient's disposal of a clue (处置方式)."""

    inquiry = "inquiry"
    """谈话函询"""
    preliminary_verification = "preliminary_verification"
    """初步核实"""
    hold = "hold"
    """暂存待查"""
    close = "close"
    """予以了结"""
    case = "case"
    """立案审查"""


class ClueEvent(Event):
    """A fact about one clue: ids, status and recipient only. Message key: the clue id."""

    subject_field: ClassVar[str] = "clue_id"

    clue_id: uuid.UUID = Field(title="线索编号")
    round_id: uuid.UUID | None = Field(default=None, title="轮次编号")
    org_id: uuid.UUID | None = Field(default=None, title="来源被巡察对象编号")
    source_problem_id: uuid.UUID | None = Field(default=None, title="来源问题编号")
    source_report_id: uuid.UUID | None = Field(default=None, title="来源信访举报编号")
    group_id: uuid.UUID | None = Field(
        default=None,
        title="提出线索的巡察组编号",
        description="由此核对线索确由该轮巡察组提出（来源举报据此清除原文）",
    )
    status: ClueStatus = Field(title="状态（变更后）")
    recipient_org_id: uuid.UUID | None = Field(
        default=None, title="承办部门编号", description="移交后才有"
    )
    priority: bool = Field(default=False, title="是否优先办理（绿色通道）")
    keeper_account: str | None = Field(
        default=None, title="线索管理人账号", description="巡察办负责该线索的人员（令牌主体 sub）"
    )
    version: int = Field(ge=1, title="版本号", description="每次变更加一")


class ClueProposed(ClueEvent):
    """A group proposed a clue (from a problem or a public report) to the office."""

    type: ClassVar[str] = "xuncha.clues.clue.proposed.v1"
    title_zh: ClassVar[str] = "问题线索已提出"


class ClueReviewed(ClueEvent):
    """The joint assessment (会商研判) reviewed the clue and suggested its disposal."""

    type: ClassVar[str] = "xuncha.clues.clue.reviewed.v1"
    title_zh: ClassVar[str] = "问题线索已会商研判"


class ClueReturned(ClueEvent):
    """The recipient returned the clue for more material (退回补充材料)."""

    type: ClassVar[str] = "xuncha.clues.clue.returned.v1"
    title_zh: ClassVar[str] = "问题线索已退回"


class ClueTransferred(ClueEvent):
    """The office transferred the clue to its recipient (移交)."""

    type: ClassVar[str] = "xuncha.clues.clue.transferred.v1"
    title_zh: ClassVar[str] = "问题线索已移交"

    transferred_at: datetime = Field(title="移交时间")
    receipt_due_on: date | None = Field(default=None, title="签收期限")


class ClueTransferRecalled(ClueEvent):
    """The office recalled a transfer that was still awaiting receipt (撤回移交), e.g. one
    sent to the wrong department: the clue is back to reviewed, no longer counted as
    transferred, and may be transferred again. The reason stays in the ledger."""

    type: ClassVar[str] = "xuncha.clues.clue.transfer_recalled.v1"
    title_zh: ClassVar[str] = "问题线索移交已撤回"

    recalled_at: datetime = Field(title="撤回时间")
    recalled_from_org_id: uuid.UUID = Field(
        title="原承办部门编号", description="撤回前的承办部门 / The recipient it was sent to"
    )


class ClueAccepted(ClueEvent):
    """The recipient's system acknowledged receipt (签收)."""

    type: ClassVar[str] = "xuncha.clues.clue.accepted.v1"
    title_zh: ClassVar[str] = "问题线索已签收"

    accepted_at: datetime = Field(title="签收时间")


class ClueDisposalChosen(ClueEvent):
    """The recipient chose how to dispose of the clue; the clue is now being handled."""

    type: ClassVar[str] = "xuncha.clues.clue.disposal_chosen.v1"
    title_zh: ClassVar[str] = "问题线索处置方式已确定"

    disposal: Disposal = Field(title="处置方式")


class ClueProgressReported(ClueEvent):
    """The recipient reported progress on the clue."""

    type: ClassVar[str] = "xuncha.clues.clue.progress_reported.v1"
    title_zh: ClassVar[str] = "问题线索办理进展已报送"

    reported_at: datetime = Field(title="报送时间")


class ClueConcluded(ClueEvent):
    """The recipient reported the outcome (办结): counts only."""

    type: ClassVar[str] = "xuncha.clues.clue.concluded.v1"
    title_zh: ClassVar[str] = "问题线索已办结"

    disposal: Disposal = Field(title="处置方式")
    case_filed: bool = Field(title="是否立案")
    persons_sanctioned: int = Field(ge=0, title="党纪政务处分人数")
    organizational_handlings: int = Field(ge=0, title="组织处理人次")
    first_form: int = Field(default=0, ge=0, title="第一种形态人次")
    second_form: int = Field(default=0, ge=0, title="第二种形态人次")
    third_form: int = Field(default=0, ge=0, title="第三种形态人次")
    fourth_form: int = Field(default=0, ge=0, title="第四种形态人次")
    money_recovered_yuan: Decimal = Field(ge=0, title="挽回经济损失（元）")
    concluded_at: datetime = Field(title="办结时间")


class ClueClosed(ClueEvent):
    """The office closed (销号) the concluded clue in its ledger."""

    type: ClassVar[str] = "xuncha.clues.clue.closed.v1"
    title_zh: ClassVar[str] = "问题线索已销号"

    closed_at: datetime = Field(title="销号时间")


class ClueChase(ClueEvent):
    """A clue passed a handling limit (emitted once per clue, stage and step)."""

    stage: ClueStage = Field(title="超期环节")
    due_on: date = Field(title="期限")
    doc_number: str | None = Field(default=None, title="文号")


class ClueReminderIssued(ClueChase):
    """A clue passed a limit: a reminder letter (提醒函) went to whoever holds it."""

    type: ClassVar[str] = "xuncha.clues.clue.reminder_issued.v1"
    title_zh: ClassVar[str] = "问题线索超期提醒函已发出"


class ClueSupervisionIssued(ClueChase):
    """A reminded clue stayed past its limit: a supervision letter (督办函) went out."""

    type: ClassVar[str] = "xuncha.clues.clue.supervision_issued.v1"
    title_zh: ClassVar[str] = "问题线索督办函已发出"


# Keep last: every event class above is in the catalog.
EVENTS: tuple[type[Event], ...] = events_in(__name__, globals())
