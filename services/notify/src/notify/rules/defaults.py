"""The default routing rules: every event someone must act on (DOMAIN.md, Notifications).

A jurisdiction's office may replace any of them (same key), switch one off, or add its own
over REST; without that, these apply. Keys are stable: the office's overrides refer to them.
"""

from __future__ import annotations

from xuncha_shared.auth import Role

from notify.rules.spec import Audience, AudienceKind, RuleSpec


def role(r: Role) -> Audience:
    return Audience(kind=AudienceKind.role, role=r)


def org(field: str) -> Audience:
    return Audience(kind=AudienceKind.org, field=field)


def account(field: str) -> Audience:
    return Audience(kind=AudienceKind.account, field=field)


P, F, C, R = (
    "xuncha.planning.",
    "xuncha.findings.",
    "xuncha.clues.",
    "xuncha.rectification.",
)
CLUE_HOLDERS = (org("recipient_org_id"), account("keeper_account"))

DEFAULT_RULES: tuple[RuleSpec, ...] = (
    # planning: pre-inspection consultation (巡前函询)
    RuleSpec(
        key="consultation-requested",
        event_type=f"{P}consultation.requested.v1",
        description="巡前函询发给被函询部门",
        audiences=(org("department_org_id"),),
    ),
    RuleSpec(
        key="consultation-due-soon",
        event_type=f"{P}consultation.due_soon.v1",
        description="函询即将到期：提醒尚未答复的被函询部门，并告知巡察办",
        audiences=(org("department_org_id"), role(Role.office)),
    ),
    RuleSpec(
        key="consultation-overdue",
        event_type=f"{P}consultation.overdue.v1",
        description="函询逾期：提醒尚未答复的被函询部门，并告知巡察办",
        audiences=(org("department_org_id"), role(Role.office)),
    ),
    RuleSpec(
        key="consultation-chased",
        event_type=f"{P}consultation.chased.v1",
        description="巡察办催办：提醒被函询部门答复尚未答复的对象",
        audiences=(org("department_org_id"),),
    ),
    # findings
    RuleSpec(
        key="feedback-issued",
        event_type=f"{F}feedback.issued.v1",
        description="巡察反馈送达被巡察党组织，同步抄送纪委监委、组织部",
        audiences=(org("org_id"), org("copied_to_org_ids")),
    ),
    RuleSpec(
        key="problem-handed-over",
        event_type=f"{F}problem.handed_over.v1",
        description="立行立改问题移交被巡察党组织",
        audiences=(org("org_id"),),
    ),
    RuleSpec(
        key="letter-sent",
        event_type=f"{F}letter.sent.v1",
        description="提醒函、建议书、督办函送达主送单位，抄报分管领导",
        audiences=(org("addressee_org_id"), account("copy_to_accounts")),
    ),
    RuleSpec(
        key="letter-reply-overdue",
        event_type=f"{F}letter.reply_overdue.v1",
        description="函件逾期未回复：告知巡察办并催办主送单位",
        audiences=(role(Role.office), org("addressee_org_id")),
    ),
    RuleSpec(
        key="report-submitted",
        event_type=f"{F}report.submitted.v1",
        description="巡察报告提交纪委监委审核",
        audiences=(role(Role.discipline),),
    ),
    RuleSpec(
        key="public-report-forwarded",
        event_type=f"{F}public_report.triaged.v1",
        description="信访举报转办有关部门",
        conditions={"outcome": "forwarded"},
        audiences=(org("forwarded_to_org_id"),),
    ),
    RuleSpec(
        key="public-report-reply-overdue",
        event_type=f"{F}public_report.reply_overdue.v1",
        description="转办的信访举报逾期未回复",
        audiences=(org("forwarded_to_org_id"), role(Role.office)),
    ),
    # clues: only the keeper and the recipient department (confidential)
    RuleSpec(
        key="clue-transferred",
        event_type=f"{C}clue.transferred.v1",
        description="问题线索移交承办部门",
        audiences=CLUE_HOLDERS,
    ),
    RuleSpec(
        key="clue-reminder-issued",
        event_type=f"{C}clue.reminder_issued.v1",
        description="问题线索超期提醒",
        audiences=CLUE_HOLDERS,
    ),
    RuleSpec(
        key="clue-supervision-issued",
        event_type=f"{C}clue.supervision_issued.v1",
        description="问题线索督办",
        audiences=CLUE_HOLDERS,
    ),
    RuleSpec(
        key="clue-accepted",
        event_type=f"{C}clue.accepted.v1",
        description="承办部门已签收：告知线索管理人",
        audiences=(account("keeper_account"),),
    ),
    RuleSpec(
        key="clue-concluded",
        event_type=f"{C}clue.concluded.v1",
        description="问题线索已办结：告知线索管理人销号",
        audiences=(account("keeper_account"),),
    ),
    # rectification
    RuleSpec(
        key="plan-opened",
        event_type=f"{R}plan.opened.v1",
        description="整改方案已建立：被巡察党组织须按期报送",
        audiences=(org("org_id"),),
    ),
    RuleSpec(
        key="deadline-due-soon",
        event_type=f"{R}deadline.due_soon.v1",
        description="整改事项即将到期：被巡察党组织和领办领导",
        audiences=(org("org_id"), account("owner_accounts")),
    ),
    RuleSpec(
        key="deadline-overdue",
        event_type=f"{R}deadline.overdue.v1",
        description="整改事项已逾期：被巡察党组织、领办领导和巡察办",
        audiences=(org("org_id"), account("owner_accounts"), role(Role.office)),
    ),
    RuleSpec(
        key="task-reminded",
        event_type=f"{R}task.reminded.v1",
        description="巡察办或所属乡镇催办整改任务：告知被催办的被巡察党组织",
        audiences=(org("org_id"),),
    ),
    RuleSpec(
        key="task-done-claimed",
        event_type=f"{R}task.done_claimed.v1",
        description="整改任务申请销号：纪委监委、组织部验收",
        audiences=(role(Role.discipline), role(Role.organization)),
    ),
    RuleSpec(
        key="task-change-requested",
        event_type=f"{R}task.change_requested.v1",
        description="被巡察党组织提出整改任务调整申请：巡察办审批",
        audiences=(role(Role.office),),
    ),
    RuleSpec(
        key="task-change-decided",
        event_type=f"{R}task.change_decided.v1",
        description="巡察办审批了整改任务调整申请：告知提出申请的被巡察党组织",
        audiences=(org("org_id"),),
    ),
    RuleSpec(
        key="card-raised",
        event_type=f"{R}card.raised.v1",
        description="红黄牌预警：被巡察党组织、巡察办、领导小组",
        audiences=(org("org_id"), role(Role.office), role(Role.leadership)),
    ),
    RuleSpec(
        key="card-escalated",
        event_type=f"{R}card.escalated.v1",
        description="黄牌升级为红牌，安排现场督导和约谈：被巡察党组织、巡察办、领导小组",
        audiences=(org("org_id"), role(Role.office), role(Role.leadership)),
    ),
    RuleSpec(
        key="org-rated-poor",
        event_type=f"{R}org.rated.v1",
        description="整改成效最终等次为差：告知巡察办",
        conditions={"final_rating": "poor"},
        audiences=(role(Role.office),),
    ),
    RuleSpec(
        key="circular-published",
        event_type=f"{R}circular.published.v1",
        description="典型案例通报印发：本辖区全部被巡察党组织",
        audiences=(role(Role.inspected),),
    ),
    RuleSpec(
        key="revisit-recommended",
        event_type=f"{R}revisit.recommended.v1",
        description="建议开展回头看：告知巡察办",
        audiences=(role(Role.office),),
    ),
)

DEFAULTS_BY_KEY = {rule.key: rule for rule in DEFAULT_RULES}
