"""Events produced by the planning service (topic ``xuncha.planning.v1``)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from xuncha_shared.events.base import Event, events_in
from xuncha_shared.orgs import OrgKind


class OrgSnapshot(Event):
    """The registry's view of an org, as other services project it."""

    subject_field: ClassVar[str] = "org_id"

    org_id: uuid.UUID = Field(title="被巡察对象编号")
    code: str = Field(title="编码")
    name: str = Field(title="名称")
    kind: OrgKind = Field(title="类型")
    parent_id: uuid.UUID | None = Field(default=None, title="上级组织编号")
    version: int = Field(ge=1, title="版本号", description="每次变更加一；投影只接受更新的版本")
    active: bool = Field(default=True, title="是否在巡察范围内")
    leader_account: str | None = Field(
        default=None,
        title="分管县领导账号",
        description="分管该单位的县领导的平台账号（令牌主体 sub）；未设置时为空",
    )


class OrgRegistered(OrgSnapshot):
    """An org entered the registry of orgs in scope (被巡察对象库)."""

    type: ClassVar[str] = "xuncha.planning.org.registered.v1"
    title_zh: ClassVar[str] = "被巡察对象已登记"


class OrgUpdated(OrgSnapshot):
    """An org's name, kind, parent or scope changed; carries the whole new snapshot."""

    type: ClassVar[str] = "xuncha.planning.org.updated.v1"
    title_zh: ClassVar[str] = "被巡察对象已变更"


class HolidayCalendarPublished(Event):
    """The office saved its holiday calendar for one year (节假日安排): the whole year's days
    off and make-up working days, which replace the official data for that year in every
    working-day deadline of the jurisdiction.

    Carries the complete year, not a change: a consumer keeps the highest ``version`` per
    jurisdiction and year. A working day is Monday to Friday unless listed in ``holidays``,
    or any day listed in ``workdays``.
    """

    type: ClassVar[str] = "xuncha.planning.holiday_calendar.published.v1"
    subject_field: ClassVar[str] = "calendar_id"
    title_zh: ClassVar[str] = "节假日安排已发布"

    calendar_id: str = Field(
        min_length=1,
        title="日历编号",
        description="<管辖范围>:<年份>，如 410825:2027 / <jurisdiction>:<year>",
    )
    year: int = Field(ge=1, le=9999, title="年份")
    holidays: tuple[date, ...] = Field(
        title="节假日",
        description="放假的日期（含调休形成的连休），按日期排序 / Days off, sorted",
    )
    workdays: tuple[date, ...] = Field(
        title="调休上班日",
        description="周末调休上班的日期，按日期排序 / Make-up working days, sorted",
    )
    version: int = Field(ge=1, title="版本号", description="每次保存加一；投影只接受更新的版本")


class RoundStatus(StrEnum):
    """Where a round stands: planned → mobilized (动员部署) → on_site (进驻) → reporting (报告)
    → feedback (反馈) → rectifying (整改) → closed. A round moves one stage at a time."""

    planned = "planned"
    mobilized = "mobilized"
    on_site = "on_site"
    reporting = "reporting"
    feedback = "feedback"
    rectifying = "rectifying"
    closed = "closed"


class RoundMode(StrEnum):
    """How a round inspects (DOMAIN.md, Planning)."""

    regular = "regular"
    special = "special"
    mobile = "mobile"
    revisit = "revisit"
    escalated = "escalated"
    cross = "cross"
    joint = "joint"


class TermSnapshot(Event):
    """A committee's term (届) as planning holds it."""

    subject_field: ClassVar[str] = "term_id"

    term_id: uuid.UUID = Field(title="届次编号")
    name: str = Field(title="名称", description="如 十三届县委")
    starts_on: date = Field(title="起始日期")
    ends_on: date = Field(title="结束日期")
    planned_rounds: int = Field(ge=1, title="计划轮数")
    orgs_in_scope: int = Field(ge=0, title="应巡对象数")
    version: int = Field(ge=1, title="版本号", description="每次变更加一；投影只接受更新的版本")


