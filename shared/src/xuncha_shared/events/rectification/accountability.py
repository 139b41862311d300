"""Rectification's events about accountability (追责问责, topic ``xuncha.rectification.v1``):
who was held accountable for weak, perfunctory, fake or refused rectification, counted as the
articles count it ("问责追责103起、149人次 … 处理县处级干部9人，乡科级干部52人，一般干部42人").

The events carry ids, the org, the forms and the counts of persons by rank and by form: never
a person's name, roster entry or the basis text, which stay in rectification (the ledger is
read by the office, the leading group, discipline and organization only). The catalog reads
:data:`EVENTS` through the package's.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from xuncha_shared.events.base import Event, events_in
from xuncha_shared.events.rectification.cases import TypicalCaseKind
from xuncha_shared.roster import CadreRank


class AccountabilityForm(StrEnum):
    """The form a person was held accountable in (问责方式), the articles' words."""

    admonishment_talk = "admonishment_talk"
    """诫勉谈话"""
    criticism_education = "criticism_education"
    """批评教育"""
    ordered_examination = "ordered_examination"
    """责令检查"""
    circulated_criticism = "circulated_criticism"
    """通报批评"""
    organizational_adjustment = "organizational_adjustment"
    """组织处理（停职检查、调整职务）"""
    organizational_removal = "organizational_removal"
    """组织处理（免职）"""
    organizational_demotion = "organizational_demotion"
    """组织处理（降职）"""
    party_discipline = "party_discipline"
    """党纪处分"""
    government_sanction = "government_sanction"
    """政务处分"""


ACCOUNTABILITY_FORM_LABELS_ZH: dict[AccountabilityForm, str] = {
    AccountabilityForm.admonishment_talk: "诫勉谈话",
    AccountabilityForm.criticism_education: "批评教育",
    AccountabilityForm.ordered_examination: "责令检查",
    AccountabilityForm.circulated_criticism: "通报批评",
    AccountabilityForm.organizational_adjustment: "组织处理(调整职务)",
    AccountabilityForm.organizational_removal: "组织处理(免职)",
    AccountabilityForm.organizational_demotion: "组织处理(降职)",
    AccountabilityForm.party_discipline: "党纪处分",
    AccountabilityForm.government_sanction: "政务处分",
}


class DecidingBody(StrEnum):
    """Who decided the accountability (问责决定机关)."""

    discipline = "discipline"
    """纪委监委"""
    organization = "organization"
    """组织部"""
    party_committee = "party_committee"
    """党委（党组）"""


DECIDING_BODY_LABELS_ZH: dict[DecidingBody, str] = {
    DecidingBody.discipline: "纪委监委",
    DecidingBody.organization: "组织部",
    DecidingBody.party_committee: "党委(党组)",
}


class RankCount(BaseModel):
    """How many persons of one rank the record holds accountable (人次)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rank: CadreRank = Field(title="职级")
    persons: int = Field(ge=1, title="人次")


class FormCount(BaseModel):
    """How many persons the record holds accountable in one form (人次)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    form: AccountabilityForm = Field(title="问责方式")
    persons: int = Field(ge=1, title="人次")


class AccountabilitySnapshot(Event):
    """An accountability record as other services count it: the whole record after the
    change, counts only. Message key: the record id; a consumer keeps the highest
    ``version``."""

    subject_field: ClassVar[str] = "accountability_id"

    accountability_id: uuid.UUID = Field(title="问责记录编号")
    org_id: uuid.UUID = Field(title="被巡察对象编号")
    round_id: uuid.UUID | None = Field(default=None, title="轮次编号")
    plan_id: uuid.UUID | None = Field(default=None, title="整改方案编号")
    task_ids: tuple[uuid.UUID, ...] = Field(default=(), title="涉及的整改任务编号")
    failure: TypicalCaseKind = Field(
        title="问责事由",
        description="weak 整改不力；perfunctory 敷衍整改；fake 虚假整改；refused 拒不整改",
    )
    deciding_body: DecidingBody = Field(title="决定机关")
    decided_on: date = Field(title="决定日期")
    persons: int = Field(ge=1, title="问责人次")
    by_rank: tuple[RankCount, ...] = Field(min_length=1, title="按职级人次")
    by_form: tuple[FormCount, ...] = Field(min_length=1, title="按问责方式人次")
    version: int = Field(ge=1, title="版本号")
    at: datetime = Field(title="记录时间")


class AccountabilityRecorded(AccountabilitySnapshot):
    """The office or discipline recorded who was held accountable, in which form, for an
    org's weak, perfunctory, fake or refused rectification (追责问责)."""

    type: ClassVar[str] = "xuncha.rectification.accountability.recorded.v1"
    title_zh: ClassVar[str] = "整改追责问责已记录"


class AccountabilityCorrected(AccountabilitySnapshot):
    """The record was corrected (persons, forms, dates, deciding body or what it concerns);
    the counts are the whole record's after the correction."""

    type: ClassVar[str] = "xuncha.rectification.accountability.corrected.v1"
    title_zh: ClassVar[str] = "整改追责问责记录已更正"


# Keep last: every event class above is in the catalog.
EVENTS: tuple[type[Event], ...] = events_in(__name__, globals())
