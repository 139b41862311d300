"""Findings in the demo (巡察发现), through the findings service's REST API only.

* ``on_site``: the round's announcement (巡察公告) with its channels; each group's members
  record what they find on their assignments (6–10 problems per org, most village problems
  rectified on the spot); a few public reports — entered by the group (来信来电来访) and,
  in the round on site now, one or two sent on the public endpoint — triaged to a problem,
  forwarded to a department that replies, or closed with a reason.
* ``reporting``: one report per assignment and a comprehensive report for one township
  with its villages, submitted, reviewed by the discipline commission (one returned once
  with comments), approved by the leadership group.
* ``feedback``: feedback per assignment, copied to 纪委监委 and 组织部; then a
  recommendation letter (巡察建议书) on the round's largest common problem, copied to a
  county leader, and a reminder letter (提醒函) to a township with its reply.

Findings learns rounds, groups and assignments from planning's events, so the first call
of a round waits (``ctx.eventually``) until findings knows them. Done checks read one
filtered list item and its ``total``.
"""

from __future__ import annotations

from collections.abc import Callable

from xuncha_shared.events.planning import RoundStatus

from xuncha.demo.context import Step
from xuncha.demo.county import RoundPlan
from xuncha.demo.findings.feedback import feedback_step, letters_step
from xuncha.demo.findings.problems import problems_step
from xuncha.demo.findings.public_reports import public_reports_step
from xuncha.demo.findings.reports import reports_step

__all__ = ["FINDINGS_HOOKS", "register"]


FINDINGS_HOOKS: dict[RoundStatus, list[Callable[[RoundPlan], Step]]] = {
    RoundStatus.on_site: [problems_step, public_reports_step],
    RoundStatus.reporting: [reports_step],
    RoundStatus.feedback: [feedback_step, letters_step],
}
"""Findings' steps per stage (registered into ``ROUND_HOOKS``). The round on site now only
reaches ``on_site``, so it gets problems and public reports only."""


def register(hooks: dict[RoundStatus, list[Callable[[RoundPlan], Step]]]) -> None:
    """Add findings' steps to ``hooks`` (``ROUND_HOOKS``), once."""
    for status, makers in FINDINGS_HOOKS.items():
        hooks[status] += [m for m in makers if m not in hooks[status]]
