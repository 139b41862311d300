"""API schemas of the talent pool: CadreCreate / CadreUpdate / CadreRead / CadrePage, the
pool import report and the avoidance settings."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from xuncha_shared.account_names import ONE_SEGMENT_WITHOUT_SPACES
from xuncha_shared.http import Page
from xuncha_shared.patch import Patch

from planning.orgs.schemas import CODE_PATTERN, PHONE_PATTERN
from planning.pool.domain import MAX_FORMER_UNIT_YEARS, Specialty

# A token subject: printable, no spaces (OIDC subjects are opaque strings).
CadreAccount = Annotated[str, Field(max_length=128, pattern=ONE_SEGMENT_WITHOUT_SPACES)]
"""A cadre's platform account: no spaces, and one path segment (the account name rule)."""
MAX_POSTS = 50
MAX_RELATIVES = 50


def _unique(values: list[Specialty]) -> list[Specialty]:
    return list(dict.fromkeys(values))


# At most nine as sent (the limit before duplicates are dropped, as the document says).
Specialties = Annotated[list[Specialty], Field(max_length=9), AfterValidator(_unique)]


class CadrePostIn(BaseModel):
    """A post the cadre held or holds (任职经历)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    org_id: uuid.UUID = Field(
        title="任职单位编号", description="被巡察对象库中的组织，可属其他地区"
    )
    title: str = Field(min_length=1, max_length=100, title="职务")
    started_on: date = Field(title="任职起始日期")
    ended_on: date | None = Field(default=None, title="离任日期", description="为空表示仍在任")

    @field_validator("ended_on")
    @classmethod
    def _after_start(cls, value: date | None, info: ValidationInfo) -> date | None:
        started = info.data.get("started_on")
        if value is not None and started is not None and value < started:
            raise ValueError("离任日期不能早于任职起始日期 / ended_on is before started_on")
        return value


class CadreRelativeIn(BaseModel):
    """A relative the cadre declared in an org (亲属关系申报)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    org_id: uuid.UUID = Field(title="亲属所在单位编号")
    relation: str = Field(min_length=1, max_length=30, title="关系", description="如 配偶、父亲")


class CadreCreate(BaseModel):
    """A cadre to add to the caller's talent pool (巡察人才库)."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "code": "WXRC-0178",
                    "name": "李建华",
                    "unit_org_id": "5366098f-21eb-4122-b11b-097bcd3358c2",
                    "unit_name": "县审计局",
                    "specialties": ["finance_audit", "agriculture"],
                    "home_township_id": "4d765402-62e5-4104-9a5f-1bf64d5c43ff",
                    "available": True,
                    "account": "wx.sjj.lijianhua",
                    "phone": "0391-6180726",
                    "posts": [
                        {
                            "org_id": "822cc894-cb9f-4631-a334-26246037d821",
                            "title": "县财政局农业股副股长",
                            "started_on": "2015-07-01",
                            "ended_on": "2020-12-31",
                        },
                        {
                            "org_id": "5366098f-21eb-4122-b11b-097bcd3358c2",
                            "title": "县审计局经济责任审计股股长",
                            "started_on": "2021-01-04",
                        },
                    ],
                    "relatives": [
                        {"org_id": "0755060e-0901-497b-9131-75f7799b6afd", "relation": "配偶"}
                    ],
                }
            ]
        },
    )

    code: str = Field(pattern=CODE_PATTERN, title="人员编码", description="本人才库内唯一")
    name: str = Field(min_length=1, max_length=50, title="姓名")
    unit_org_id: uuid.UUID | None = Field(
        default=None, title="工作单位编号", description="工作单位在被巡察对象库中时填写"
    )
    unit_name: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        title="工作单位",
        description="不在被巡察对象库中的单位填写名称；填了单位编号可省略",
    )
    specialties: Specialties = Field(default_factory=list, title="专业领域")
    home_township_id: uuid.UUID | None = Field(
        default=None, title="家乡乡镇编号", description="须为乡镇（街道）"
    )
    available: bool = Field(default=True, title="是否可抽调")
    account: CadreAccount | None = Field(
        default=None, title="平台账号", description="本人登录令牌的 sub"
    )
    phone: str | None = Field(default=None, pattern=PHONE_PATTERN, title="联系电话")
    posts: list[CadrePostIn] = Field(default_factory=list, max_length=MAX_POSTS, title="任职经历")
    relatives: list[CadreRelativeIn] = Field(
        default_factory=list, max_length=MAX_RELATIVES, title="亲属关系"
    )


class CadreUpdate(Patch):
    """Fields to change; omitted fields stay. ``posts`` and ``relatives``, when given,
    replace the whole list."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "name": "李建华",
                    "unit_org_id": "6ff1204e-18e8-4f34-a521-56a77746e61f",
                    "unit_name": "县农业农村局",
                    "specialties": ["finance_audit", "agriculture"],
                    "home_township_id": "4d765402-62e5-4104-9a5f-1bf64d5c43ff",
                    "available": False,
                    "account": "wx.nyncj.lijianhua",
                    "phone": "0391-6182215",
                    "posts": [
                        {
                            "org_id": "5366098f-21eb-4122-b11b-097bcd3358c2",
                            "title": "县审计局经济责任审计股股长",
                            "started_on": "2021-01-04",
                            "ended_on": "2026-10-30",
                        },
                        {
                            "org_id": "6ff1204e-18e8-4f34-a521-56a77746e61f",
                            "title": "县农业农村局副局长",
                            "started_on": "2026-11-02",
                        },
                    ],
                    "relatives": [
                        {"org_id": "0755060e-0901-497b-9131-75f7799b6afd", "relation": "配偶"}
                    ],
                }
            ]
        },
    )

    clearable = frozenset({"unit_org_id", "home_township_id", "account", "phone"})

    name: str | None = Field(default=None, min_length=1, max_length=50, title="姓名")
    unit_org_id: uuid.UUID | None = Field(default=None, title="工作单位编号")
    unit_name: str | None = Field(default=None, min_length=1, max_length=100, title="工作单位")
    specialties: Specialties | None = Field(default=None, title="专业领域")
    home_township_id: uuid.UUID | None = Field(default=None, title="家乡乡镇编号")
    available: bool | None = Field(default=None, title="是否可抽调")
    account: CadreAccount | None = Field(default=None, title="平台账号")
    phone: str | None = Field(default=None, pattern=PHONE_PATTERN, title="联系电话")
    posts: list[CadrePostIn] | None = Field(default=None, max_length=MAX_POSTS, title="任职经历")
    relatives: list[CadreRelativeIn] | None = Field(
        default=None, max_length=MAX_RELATIVES, title="亲属关系"
    )


