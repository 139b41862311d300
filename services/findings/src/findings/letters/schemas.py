"""API schemas of letters."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field
from xuncha_shared.events.findings import LetterKind
from xuncha_shared.http import Page

SERIES = {
    LetterKind.reminder: "巡提",
    LetterKind.recommendation: "巡建",
    LetterKind.supervision: "巡督",
}
TITLES_ZH = {
    LetterKind.reminder: "巡察提醒函",
    LetterKind.recommendation: "巡察建议书",
    LetterKind.supervision: "典型问题督办函",
}


class CopyTo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    account: str = Field(
        min_length=1, max_length=128, title="领导平台账号", description="令牌主体 sub"
    )
    name: str = Field(min_length=1, max_length=100, title="抄报称谓", description="如 张三同志")


class LetterCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "kind": "recommendation",
                    "addressee_org_id": "1b078946-d063-49c7-8a32-cf3975a79b73",
                    "problem_ids": [
                        "90d05435-975f-4e6e-99cd-c31b6f4e8735",
                        "a9926415-ff8c-475e-9ae4-c95846dacd8e",
                        "6ca0b545-3e36-4727-a48d-7c834e179e1f",
                    ],
                    "title": "关于加强农村低保规范管理的巡察建议书",
                    "body": [
                        "县委第九轮巡察中，巡察组在赵堡镇、祥云镇、番田镇的12个村发现低保评审"
                        "不规范问题，部分村未经民主评议直接上报，“人情保”“关系保”仍有发生。",
                        "上述问题在全县具有普遍性，反映出农村低保动态管理和日常监管存在薄弱环节。",
                    ],
                    "recommendations": [
                        "组织开展农村低保专项排查，对不符合条件的及时清退并追回资金。",
                        "健全民主评议和张榜公示制度，村干部近亲属享受低保的一律备案。",
                        "建立民政、乡镇、村三级季度抽查机制，将结果纳入乡镇年度考核。",
                    ],
                    "copy_to": [{"account": "wx-leader-liu", "name": "刘建国同志"}],
                    "copy_to_org_ids": ["9bcee300-ecba-422e-9012-9ac0021ea386"],
                    "reply_required": True,
                    "reply_workdays": 15,
                }
            ]
        },
    )

    kind: LetterKind = Field(
        title="函件类型", description="reminder 提醒函；recommendation 建议书；supervision 督办函"
    )
    addressee_org_id: uuid.UUID = Field(title="主送单位编号")
    problem_ids: list[uuid.UUID] = Field(
        min_length=1, max_length=500, title="涉及问题", description="可取共性问题某组的 problem_ids"
    )
    title: str | None = Field(
        default=None, max_length=200, title="标题", description="不填按类型生成"
    )
    body: list[str] = Field(default_factory=list, max_length=50, title="正文段落")
    recommendations: list[str] = Field(
        default_factory=list, max_length=50, title="建议事项（建议书）"
    )
    copy_to: list[CopyTo] = Field(default_factory=list, max_length=20, title="抄报分管领导")
    copy_to_org_ids: list[uuid.UUID] = Field(default_factory=list, max_length=20, title="抄送单位")
    reply_required: bool = Field(default=True, title="是否要求书面回复")
    reply_workdays: int | None = Field(
        default=None, ge=1, le=120, title="回复期限（工作日）", description="不填用本辖区设置"
    )


class LetterReplyWrite(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "text": "收到巡察建议书后，县民政局党组专题研究，制定了农村低保专项整治方案。"
                    "截至2026年12月15日，全县排查低保对象6852户，清退不符合条件的93户，"
                    "追回低保金27.6万元；已出台《温县农村低保民主评议和公示办法》，"
                    "村干部近亲属享受低保全部实行备案管理。"
                }
            ]
        },
    )

    text: str = Field(min_length=1, max_length=10_000, title="回复内容")


class LetterRead(BaseModel):
    id: uuid.UUID = Field(title="函件编号")
    kind: LetterKind = Field(title="函件类型")
    doc_number: str = Field(title="文号")
    title: str = Field(title="标题")
    addressee_org_id: uuid.UUID = Field(title="主送单位编号")
    addressee_name: str = Field(title="主送单位")
    round_id: uuid.UUID | None = Field(title="轮次编号")
    term_id: uuid.UUID | None = Field(title="届次编号")
    problem_ids: list[uuid.UUID] = Field(title="涉及问题")
    copy_to_accounts: list[str] = Field(title="抄报领导账号")
    copy_to_names: list[str] = Field(title="抄报领导")
    copy_to_org_ids: list[uuid.UUID] = Field(title="抄送单位")
    reply_due_on: date | None = Field(title="回复期限")
    reply_text: str | None = Field(title="回复内容")
    replied_at: datetime | None = Field(title="回复时间")
    sent_by: str = Field(title="发出人")
    sent_at: datetime = Field(title="发出时间")
    version: int = Field(title="版本号")


class LetterPage(Page[LetterRead]):
    pass
