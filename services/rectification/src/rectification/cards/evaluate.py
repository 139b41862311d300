"""The card rules (红黄牌预警), as a pure function of an org's tasks for a round.

Defaults (per jurisdiction in the rules): yellow when a task is overdue or the completion
rate lags the elapsed share of the concentrated period by more than a margin; red when a
task is overdue beyond a limit of working days or has been rejected a given number of
times. Long-term tasks (长期坚持) are not expected to finish within the period and do not
count toward the lag.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from xuncha_shared.events.rectification import CardColor
from xuncha_shared.workdays import WorkdayCalendar

from rectification.rules.schemas import Rules


@dataclass(frozen=True)
class TaskFacts:
    status: str
    kind: str
    due_on: date | None
    rejections: int
    category_name: str


@dataclass(frozen=True)
class Verdict:
    color: CardColor | None
    reasons: tuple[str, ...]

    @property
    def reason_zh(self) -> str:
        return "；".join(self.reasons)


def _pct(x: float) -> str:
    return f"{x * 100:.0f}%"


def evaluate(
    tasks: Sequence[TaskFacts],
    *,
    feedback_on: date,
    period_ends_on: date,
    today: date,
    calendar: WorkdayCalendar,
    rules: Rules,
) -> Verdict:
    """The card an org deserves today, with its reasons in Chinese."""
    red: list[str] = []
    yellow: list[str] = []
    overdue = [t for t in tasks if t.status == "open" and t.due_on is not None and t.due_on < today]
    if overdue:
        worst = max(calendar.workdays_between(t.due_on, today) for t in overdue if t.due_on)
        if worst > rules.red_overdue_workdays:
            red.append(
                f"有{len(overdue)}项整改任务逾期未完成，最长已逾期{worst}个工作日"
                f"（超过{rules.red_overdue_workdays}个工作日）"
            )
        else:
            yellow.append(f"有{len(overdue)}项整改任务逾期未完成，最长已逾期{worst}个工作日")
    rejected = [t for t in tasks if t.status != "accepted" and t.rejections >= rules.red_rejections]
    if rejected:
        names = "、".join(dict.fromkeys(t.category_name for t in rejected))
        red.append(
            f"有{len(rejected)}项整改任务验收{rules.red_rejections}次及以上未通过（{names}）"
        )
    countable = [t for t in tasks if t.kind != "long"]
    span = (period_ends_on - feedback_on).days
    if countable and span > 0:
        elapsed = min(1.0, max(0.0, (today - feedback_on).days / span))
        done = sum(t.status == "accepted" for t in countable) / len(countable)
        if elapsed - done > rules.yellow_lag_margin:
            yellow.append(
                f"整改完成率{_pct(done)}，落后于集中整改期时间进度{_pct(elapsed)}"
                f"超过{_pct(rules.yellow_lag_margin)}"
            )
    if red:
        return Verdict(CardColor.red, tuple(red + yellow))
    if yellow:
        return Verdict(CardColor.yellow, tuple(yellow))
    return Verdict(None, ())
