"""Chinese messages from templates: one per event type, a fallback for the rest, and a link
to the record each message is about.

Templates only use the event's own fields (plus the names of orgs the event refers to, from
the org registry every service projects), so a message never says more than its event;
for clues that means ids and status only.
"""

from __future__ import annotations

import string
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from xuncha_shared.events.base import Event


@dataclass(frozen=True)
class Template:
    title: str
    body: str


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    link: str


P, F, C, R = (
    "xuncha.planning.",
    "xuncha.findings.",
    "xuncha.clues.",
    "xuncha.rectification.",
)
_CLUE = "线索编号 {clue_id}，状态：{status_zh}。详情请登录系统查看（查阅留痕）。"

TEMPLATES: Mapping[str, Template] = {
    f"{P}consultation.requested.v1": Template(
        "巡前函询：请于 {due_on} 前答复",
        "巡察办就 {org_ids_count} 个被巡察对象向{department_org_id_name}函询（{topics_zh}），"
        "请于 {due_on} 前逐一答复。",
    ),
    f"{P}consultation.due_soon.v1": Template(
        "巡前函询即将到期（{due_on}）",
        "{department_org_id_name}的巡前函询将于 {due_on} 到期，尚有 {unanswered_org_ids_count} "
        "个对象未答复（已答复 {answered_count}/{org_count}）。",
    ),
    f"{P}consultation.overdue.v1": Template(
        "巡前函询已逾期（{due_on}）",
        "{department_org_id_name}的巡前函询已于 {due_on} 到期，仍有 {unanswered_org_ids_count} "
        "个对象未答复（已答复 {answered_count}/{org_count}），请尽快答复。",
    ),
    f"{P}consultation.chased.v1": Template(
        "巡察办催办巡前函询（第 {chase_number} 次）",
        "巡察办催办{department_org_id_name}的巡前函询：尚有 {unanswered_org_ids_count} 个对象未答复"
        "（已答复 {answered_count}/{org_count}），答复截止日期 {due_on}，请尽快答复。",
    ),
    f"{F}feedback.issued.v1": Template(
        "巡察反馈已送达：{org_id_name}",
        "巡察组已向{org_id_name}反馈问题 {problems_count} 个，整改自即日起开始；"
        "同步抄送纪委监委、组织部。",
    ),
    f"{F}problem.handed_over.v1": Template(
        "立行立改问题移交：{category_name}",
        "巡察组向{org_id_name}移交立行立改问题（{category_name}）：{description}",
    ),
    f"{F}letter.sent.v1": Template(
        "{kind_zh}：{doc_number}",
        "{kind_zh}（{doc_number}）已送达{addressee_org_id_name}，涉及问题 {problem_count} 个；"
        "书面回复期限：{reply_due_on}。",
    ),
    f"{F}letter.reply_overdue.v1": Template(
        "函件逾期未回复：{doc_number}",
        "{kind_zh}（{doc_number}）的书面回复期限 {reply_due_on} 已过，{addressee_org_id_name}"
        "尚未回复。",
    ),
    f"{F}report.submitted.v1": Template(
        "巡察报告待审核",
        "巡察组提交了关于{org_id_name}的{kind_zh}，请纪委监委审核。",
    ),
    f"{F}public_report.triaged.v1": Template(
        "信访举报转办：请于 {reply_due_on} 前回复",
        "巡察组将一件信访举报转办{forwarded_to_org_id_name}，请于 {reply_due_on} 前回复办理情况。",
    ),
    f"{F}public_report.reply_overdue.v1": Template(
        "转办信访举报逾期未回复",
        "转办{forwarded_to_org_id_name}的信访举报回复期限 {reply_due_on} 已过，"
        "请尽快回复办理情况。",
    ),
    f"{C}clue.transferred.v1": Template(
        "问题线索已移交，请签收", _CLUE + "签收期限：{receipt_due_on}。"
    ),
    f"{C}clue.reminder_issued.v1": Template(
        "问题线索超期提醒（{stage_zh}）", _CLUE + "{stage_zh}期限 {due_on} 已过，已发提醒函。"
    ),
    f"{C}clue.supervision_issued.v1": Template(
        "问题线索督办（{stage_zh}）", _CLUE + "{stage_zh}期限 {due_on} 已过，已发督办函。"
    ),
    f"{C}clue.accepted.v1": Template("问题线索已签收", _CLUE),
    f"{C}clue.concluded.v1": Template("问题线索已办结，请销号", _CLUE),
    f"{R}plan.opened.v1": Template(
        "整改方案已建立：请于 {plan_due_on} 前报送",
        "{org_id_name}的整改方案已建立（整改任务 {task_count} 项），请于 {plan_due_on} 前报送，"
        "集中整改期至 {period_ends_on}。",
    ),
    f"{R}deadline.due_soon.v1": Template(
        "整改{what_zh}即将到期（{due_on}）", "{org_id_name}的整改{what_zh}将于 {due_on} 到期。"
    ),
    f"{R}deadline.overdue.v1": Template(
        "整改{what_zh}已逾期（{due_on}）",
        "{org_id_name}的整改{what_zh}已于 {due_on} 到期未完成，请抓紧整改。",
    ),
    f"{R}task.done_claimed.v1": Template(
        "整改任务申请销号，待验收", "{org_id_name}申请整改任务销号（{kind_zh}），请验收。"
    ),
    f"{R}task.reminded.v1": Template(
        "{reminder_from_zh}催办整改任务（时限 {due_on}）",
        "{reminder_from_zh}催办{org_id_name}的整改任务（{kind_zh}，时限 {due_on}）：{note}",
    ),
    f"{R}task.change_requested.v1": Template(
        "整改任务调整申请，待审批：{org_id_name}",
        "{org_id_name}申请调整整改任务（{kind_zh}，时限 {due_on}）的{fields_zh}，请审批。",
    ),
    f"{R}task.change_decided.v1": Template(
        "整改任务调整申请{outcome_zh}",
        "巡察办对{org_id_name}调整整改任务{fields_zh}的申请审批结果：{outcome_zh}。"
        "现整改类型为{kind_zh}，整改时限 {due_on}。",
    ),
    f"{R}card.raised.v1": Template(
        "整改{color_zh}预警：{org_id_name}", "{org_id_name}被发出{color_zh}预警：{reason_zh}"
    ),
    f"{R}card.escalated.v1": Template(
        "整改预警升级为红牌：{org_id_name}",
        "{org_id_name}的整改预警已升级为红牌：{reason_zh}。现场督导期限 {supervision_due_on}，"
        "约谈期限 {interview_due_on}。",
    ),
    f"{R}org.rated.v1": Template(
        "整改成效评定：{org_id_name}（{final_rating_zh}）",
        "{org_id_name}本轮整改成效最终等次为“{final_rating_zh}”；公式评定为“{rating_zh}”"
        "（{score} 分）：{explanation_zh}",
    ),
    f"{R}circular.published.v1": Template(
        "典型案例通报：{title}",
        "巡察办印发《{title}》（{doc_number}，{issued_on}），通报典型案例 {cases_count} 个，"
        "请各单位以案为鉴、认真学习。",
    ),
    f"{R}rating.judged.v1": Template(
        "量化评估组评定：{org_id_name}（{panel_rating_zh}）",
        "量化评估组{judged_on}评定{org_id_name}本轮整改成效为“{panel_rating_zh}”"
        "（公式评定为“{formula_rating_zh}”），最终等次为“{final_rating_zh}”。",
    ),
    f"{R}rating.adjusted.v1": Template(
        "整改成效等次调整：{org_id_name}（{final_rating_zh}）",
        "巡察办将{org_id_name}本轮整改成效的最终等次由“{previous_rating_zh}”调整为"
        "“{final_rating_zh}”。",
    ),
    f"{R}revisit.recommended.v1": Template(
        "建议开展回头看：{org_id_name}", "建议对{org_id_name}开展巡察“回头看”：{reason_zh}"
    ),
}
FALLBACK = Template("{title_zh}", "{title_zh}（事项编号 {subject}）。")

