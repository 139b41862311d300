"""The org registry's API schemas: OrgCreate / OrgUpdate / OrgRead / OrgPage and the import
report."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from xuncha_shared.email_addresses import EmailAddress
from xuncha_shared.http import Page
from xuncha_shared.orgs import DepartmentDesignation, OrgKind
from xuncha_shared.patch import Patch

CODE_PATTERN = r"^[A-Za-z0-9._-]{1,32}$"
PHONE_PATTERN = r"^[0-9+()\- ]{5,30}$"


class OrgCreate(BaseModel):
    """An org to add to the registry; the jurisdiction is the caller's."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "code": "410825105201",
                    "name": "陈家沟村",
                    "kind": "village",
                    "parent_id": "b707b14b-57d0-4470-8b74-00bb79b8800c",
                    "contact_name": "陈国强",
                    "contact_phone": "0391-6155021",
                    "contact_email": "chenjiagou@wenxian.example.com",
                }
            ]
        },
    )

    code: str = Field(pattern=CODE_PATTERN, title="编码", description="本辖区内唯一，如 410825001")
    name: str = Field(min_length=1, max_length=100, title="名称")
    kind: OrgKind = Field(title="类型")
    parent_id: uuid.UUID | None = Field(default=None, title="上级组织编号")
    contact_name: str | None = Field(default=None, max_length=50, title="联系人")
    contact_phone: str | None = Field(default=None, pattern=PHONE_PATTERN, title="联系电话")
    contact_email: EmailAddress | None = Field(default=None, title="电子邮箱")
    leader_account: str | None = Field(
        default=None,
        min_length=1,
        max_length=128,
        title="分管县领导账号",
        description="分管该单位的县领导的平台账号；该领导可查看本单位的整改方案和任务（只读）",
    )
    designation: DepartmentDesignation | None = Field(
        default=None,
        title="部门职能",
        description="仅县直单位：纪委监委、组织部、宣传部、审计局、信访局、公安局或其他部门；"
        "问题线索按职能移交 / Departments only: clues are transferred by it",
    )


class OrgUpdate(Patch):
    """Fields to change; omitted fields stay as they are."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "name": "南平皋村",
                    "kind": "village",
                    "parent_id": "b707b14b-57d0-4470-8b74-00bb79b8800c",
                    "contact_name": "李振东",
                    "contact_phone": "0391-6155108",
                    "contact_email": "nanpinggao@wenxian.example.com",
                    "leader_account": "leader2",
                    "active": True,
                }
            ]
        },
    )

    clearable = frozenset(
        {
            "parent_id",
            "contact_name",
            "contact_phone",
            "contact_email",
            "leader_account",
            "designation",
        }
    )

    name: str | None = Field(default=None, min_length=1, max_length=100, title="名称")
    kind: OrgKind | None = Field(default=None, title="类型")
    parent_id: uuid.UUID | None = Field(default=None, title="上级组织编号")
    contact_name: str | None = Field(default=None, max_length=50, title="联系人")
    contact_phone: str | None = Field(default=None, pattern=PHONE_PATTERN, title="联系电话")
    contact_email: EmailAddress | None = Field(default=None, title="电子邮箱")
    leader_account: str | None = Field(
        default=None,
        min_length=1,
        max_length=128,
        title="分管县领导账号",
        description="分管该单位的县领导的平台账号；该领导可查看本单位的整改方案和任务（只读）",
    )
    designation: DepartmentDesignation | None = Field(
        default=None,
        title="部门职能",
        description="仅县直单位：纪委监委、组织部、宣传部、审计局、信访局、公安局或其他部门；"
        "问题线索按职能移交 / Departments only: clues are transferred by it",
    )
    active: bool | None = Field(default=None, title="是否在巡察范围内")


class OrgRead(BaseModel):
    """An org as the registry holds it."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID = Field(title="编号")
    jurisdiction: str = Field(title="管辖范围")
    code: str = Field(title="编码")
    name: str = Field(title="名称")
    kind: OrgKind = Field(title="类型")
    parent_id: uuid.UUID | None = Field(title="上级组织编号")
    contact_name: str | None = Field(title="联系人")
    contact_phone: str | None = Field(title="联系电话")
    contact_email: str | None = Field(title="电子邮箱")
    leader_account: str | None = Field(default=None, title="分管县领导账号")
    designation: DepartmentDesignation | None = Field(default=None, title="部门职能")
    active: bool = Field(title="是否在巡察范围内")
    version: int = Field(title="版本号")
    created_at: datetime = Field(title="登记时间")
    updated_at: datetime = Field(title="更新时间")


OrgPage = Page[OrgRead]


class ImportRowErrorRead(BaseModel):
    row: int = Field(title="行号", description="Excel 中看到的行号（表头为第 1 行）")
    field: str = Field(title="列")
    code: str = Field(title="错误代码")
    message_zh: str = Field(title="中文说明")
    message_en: str = Field(title="English message")
    value: str | None = Field(default=None, title="原值")


class ImportReport(BaseModel):
    """The outcome of an import: all rows or none."""

    created: int = Field(title="新增")
    updated: int = Field(title="更新")
    unchanged: int = Field(title="未变")
    total: int = Field(title="总行数")
    by_kind: dict[str, int] = Field(title="按类型统计")