class TermOpened(TermSnapshot):
    """The office opened a term's inspection plan (全覆盖规划) with its orgs in scope."""

    type: ClassVar[str] = "xuncha.planning.term.opened.v1"
    title_zh: ClassVar[str] = "届期巡察规划已建立"


class TermUpdated(TermSnapshot):
    """A term's name, dates or planned number of rounds changed; carries the whole term."""

    type: ClassVar[str] = "xuncha.planning.term.updated.v1"
    title_zh: ClassVar[str] = "届期巡察规划已调整"


class TermScopeChanged(Event):
    """Orgs were added to or removed from a term's scope (应巡对象)."""

    type: ClassVar[str] = "xuncha.planning.term.scope_changed.v1"
    subject_field: ClassVar[str] = "term_id"
    title_zh: ClassVar[str] = "应巡对象范围已调整"

    term_id: uuid.UUID = Field(title="届次编号")
    added_org_ids: tuple[uuid.UUID, ...] = Field(default=(), title="新增的被巡察对象")
    removed_org_ids: tuple[uuid.UUID, ...] = Field(default=(), title="移出的被巡察对象")
    orgs_in_scope: int = Field(ge=0, title="调整后的应巡对象数")


class CoverageReached(Event):
    """Every org in a term's scope has been inspected up to feedback (全覆盖). Emitted once
    per term, at the change that first makes coverage 100 %: usually a round reaching
    feedback (``round_id`` set), or the last uncovered org leaving the scope (no round)."""

    type: ClassVar[str] = "xuncha.planning.term.coverage_reached.v1"
    subject_field: ClassVar[str] = "term_id"
    title_zh: ClassVar[str] = "已实现巡察全覆盖"

    term_id: uuid.UUID = Field(title="届次编号")
    name: str = Field(title="届次名称")
    orgs_in_scope: int = Field(ge=1, title="应巡对象数（均已巡察）")
    rounds_held: int = Field(ge=0, title="已开展轮数", description="已到反馈阶段的轮次")
    planned_rounds: int = Field(ge=1, title="计划轮数")
    round_id: uuid.UUID | None = Field(
        default=None, title="完成全覆盖的轮次编号", description="因调整范围而达成时为空"
    )


class RoundSnapshot(Event):
    """A round (轮次) as planning holds it."""

    subject_field: ClassVar[str] = "round_id"

    round_id: uuid.UUID = Field(title="轮次编号")
    term_id: uuid.UUID = Field(title="届次编号")
    number: int = Field(ge=1, title="轮次序号", description="届内第几轮")
    name: str = Field(title="名称")
    mode: RoundMode = Field(title="巡察方式")
    theme: str | None = Field(default=None, title="专项主题")
    focus_checklist: tuple[str, ...] = Field(default=(), title="巡察重点清单")
    inspecting_jurisdiction: str | None = Field(
        default=None, title="派出巡察组的党委", description="提级、交叉巡察时为另一党委的代码"
    )
    status: RoundStatus = Field(title="阶段")
    on_site_from: date = Field(title="进驻日期")
    on_site_until: date = Field(title="撤离日期")
    version: int = Field(ge=1, title="版本号", description="每次变更加一；投影只接受更新的版本")


class RoundScheduled(RoundSnapshot):
    """The office put a round into a term's plan (status ``planned``)."""

    type: ClassVar[str] = "xuncha.planning.round.scheduled.v1"
    title_zh: ClassVar[str] = "巡察轮次已安排"


class RoundUpdated(RoundSnapshot):
    """A planned round's name, mode, theme, checklist or on-site dates changed."""

    type: ClassVar[str] = "xuncha.planning.round.updated.v1"
    title_zh: ClassVar[str] = "巡察轮次计划已调整"


