"""The card rules as a pure function: no database."""

from __future__ import annotations

from datetime import date

from rectification.cards.evaluate import TaskFacts, evaluate
from rectification.rules.schemas import Rules
from xuncha_shared.events.rectification import CardColor
from xuncha_shared.workdays import WorkdayCalendar

CAL = WorkdayCalendar()
FEEDBACK, END = date(2026, 3, 2), date(2026, 4, 2)


def task(
    status: str = "open", *, due: date | None = END, kind: str = "short", rejections: int = 0
) -> TaskFacts:
    return TaskFacts(status, kind, due, rejections, "三资管理")


def verdict(
    tasks: list[TaskFacts], today: date, rules: Rules | None = None
) -> tuple[CardColor | None, str]:
    v = evaluate(
        tasks,
        feedback_on=FEEDBACK,
        period_ends_on=END,
        today=today,
        calendar=CAL,
        rules=rules or Rules(),
    )
    return v.color, v.reason_zh


def test_on_track_is_no_card() -> None:
    assert verdict([task("accepted"), task()], date(2026, 3, 20)) == (None, "")


def test_lagging_completion_is_yellow() -> None:
    color, reason = verdict([task(), task()], date(2026, 3, 20))
    assert color is CardColor.yellow
    assert reason == "整改完成率0%，落后于集中整改期时间进度58%超过20%"
    # A wider margin set by the jurisdiction: no card.
    assert verdict([task(), task()], date(2026, 3, 20), Rules(yellow_lag_margin=0.6))[0] is None


def test_long_term_tasks_do_not_lag() -> None:
    assert verdict([task(kind="long", due=date(2026, 12, 31))], date(2026, 3, 30))[0] is None


def test_overdue_is_yellow_then_red_past_the_limit() -> None:
    due = date(2026, 3, 10)
    color, reason = verdict([task("accepted"), task(due=due)], date(2026, 3, 12))
    assert color is CardColor.yellow and "最长已逾期2个工作日" in reason
    color, reason = verdict([task("accepted"), task(due=due)], date(2026, 3, 25))
    assert color is CardColor.red and "（超过10个工作日）" in reason
    # A claimed task waits for the supervisors: not the org's delay.
    assert verdict([task("claimed", due=due), task("accepted")], date(2026, 3, 12))[0] is None


def test_rejected_twice_is_red() -> None:
    color, reason = verdict([task(rejections=2), task("accepted")], date(2026, 3, 5))
    assert color is CardColor.red and reason == "有1项整改任务验收2次及以上未通过（三资管理）"
    assert verdict([task("accepted", rejections=3)], date(2026, 3, 5))[0] is None
    assert verdict([task(rejections=2)], date(2026, 3, 5), Rules(red_rejections=3))[0] is None
