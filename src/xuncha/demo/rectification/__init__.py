"""Rectification in the demo (整改), through the rectification service's REST API only.

* ``feedback``: the rectification service opens each org's plan and a task per problem
  from findings' events (the demo waits for them); the org fills in every task — measures,
  the person responsible, the county leader who owns it (领办), long-term tasks with their
  own deadline — and submits the plan.
* ``rectifying``: the org reports progress with evidence (a problem rectified on the spot
  is claimed at once) and claims tasks done with the party head's truthfulness
  commitment; the discipline commission (the organization department for party building
  and cadre selection) accepts most and rejects some, which go back and are then
  accepted; institutions built (建章立制). In the closed rounds every task ends accepted;
  in the rectifying round part of them, one org's task was rejected twice (a red card
  follows from the service's rules), the orgs already done are rated, and the
  organization department runs a promotion check on the leader who owns that org's tasks.
* ``closed``: the rectification report with the truthfulness commitment, disclosed inside
  the party and to the public; the office rates every org of the round.

The service stamps every action with its own clock (today), so no task is overdue and no
yellow card follows from time: the demo cannot move the clock. ``task_outcomes`` and
``institution_count`` plan it all without the platform, so tests can count it.
"""

from __future__ import annotations

from collections.abc import Callable

from xuncha_shared.events.planning import RoundStatus

from xuncha.demo.context import Step
from xuncha.demo.county import RoundPlan
from xuncha.demo.rectification.plan import (
    ACCEPTED,
    CLAIMED,
    LEADERS,
    OPEN,
    RED,
    REJECTED_ONCE,
    finished_orgs,
    institution_count,
    red_org,
    task_counts,
    task_outcomes,
)
from xuncha.demo.rectification.plans import plans_step
from xuncha.demo.rectification.progress import progress_step
from xuncha.demo.rectification.report import report_step

__all__ = [
    "ACCEPTED",
    "CLAIMED",
    "LEADERS",
    "OPEN",
    "RECTIFICATION_HOOKS",
    "RED",
    "REJECTED_ONCE",
    "finished_orgs",
    "institution_count",
    "plans_step",
    "progress_step",
    "red_org",
    "register",
    "report_step",
    "task_counts",
    "task_outcomes",
]


RECTIFICATION_HOOKS: dict[RoundStatus, list[Callable[[RoundPlan], Step]]] = {
    RoundStatus.feedback: [plans_step],
    RoundStatus.rectifying: [progress_step],
    RoundStatus.closed: [report_step],
}
"""Rectification's steps per stage (registered into ``ROUND_HOOKS`` after findings')."""


def register(hooks: dict[RoundStatus, list[Callable[[RoundPlan], Step]]]) -> None:
    """Add rectification's steps to ``hooks`` (``ROUND_HOOKS``), once."""
    for status, makers in RECTIFICATION_HOOKS.items():
        hooks[status] += [m for m in makers if m not in hooks[status]]