class RoundAdvanced(RoundSnapshot):
    """A round moved to the next stage of its lifecycle (``status`` is ``to_status``).

    One event type for every stage, so a consumer filters on ``to_status`` (findings and
    rectification wait for ``feedback``, notify for ``mobilized``) and keeps a projection of
    rounds from the snapshot alone.
    """

    type: ClassVar[str] = "xuncha.planning.round.advanced.v1"
    title_zh: ClassVar[str] = "巡察轮次已进入下一阶段"

    from_status: RoundStatus = Field(title="原阶段")
    to_status: RoundStatus = Field(title="新阶段")


class ConsultationTopic(StrEnum):
    """What a pre-inspection consultation asks a department about (函询事项, 001, 002)."""

    discipline_reports = "discipline_reports"  # 信访举报（纪检监察）
    clues = "clues"  # 问题线索
    political_ecology = "political_ecology"  # 政治生态
    cadre_selection = "cadre_selection"  # 选人用人
    appointments = "appointments"  # 干部任免
    audit = "audit"  # 审计情况
    petitions = "petitions"  # 群众信访
    public_security = "public_security"  # 涉黑涉恶及违法犯罪
    ideology = "ideology"  # 意识形态


class ConsultationSeverity(StrEnum):
    """A department's judgement of one org in its answer (函询结论)."""

    none = "none"  # 未发现问题
    minor = "minor"  # 存在一般问题
    serious = "serious"  # 问题突出


class ConsultationEvent(Event):
    """A pre-inspection consultation (巡前函询): one request from the office to one
    department about the orgs of a round. Message key: the consultation id."""

    subject_field: ClassVar[str] = "consultation_id"

    consultation_id: uuid.UUID = Field(title="函询编号")
    round_id: uuid.UUID = Field(title="轮次编号")
    department_org_id: uuid.UUID = Field(title="被函询部门编号")


class ConsultationRequested(ConsultationEvent):
    """The office asked a department about orgs to be inspected, with a reply deadline in
    working days; the department's system should answer per org over REST."""

    type: ClassVar[str] = "xuncha.planning.consultation.requested.v1"
    title_zh: ClassVar[str] = "巡前函询已发出"

    org_ids: tuple[uuid.UUID, ...] = Field(title="被巡察对象编号", description="至少一个")
    topics: tuple[ConsultationTopic, ...] = Field(title="函询事项", description="至少一项")
    reply_workdays: int = Field(ge=1, title="答复期限（工作日）")
    due_on: date = Field(title="答复截止日期")
    deadline_at: datetime = Field(
        title="答复截止时间", description="截止日当天结束（北京时间）/ End of the due day, Beijing"
    )


class ConsultationAnswered(ConsultationEvent):
    """A department answered (or corrected its answer) about one org. Carries the severity
    only: the text and figures are read over REST by those entitled."""

    type: ClassVar[str] = "xuncha.planning.consultation.answered.v1"
    title_zh: ClassVar[str] = "巡前函询已答复"

    org_id: uuid.UUID = Field(title="被巡察对象编号")
    severity: ConsultationSeverity = Field(title="问题程度")
    revision: int = Field(ge=1, title="答复版本", description="首次答复为 1，每次更正加一")
    answered_count: int = Field(ge=0, title="已答复对象数")
    org_count: int = Field(ge=1, title="函询对象数")
    all_answered: bool = Field(title="是否已全部答复")


class ConsultationReminder(ConsultationEvent):
    """Where an unfinished consultation stands against its deadline."""

    due_on: date = Field(title="答复截止日期")
    deadline_at: datetime = Field(title="答复截止时间")
    unanswered_org_ids: tuple[uuid.UUID, ...] = Field(title="尚未答复的对象编号")
    answered_count: int = Field(ge=0, title="已答复对象数")
    org_count: int = Field(ge=1, title="函询对象数")


