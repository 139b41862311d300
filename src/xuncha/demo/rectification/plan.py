"""Rectification in the demo, planned from the county alone (no platform): how many tasks
each org gets, what becomes of each, which org gets a red card, which orgs finish, how many
institutions each builds, and which county leader owns each org's tasks."""

from __future__ import annotations

import random

from planning.domain import OrgKind
from xuncha_shared.events.planning import RoundStatus

from xuncha.demo.county import GRASSROOTS, DemoCounty, RoundPlan
from xuncha.demo.findings.public_reports import public_report_plan
from xuncha.demo.problem_texts import plan_problems

LEADERS: dict[str, tuple[str, str]] = {
    "grassroots": ("demo.leader", "李卫东"),
    "township": ("demo.leader.zhou", "周振华"),
    "department": ("demo.leader.han", "韩立民"),
}
"""The county leaders who own (领办) the tasks, by kind of org: account and name."""
ACCEPTED, REJECTED_ONCE, CLAIMED, OPEN, RED = (
    "accepted",
    "rejected_once",
    "claimed",
    "open",
    "red",
)
"""What becomes of a task: accepted; rejected once, then accepted; claimed done and
awaiting acceptance; open with progress reported; rejected twice and open again (red)."""


def sector(kind: OrgKind) -> str:
    """Grassroots, township or department: how leaders, measures and institutions are chosen."""
    if kind in GRASSROOTS:
        return "grassroots"
    return "township" if kind == OrgKind.township else "department"


def task_counts(county: DemoCounty, plan: RoundPlan) -> dict[str, int]:
    """Tasks per org code: one per problem fed back, those found from public reports too."""
    by_code = county.by_code()
    counts = {
        code: len(plan_problems(county.seed, plan.number, code, by_code[code].kind))
        for code in plan.org_codes
    }
    for report in public_report_plan(county, plan):
        if report.outcome == "problem":
            counts[report.org_code] += 1
    return counts


def red_org(county: DemoCounty, plan: RoundPlan) -> str | None:
    """The org of the rectifying round whose task is rejected twice (a red card)."""
    if plan.target != RoundStatus.rectifying.value:
        return None
    by_code = county.by_code()
    return next(
        (c for c in plan.org_codes if by_code[c].kind == OrgKind.department), plan.org_codes[0]
    )


def _pace(county: DemoCounty, plan: RoundPlan, code: str) -> str:
    """How far an org of the rectifying round has got: finished, most or half."""
    if code == red_org(county, plan):
        return "half"
    if code == plan.org_codes[-1]:  # at least one org is done already
        return "finished"
    rng = random.Random(f"demo-pace-{county.seed}-{plan.number}-{code}")
    return rng.choices(["finished", "most", "half"], [0.4, 0.4, 0.2])[0]


def task_outcomes(county: DemoCounty, plan: RoundPlan, code: str, n: int) -> list[str]:
    """What becomes of each of an org's ``n`` tasks (in the order of their descriptions)."""
    rng = random.Random(f"demo-rect-{county.seed}-{plan.number}-{code}")
    out = [ACCEPTED] * n
    if n == 0:
        return out
    if rng.random() < 0.5:
        out[rng.randrange(n)] = REJECTED_ONCE
    if plan.target != RoundStatus.rectifying.value:
        return out
    pace = _pace(county, plan, code)
    if pace != "finished":
        share = 0.75 if pace == "most" else 0.5
        left = max(1, round(n * (1 - share)))
        for i in range(n - left, n):
            out[i] = CLAIMED if i % 2 else OPEN
    if code == red_org(county, plan):
        out[0] = RED
    return out


def finished_orgs(county: DemoCounty, plan: RoundPlan) -> list[str]:
    """Orgs whose tasks all end accepted."""
    counts = task_counts(county, plan)
    return [
        code
        for code in plan.org_codes
        if all(
            o in (ACCEPTED, REJECTED_ONCE) for o in task_outcomes(county, plan, code, counts[code])
        )
    ]


def institution_count(county: DemoCounty, plan: RoundPlan, code: str) -> int:
    """Institutions an org builds: one for a village, two otherwise; in the rectifying
    round only the orgs that have got far."""
    kind = county.by_code()[code].kind
    if plan.target == RoundStatus.rectifying.value and _pace(county, plan, code) == "half":
        return 0
    return 1 if kind in GRASSROOTS else 2