LABELS: Mapping[str, Mapping[str, str]] = {
    "kind": {
        "reminder": "巡察提醒函",
        "recommendation": "巡察建议书",
        "supervision": "典型问题督办函",
        "assignment": "巡察报告",
        "comprehensive": "综合报告",
        "immediate": "立行立改",
        "short": "限期整改",
        "long": "长期坚持",
    },
    "what": {"plan": "方案", "task": "任务", "report": "报告"},
    "fields": {"kind": "整改类型", "due_on": "整改时限", "measures": "整改措施"},
    "outcome": {"approved": "同意", "rejected": "不同意"},
    "color": {"yellow": "黄牌", "red": "红牌"},
    "rating": {"good": "好", "fair": "中", "poor": "差"},
    "final_rating": {"good": "好", "fair": "中", "poor": "差"},
    "panel_rating": {"good": "好", "fair": "中", "poor": "差"},
    "previous_rating": {"good": "好", "fair": "中", "poor": "差"},
    "formula_rating": {"good": "好", "fair": "中", "poor": "差"},
    "stage": {
        "transfer": "审核后移交",
        "receipt": "移交后签收",
        "first_progress": "签收后首次报告进展",
        "conclusion": "签收后办结",
    },
    "status": {
        "draft": "草稿",
        "reviewed": "已会商研判",
        "returned": "已退回",
        "transferred": "已移交",
        "accepted": "已签收",
        "handling": "办理中",
        "concluded": "已办结",
        "closed": "已销号",
    },
    "topics": {
        "discipline_reports": "信访举报",
        "clues": "问题线索",
        "political_ecology": "政治生态",
        "cadre_selection": "选人用人",
        "appointments": "干部任免",
        "audit": "审计情况",
        "petitions": "群众信访",
        "public_security": "涉黑涉恶及违法犯罪",
        "ideology": "意识形态",
    },
}

