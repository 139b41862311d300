"""Clues in the demo (问题线索), through the clues service's REST API only.

While a round is on site, its groups propose clues to the clues service from problems they
recorded (and one from the round's letter about 低保, a public report), naming the person
and the allegation: that content goes to the clues service and nowhere else. The office
reviews each jointly (会商研判) and transfers it: to the discipline commission by default,
to the organization department when it is about cadre selection, some by the green
channel (绿色通道). The recipient's system signs for it, chooses a disposal (谈话函询,
初步核实, 立案审查 …), reports progress and the outcome (case filed, persons sanctioned,
organizational handling, the four forms, money recovered), and the office closes it (销号).

How far a clue gets depends on its round: the closed rounds' clues are all closed (one
was returned once for more material on the way), the rectifying round's are concluded but
one still being handled and one sent back, and the round on site now has clues at every
early stage. ``clue_plan`` is the whole plan, without the platform, so tests can count it.
"""

from __future__ import annotations

from collections.abc import Callable

from xuncha_shared.events.planning import RoundStatus

from xuncha.demo.clues.plan import TRANSFERRED, ClueOutcome, CluePlan, clue_count, clue_plan
from xuncha.demo.clues.steps import clues_step
from xuncha.demo.context import Step
from xuncha.demo.county import RoundPlan

__all__ = [
    "CLUES_HOOKS",
    "TRANSFERRED",
    "ClueOutcome",
    "CluePlan",
    "clue_count",
    "clue_plan",
    "clues_step",
    "register",
]


CLUES_HOOKS: dict[RoundStatus, list[Callable[[RoundPlan], Step]]] = {
    RoundStatus.on_site: [clues_step],
}
"""Clues go while the round is on site (边巡边移): after the problems and public reports."""


def register(hooks: dict[RoundStatus, list[Callable[[RoundPlan], Step]]]) -> None:
    """Add the clue steps to ``hooks`` (``ROUND_HOOKS``), once."""
    for status, makers in CLUES_HOOKS.items():
        hooks[status] += [m for m in makers if m not in hooks[status]]
