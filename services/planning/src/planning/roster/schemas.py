"""The roster's API schemas: RosterMemberCreate / RosterMemberUpdate / RosterTermEnd /
RosterMemberRead / RosterMemberPage and the import report."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field
from xuncha_shared.account_names import AccountName
from xuncha_shared.http import Page
from xuncha_shared.orgs import OrgKind
from xuncha_shared.patch import Patch
from xuncha_shared.roster import CadreRank, RosterPost

PHONE_PATTERN = r"^[0-9+()\- ]{5,30}$"

_POST = (
    "职务类别：党委(党组)书记、行政正职、班子副职、纪检监察负责人、村(社区)党组织书记、"
    "村(居)委会主任、村(社区)两委委员、其他（须填职务名称）"
)
_RANK = "county 县处级；township 乡科级；general 一般"
_ACCOUNT = "本人登录平台时的账号（如村党组织书记的账号），可不填"


class RosterMemberCreate(BaseModel):
    """A member of the org's leadership team to enter in the roster."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "name": "王建军",
                    "post": "party_secretary",
                    "post_title": "镇党委书记",
                    "rank": "township",
                    "since": "2024-03-15",
                    "account": "wangjianjun",
                    "phone": "13903910001",
                }
            ]
        },
    )

    name: str = Field(min_length=1, max_length=50, title="姓名")
    post: RosterPost = Field(title="职务类别", description=_POST)
    post_title: str | None = Field(
        default=None, min_length=1, max_length=50, title="职务名称", description="如 镇长、局长"
    )
    rank: CadreRank = Field(title="职级", description=_RANK)
    since: date = Field(title="任职起始日")
    until: date | None = Field(
        default=None, title="离任日", description="补录已离任的历任成员时填写；在任则不填"
    )
    account: AccountName | None = Field(
        default=None, min_length=1, max_length=128, title="平台账号", description=_ACCOUNT
    )
    phone: str | None = Field(default=None, pattern=PHONE_PATTERN, title="联系电话")


class RosterMemberUpdate(Patch):
    """Fields of an entry to correct; omitted fields stay. The end of a term of office is
    its own action (``…/end``)."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [{"rank": "county", "post_title": "镇党委书记", "phone": None}]
        },
    )

    clearable = frozenset({"post_title", "account", "phone"})

    name: str | None = Field(default=None, min_length=1, max_length=50, title="姓名")
    post: RosterPost | None = Field(default=None, title="职务类别", description=_POST)
    post_title: str | None = Field(default=None, min_length=1, max_length=50, title="职务名称")
    rank: CadreRank | None = Field(default=None, title="职级", description=_RANK)
    since: date | None = Field(default=None, title="任职起始日")
    account: AccountName | None = Field(
        default=None, min_length=1, max_length=128, title="平台账号", description=_ACCOUNT
    )
    phone: str | None = Field(default=None, pattern=PHONE_PATTERN, title="联系电话")


class RosterTermEnd(BaseModel):
    """The end of a member's term of office in this post (离任)."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"until": "2026-11-30"}]}
    )

    until: date = Field(title="离任日", description="不早于任职起始日，不晚于今天")


class RosterMemberRead(BaseModel):
    """A roster entry, with its org's code and name for the ledger."""

    id: uuid.UUID = Field(title="名册条目编号")
    jurisdiction: str = Field(title="管辖范围")
    org_id: uuid.UUID = Field(title="所在单位编号")
    org_code: str = Field(title="单位编码")
    org_name: str = Field(title="单位名称")
    org_kind: OrgKind = Field(title="单位类型")
    name: str = Field(title="姓名")
    post: RosterPost = Field(title="职务类别")
    post_title: str | None = Field(title="职务名称")
    rank: CadreRank = Field(title="职级")
    since: date = Field(title="任职起始日")
    until: date | None = Field(title="离任日")
    current: bool = Field(title="是否在任")
    account: str | None = Field(title="平台账号")
    phone: str | None = Field(title="联系电话")
    version: int = Field(title="版本号")
    created_at: datetime = Field(title="登记时间")
    updated_at: datetime = Field(title="更新时间")


RosterMemberPage = Page[RosterMemberRead]


class RosterImportReport(BaseModel):
    """The outcome of a roster import: all rows or none."""

    created: int = Field(title="新增")
    updated: int = Field(title="更新")
    unchanged: int = Field(title="未变")
    total: int = Field(title="总行数")