class CadrePostRead(BaseModel):
    id: uuid.UUID = Field(title="编号")
    org_id: uuid.UUID = Field(title="任职单位编号")
    org_name: str = Field(title="任职单位")
    org_jurisdiction: str = Field(title="任职单位所属地区")
    title: str = Field(title="职务")
    started_on: date = Field(title="任职起始日期")
    ended_on: date | None = Field(title="离任日期")


class CadreRelativeRead(BaseModel):
    id: uuid.UUID = Field(title="编号")
    org_id: uuid.UUID = Field(title="亲属所在单位编号")
    org_name: str = Field(title="亲属所在单位")
    relation: str = Field(title="关系")


class CadreRead(BaseModel):
    """A cadre of the talent pool."""

    id: uuid.UUID = Field(title="编号")
    jurisdiction: str = Field(title="人才库所属地区")
    code: str = Field(title="人员编码")
    name: str = Field(title="姓名")
    unit_org_id: uuid.UUID | None = Field(title="工作单位编号")
    unit_name: str = Field(title="工作单位")
    specialties: list[Specialty] = Field(title="专业领域")
    home_township_id: uuid.UUID | None = Field(title="家乡乡镇编号")
    home_township_name: str | None = Field(title="家乡乡镇")
    available: bool = Field(title="是否可抽调")
    account: str | None = Field(title="平台账号")
    phone: str | None = Field(title="联系电话")
    posts: list[CadrePostRead] = Field(title="任职经历")
    relatives: list[CadreRelativeRead] = Field(title="亲属关系")
    version: int = Field(title="版本号")
    created_at: datetime = Field(title="入库时间")
    updated_at: datetime = Field(title="更新时间")


CadrePage = Page[CadreRead]


class PoolImportReport(BaseModel):
    """The outcome of a pool import: all rows or none."""

    created: int = Field(title="新增人员")
    updated: int = Field(title="更新人员")
    unchanged: int = Field(title="未变人员")
    total: int = Field(title="人员总数")
    posts: int = Field(title="导入的任职经历条数")
    relatives: int = Field(title="导入的亲属关系条数")
    by_specialty: dict[str, int] = Field(title="按专业领域统计")


class AvoidanceSettingsUpdate(BaseModel):
    """The jurisdiction's avoidance window."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"former_unit_years": 3}]}
    )

    former_unit_years: int = Field(
        ge=1,
        le=MAX_FORMER_UNIT_YEARS,
        title="原单位回避年限",
        description="离开某单位未满该年数的人员，不得巡察该单位及其上下级单位",
    )


class AvoidanceSettingsRead(BaseModel):
    jurisdiction: str = Field(title="管辖范围")
    former_unit_years: int = Field(title="原单位回避年限")
    is_default: bool = Field(title="是否为默认值", description="巡察办尚未设置时为真（默认 5 年）")
    version: int | None = Field(default=None, title="版本号")
    updated_at: datetime | None = Field(default=None, title="更新时间")
    updated_by: str | None = Field(default=None, title="更新人")