class ConsultationDueSoon(ConsultationReminder):
    """A consultation's deadline is near (by default one working day) and some orgs are
    still unanswered. Emitted once per consultation and deadline."""

    type: ClassVar[str] = "xuncha.planning.consultation.due_soon.v1"
    title_zh: ClassVar[str] = "巡前函询即将到期"


class ConsultationOverdue(ConsultationReminder):
    """A consultation's deadline passed with some orgs unanswered. Emitted once per
    consultation and deadline (again only if the office extends it and it passes again)."""

    type: ClassVar[str] = "xuncha.planning.consultation.overdue.v1"
    title_zh: ClassVar[str] = "巡前函询已逾期"


class ConsultationChased(ConsultationReminder):
    """The office chased a department (催办) for the orgs it has not answered yet, before or
    after the deadline; each chase is one event."""

    type: ClassVar[str] = "xuncha.planning.consultation.chased.v1"
    title_zh: ClassVar[str] = "巡前函询催办"

    chase_number: int = Field(ge=1, title="第几次催办")


class ConsultationDeadlineExtended(ConsultationEvent):
    """The office gave a department more time to answer."""

    type: ClassVar[str] = "xuncha.planning.consultation.deadline_extended.v1"
    title_zh: ClassVar[str] = "巡前函询已延期"

    previous_due_on: date = Field(title="原截止日期")
    due_on: date = Field(title="新截止日期")
    deadline_at: datetime = Field(title="新截止时间")


class ConsultationClosed(ConsultationEvent):
    """The office closed a consultation: answers are final and no reminder follows."""

    type: ClassVar[str] = "xuncha.planning.consultation.closed.v1"
    title_zh: ClassVar[str] = "巡前函询已办结"

    answered_count: int = Field(ge=0, title="已答复对象数")
    org_count: int = Field(ge=1, title="函询对象数")
    unanswered_org_ids: tuple[uuid.UUID, ...] = Field(title="未答复的对象编号")


class VillageClass(StrEnum):
    """A village's class from "four quantitative, one qualitative" (四定量一定性, 000); the
    class decides how the village is inspected (see :class:`VillageApproach`)."""

    key = "key"  # 重点村 → 直接巡
    general = "general"  # 一般村 → 延伸巡（巡乡带村）
    advanced = "advanced"  # 先进村 → 调研巡（巡乡带村）


class VillageApproach(StrEnum):
    """How a village is inspected (巡察方式, 000): ``direct`` 直接巡 for key villages,
    ``extended`` 延伸巡 (巡乡带村, with its township) for general ones, ``research`` 调研巡
    (巡乡带村) for advanced ones."""

    direct = "direct"
    extended = "extended"
    research = "research"


class VillageClassified(Event):
    """The committee approved (党委审定) a village's class for a term: the last of the five
    steps (乡镇提名 → 巡察办实地调研 → 相关部门意见 → 领导小组调整 → 党委审定, 001), the only one
    that fixes the class. Emitted once per village and term. Carries the score and the
    classes, never the indicators or the steps' notes (read over REST by those entitled)."""

    type: ClassVar[str] = "xuncha.planning.village.classified.v1"
    subject_field: ClassVar[str] = "classification_id"
    title_zh: ClassVar[str] = "村分类已审定"

    classification_id: uuid.UUID = Field(title="村分类编号")
    term_id: uuid.UUID = Field(title="届次编号")
    village_id: uuid.UUID = Field(title="村（社区）编号")
    township_id: uuid.UUID | None = Field(default=None, title="所属乡镇（街道）编号")
    village_class: VillageClass = Field(title="审定类别")
    approach: VillageApproach = Field(title="巡察方式")
    score: float = Field(ge=0, le=100, title="得分", description="风险得分，0–100，越高越需直接巡")
    scored_class: VillageClass = Field(
        title="测算类别",
        description="按得分和定性评价测算的类别；与审定类别不同说明经过调整",
    )
    approved_at: datetime = Field(title="审定时间")


