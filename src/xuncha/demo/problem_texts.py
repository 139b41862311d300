"""What the demo's groups find (巡察发现): invented but plausible problems per category and
org kind, in the words of a county's inspection reports, deterministic for a seed.

Each template has ``{n}`` (a count) and, where money is involved, ``{amount}`` (yuan); the
same template found in several villages makes the common problems (共性问题) the office
writes its recommendation letters about.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from planning.domain import OrgKind

__all__ = ["PlannedProblem", "plan_problems"]


@dataclass(frozen=True)
class _Template:
    text: str
    money: tuple[int, int] | None = None
    """Range of the amount in yuan, when the problem involves money."""
    livelihood: bool = False
    found_by: tuple[str, ...] = ("records",)
    people: tuple[str, ...] = ()


T = _Template
_TEMPLATES: dict[str, tuple[_Template, ...]] = {
    "village_assets": (
        T(
            "村集体资金支出审批不规范，{n}笔共{amount}元支出未经“四议两公开”程序",
            (8_000, 160_000),
            people=("村报账员",),
        ),
        T("集体资产底数不清，{n}处集体房屋、坑塘未登记入账", found_by=("records", "visit")),
        T(
            "集体土地发包不规范，{n}份承包合同未经村民代表会议表决，承包费{amount}元未按期收缴",
            (5_000, 90_000),
        ),
        T(
            "村级财务票据不规范，{n}张白条入账，涉及金额{amount}元",
            (2_000, 40_000),
            people=("村报账员",),
        ),
        T("村务公开不及时，财务收支连续{n}个季度未公开", found_by=("visit", "interview")),
    ),
    "benefit_policies": (
        T(
            "低保评审程序不规范，{n}户低保对象未经民主评议直接上报",
            livelihood=True,
            found_by=("records", "visit"),
        ),
        T(
            "存在“人情保”“关系保”问题，{n}名村干部近亲属违规享受低保，涉及资金{amount}元",
            (6_000, 48_000),
            livelihood=True,
            found_by=("visit", "interview"),
            people=("村委会委员",),
        ),
        T(
            "高龄补贴发放不及时，{n}名老人补贴拖欠三个月以上，涉及金额{amount}元",
            (1_000, 12_000),
            livelihood=True,
            found_by=("visit",),
        ),
        T(
            "耕地地力保护补贴面积核定不准，多报面积{n}亩，涉及补贴{amount}元",
            (1_500, 30_000),
            livelihood=True,
        ),
        T(
            "危房改造对象认定把关不严，{n}户不符合条件的农户获得补助{amount}元",
            (10_000, 80_000),
            livelihood=True,
            found_by=("visit", "records"),
        ),
    ),
    "living_environment": (
        T(
            "人居环境整治不彻底，村内{n}处垃圾堆放点长期未清理",
            livelihood=True,
            found_by=("visit",),
        ),
        T(
            "“厕所革命”后续管护不到位，{n}户改厕设施无法正常使用",
            livelihood=True,
            found_by=("visit", "questionnaire"),
        ),
        T(
            "坑塘治理流于形式，{n}处坑塘污水淤积、群众反映强烈",
            livelihood=True,
            found_by=("visit", "petition"),
        ),
    ),
    "party_building": (
        T("“三会一课”制度落实不到位，{n}次支部党员大会无会议记录", found_by=("records",)),
        T("发展党员程序不规范，{n}名发展对象政治审查材料缺失", found_by=("records",)),
        T("党费收缴不规范，{n}名党员党费未按时足额缴纳", found_by=("records",)),
        T(
            "组织生活会质量不高，{n}名班子成员对照检查材料雷同，批评与自我批评辣味不足",
            found_by=("records", "democratic_appraisal"),
        ),
    ),
    "four_winds": (
        T(
            "公务接待超标准，{n}次接待超标准、超人数，涉及金额{amount}元",
            (3_000, 36_000),
            found_by=("records",),
        ),
        T(
            "违规发放津补贴，向干部发放误工补贴{amount}元，涉及{n}人",
            (4_000, 60_000),
            people=("党支部书记",),
        ),
        T("公务用车管理不规范，{n}次公车私用未登记", found_by=("records", "interview")),
        T("文山会海问题仍然存在，一年内以会议落实会议{n}次", found_by=("records", "questionnaire")),
        T(
            "作风不实，{n}名干部上班时间脱岗，群众办事“门难进、脸难看”",
            found_by=("visit", "evening_talk"),
        ),
    ),
    "strict_governance": (
        T("主体责任落实不到位，党组织书记对班子成员提醒谈话流于形式，全年仅{n}次"),
        T("“第一种形态”运用不充分，{n}起苗头性问题未及时谈话提醒", found_by=("interview",)),
        T("廉政风险防控措施不健全，{n}个重点岗位人员长期未轮岗"),
    ),
    "party_leadership": (
        T(
            "贯彻落实党中央决策部署不到位，乡村振兴重点任务{n}项推进缓慢",
            found_by=("records", "interview"),
        ),
        T("“第一议题”制度落实不到位，{n}次班子会议未传达学习上级精神"),
    ),
    "cadre_selection": (
        T(
            "选人用人程序不规范，{n}名干部提拔前未经民主推荐",
            found_by=("records", "democratic_appraisal"),
        ),
        T("干部人事档案管理不规范，{n}份档案“三龄两历”信息前后不一致"),
        T("违规借调下属单位人员{n}名，长期在机关上班", found_by=("records", "interview")),
    ),
    "ideology": (
        T("意识形态工作责任制落实不到位，全年仅{n}次专题研究意识形态工作"),
        T("网络阵地管理不严，单位微信公众号{n}条信息未经审核发布"),
    ),
    "other": (
        T("财务管理不规范，{n}笔专项资金未专款专用，涉及金额{amount}元", (50_000, 900_000)),
        T("政府采购不规范，{n}个项目化整为零规避公开招标，涉及金额{amount}元", (80_000, 1_200_000)),
        T("固定资产管理混乱，{n}件资产账实不符", found_by=("records", "visit")),
    ),
}
_GRASSROOTS_MIX = (
    ("village_assets", 5),
    ("benefit_policies", 4),
    ("living_environment", 2),
    ("party_building", 2),
    ("four_winds", 2),
    ("strict_governance", 1),
    ("party_leadership", 1),
)
_TOWNSHIP_MIX = (
    ("party_leadership", 2),
    ("strict_governance", 2),
    ("party_building", 2),
    ("four_winds", 2),
    ("village_assets", 2),
    ("benefit_policies", 1),
    ("cadre_selection", 1),
    ("ideology", 1),
)
_DEPARTMENT_MIX = (
    ("party_leadership", 2),
    ("strict_governance", 2),
    ("party_building", 2),
    ("four_winds", 2),
    ("cadre_selection", 2),
    ("ideology", 1),
    ("other", 2),
)


@dataclass(frozen=True)
class PlannedProblem:
    """One problem a group records, as the request body of ``POST /problems/batch``."""

    category: str
    description: str
    found_by: str
    immediate: bool
    livelihood: bool
    amount_yuan: str | None
    people_involved: tuple[str, ...]

    def body(self) -> dict[str, object]:
        body: dict[str, object] = {
            "category": self.category,
            "description": self.description,
            "found_by": self.found_by,
            "immediate": self.immediate,
            "livelihood": self.livelihood,
            "people_involved": list(self.people_involved),
        }
        if self.amount_yuan is not None:
            body["amount_yuan"] = self.amount_yuan
        return body


def _mix(kind: OrgKind) -> tuple[tuple[str, int], ...]:
    if kind in (OrgKind.village, OrgKind.community):
        return _GRASSROOTS_MIX
    if kind == OrgKind.township:
        return _TOWNSHIP_MIX
    return _DEPARTMENT_MIX


def plan_problems(
    seed: int, round_number: int, org_code: str, kind: OrgKind
) -> list[PlannedProblem]:
    """The 6–10 problems a group finds in one org in one round. In a village or community
    all but at most one are rectified on the spot (立行立改, as in 温县: over 80 %); in a
    township or department about a third."""
    rng = random.Random(f"demo-problems-{seed}-{round_number}-{org_code}")
    count = rng.randint(6, 10)
    grassroots = kind in (OrgKind.village, OrgKind.community)
    categories, weights = zip(*_mix(kind), strict=True)
    slow = rng.randrange(count) if grassroots and rng.random() < 0.7 else -1
    used: set[str] = set()
    out: list[PlannedProblem] = []
    for i in range(count):
        category = rng.choices(categories, weights)[0]
        options = [t for t in _TEMPLATES[category] if t.text not in used] or list(
            _TEMPLATES[category]
        )
        template = rng.choice(options)
        used.add(template.text)
        amount = None
        if template.money is not None:
            low, high = template.money
            amount = Decimal(rng.randint(low * 100, high * 100)) / 100
        text = template.text.format(n=rng.randint(2, 12), amount=f"{amount:,.2f}" if amount else "")
        immediate = i != slow if grassroots else rng.random() < 0.35
        out.append(
            PlannedProblem(
                category=category,
                description=text,
                found_by=rng.choice(template.found_by),
                immediate=immediate,
                livelihood=template.livelihood,
                amount_yuan=f"{amount:.2f}" if amount is not None else None,
                people_involved=template.people,
            )
        )
    return out