# Where the record lives, by the aggregate (third segment of the type).
LINKS: Mapping[str, str] = {
    "planning.consultation": "/api/planning/consultations/{consultation_id}",
    "planning.round": "/api/planning/rounds/{round_id}",
    "planning.term": "/api/planning/terms/{term_id}",
    "planning.org": "/api/planning/orgs/{org_id}",
    "planning.group": "/api/planning/rounds/{round_id}",
    "planning.assignment": "/api/planning/rounds/{round_id}",
    "findings.problem": "/api/findings/problems/{problem_id}",
    "findings.public_report": "/api/findings/public-reports/{report_id}",
    "findings.letter": "/api/findings/letters/{letter_id}",
    "findings.report": "/api/findings/reports/{report_id}",
    "findings.feedback": "/api/findings/assignments/{assignment_id}/feedback",
    "clues.clue": "/api/clues/clues/{clue_id}",
    "rectification.plan": "/api/rectification/plans/{plan_id}",
    "rectification.deadline": "/api/rectification/plans/{plan_id}",
    "rectification.task": "/api/rectification/tasks/{task_id}",
    "rectification.card": "/api/rectification/cards/{card_id}",
    "rectification.org": "/api/rectification/plans/{plan_id}",
    "rectification.revisit": "/api/rectification/plans/{plan_id}",
    "rectification.rating": "/api/rectification/plans/{plan_id}/rating",
    "rectification.circular": "/api/rectification/circulars/{circular_id}",
    "rectification.report": "/api/rectification/plans/{plan_id}",
    "rectification.institution": "/api/rectification/tasks/{task_id}",
}
FALLBACK_LINK = "/dashboard/inbox?event_id={event_id}"


class _Context(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "—"


def _text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, list | tuple):
        return "、".join(_text(v) for v in value) or "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def context(
    event: Event, data: Mapping[str, Any], org_names: Mapping[uuid.UUID, str], event_id: uuid.UUID
) -> dict[str, str]:
    """Template values: every field as text, ``<field>_count`` for lists, ``<field>_zh`` for
    coded values, ``<field>_name`` for org ids found in the org registry."""
    ctx = _Context(title_zh=type(event).title_zh, subject=event.subject, event_id=str(event_id))
    for name, value in data.items():
        ctx[name] = _text(value)
        if isinstance(value, list):
            ctx[f"{name}_count"] = str(len(value))
        labels = LABELS.get(name)
        if labels is not None:
            if isinstance(value, list):
                ctx[f"{name}_zh"] = "、".join(labels.get(str(v), str(v)) for v in value)
            else:
                ctx[f"{name}_zh"] = labels.get(str(value), _text(value))
        if name.endswith("org_id") and value is not None:
            try:
                ctx[f"{name}_name"] = org_names.get(uuid.UUID(str(value)), "有关单位")
            except ValueError:
                ctx[f"{name}_name"] = "有关单位"
        elif name.endswith("org_id"):
            ctx[f"{name}_name"] = "有关单位"
    return ctx


def _fill(template: str, ctx: Mapping[str, str]) -> str:
    try:
        return string.Formatter().vformat(template, (), ctx)
    except (ValueError, IndexError, KeyError, AttributeError):
        return template


def render(
    event: Event, data: Mapping[str, Any], org_names: Mapping[uuid.UUID, str], event_id: uuid.UUID
) -> Message:
    """The message about ``event``, with the link to its record."""
    ctx = context(event, data, org_names, event_id)
    template = TEMPLATES.get(event.type, FALLBACK)
    aggregate = ".".join(event.type.split(".")[1:3])
    link = LINKS.get(aggregate, FALLBACK_LINK)
    filled = _fill(link, ctx)
    if "—" in filled:
        filled = _fill(FALLBACK_LINK, ctx)
    return Message(title=_fill(template.title, ctx), body=_fill(template.body, ctx), link=filled)


def org_ids_in(data: Mapping[str, Any]) -> list[uuid.UUID]:
    """The org ids an event's data names (fields ending in ``org_id``)."""
    out: list[uuid.UUID] = []
    for name, value in data.items():
        if name.endswith("org_id") and value is not None:
            try:
                out.append(uuid.UUID(str(value)))
            except ValueError:
                continue
    return out