class GroupRole(StrEnum):
    """A member's place in an inspection group."""

    leader = "leader"  # 组长
    deputy = "deputy"  # 副组长
    member = "member"  # 组员


class GroupMemberInfo(BaseModel):
    """A member of a group as events carry it: no phone, no unit, no personal data beyond
    the name and the platform account (so services can tell a member's requests apart)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    cadre_id: uuid.UUID = Field(title="人才库人员编号")
    name: str = Field(title="姓名")
    role: GroupRole = Field(title="组内职务")
    account: str | None = Field(default=None, title="平台账号", description="令牌主体 sub")


class GroupEvent(Event):
    """An inspection group (巡察组) of a round. Message key: the round id, so a consumer
    sees a round's groups, assignments and stages in order."""

    subject_field: ClassVar[str] = "round_id"

    round_id: uuid.UUID = Field(title="轮次编号")
    group_id: uuid.UUID = Field(title="巡察组编号")
    name: str = Field(title="组名", description="如 第一巡察组")
    inspecting_jurisdiction: str = Field(title="派出巡察组的党委")
    source_jurisdiction: str | None = Field(
        default=None, title="组员来源地区", description="交叉巡察时组员所属的地区，否则为空"
    )
    members: tuple[GroupMemberInfo, ...] = Field(title="组员（变更后）")
    version: int = Field(ge=1, title="版本号", description="每次变更加一；投影只接受更新的版本")


class GroupFormed(GroupEvent):
    """The office formed an inspection group for a round from its talent pool, with a
    leader (组长), deputies (副组长) and members."""

    type: ClassVar[str] = "xuncha.planning.group.formed.v1"
    title_zh: ClassVar[str] = "巡察组已组建"


class GroupMembershipChanged(GroupEvent):
    """A member joined or left a group, or changed role; ``members`` is the whole group
    after the change. Appointing a new leader makes the previous one a member."""

    type: ClassVar[str] = "xuncha.planning.group.membership_changed.v1"
    title_zh: ClassVar[str] = "巡察组成员已调整"

    change: Literal["added", "removed", "role_changed"] = Field(title="变更类型")
    cadre_id: uuid.UUID = Field(title="变更的人员编号")
    role: GroupRole | None = Field(default=None, title="现职务", description="移出时为空")
    previous_role: GroupRole | None = Field(default=None, title="原职务", description="加入时为空")


class AssignmentEvent(Event):
    """A task of a round: one group inspects one org (巡察任务). Message key: the round id."""

    subject_field: ClassVar[str] = "round_id"

    round_id: uuid.UUID = Field(title="轮次编号")
    assignment_id: uuid.UUID = Field(title="巡察任务编号")
    group_id: uuid.UUID = Field(title="巡察组编号")
    org_id: uuid.UUID = Field(title="被巡察对象编号")
    org_kind: OrgKind = Field(title="被巡察对象类型")
    org_jurisdiction: str = Field(
        title="被巡察对象所属党委", description="提级、交叉巡察时与轮次的党委不同"
    )
    inspecting_jurisdiction: str = Field(title="派出巡察组的党委")
    approach: VillageApproach | None = Field(
        default=None, title="巡察方式", description="仅村（社区）有：直接巡、延伸巡、调研巡"
    )


class AssignmentMade(AssignmentEvent):
    """The office assigned an org to a group for a round, after the avoidance check (回避审查)
    passed for every member of the group."""

    type: ClassVar[str] = "xuncha.planning.assignment.made.v1"
    title_zh: ClassVar[str] = "巡察任务已分配"


class AssignmentWithdrawn(AssignmentEvent):
    """The office took an org back from a group before the round's report stage."""

    type: ClassVar[str] = "xuncha.planning.assignment.withdrawn.v1"
    title_zh: ClassVar[str] = "巡察任务已撤回"


# Keep last: every event class above is in the catalog.
EVENTS: tuple[type[Event], ...] = events_in(__name__, globals())
