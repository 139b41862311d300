"""Can the rest of the term still reach full coverage at the current pace? Pure arithmetic
and the words the office reads on its dashboard; no database."""

from __future__ import annotations

import math
from dataclasses import dataclass

from planning.rounds.schemas import Outlook, PaceRead


def percent(covered: int, total: int) -> float:
    """Coverage in percent, rounded down to one decimal so that 269 of 270 never shows as
    100 (the headline figure must not claim full coverage early)."""
    if total <= 0:
        return 0.0
    return math.floor(covered * 1000 / total) / 10


@dataclass(frozen=True)
class RoundCounts:
    """A term's rounds by where they stand."""

    held: int
    in_progress: int
    scheduled: int


@dataclass(frozen=True)
class _Verdict:
    reachable: bool | None
    outlook: Outlook
    message_zh: str
    message_en: str


def project(*, in_scope: int, covered: int, planned_rounds: int, rounds: RoundCounts) -> PaceRead:
    """Project coverage at term end from the average number of orgs covered per round held.

    "Held" rounds are those that reached feedback (the ones that count for coverage); the
    rounds left are the planned ones not yet held, so rounds still on site count as left.
    """
    remaining = max(in_scope - covered, 0)
    left = max(planned_rounds - rounds.held, 0)
    average = covered / rounds.held if rounds.held else None
    projected = min(in_scope, covered + math.floor(average * left)) if average is not None else None
    needed = math.ceil(remaining / left) if left and remaining else None
    verdict = _verdict(
        in_scope=in_scope,
        remaining=remaining,
        planned=planned_rounds,
        held=rounds.held,
        left=left,
        average=average,
        projected=projected,
        needed=needed,
    )
    return PaceRead(
        planned_rounds=planned_rounds,
        rounds_held=rounds.held,
        rounds_in_progress=rounds.in_progress,
        rounds_scheduled=rounds.scheduled,
        rounds_left=left,
        average_per_round=round(average, 1) if average is not None else None,
        projected_covered=projected,
        needed_per_round=needed,
        reachable=verdict.reachable,
        outlook=verdict.outlook,
        message_zh=verdict.message_zh,
        message_en=verdict.message_en,
    )


def _verdict(
    *,
    in_scope: int,
    remaining: int,
    planned: int,
    held: int,
    left: int,
    average: float | None,
    projected: int | None,
    needed: int | None,
) -> _Verdict:
    if in_scope == 0:
        return _Verdict(
            None,
            Outlook.no_scope,
            "本届尚无应巡对象，请先确定巡察范围。",
            "The term has no orgs in scope yet; set its scope first.",
        )
    if remaining == 0:
        return _Verdict(
            True,
            Outlook.reached,
            f"已实现全覆盖：应巡的 {in_scope} 个党组织均已巡察（已开展 {held} 轮）。",
            f"Full coverage reached: all {in_scope} orgs in scope have been inspected "
            f"({held} rounds held).",
        )
    if not left:
        return _Verdict(
            False,
            Outlook.out_of_rounds,
            f"计划的 {planned} 轮已全部开展，仍有 {remaining} 个党组织未巡察，"
            "须增加轮次才能实现全覆盖。",
            f"All {planned} planned rounds have been held and {remaining} orgs are still to "
            "go; full coverage needs more rounds.",
        )
    if average is None or projected is None:
        return _Verdict(
            None,
            Outlook.no_pace,
            f"尚无轮次到达反馈阶段，暂无进度可依；剩余 {left} 轮平均每轮须巡察 {needed} 个"
            "党组织才能实现全覆盖。",
            f"No round has reached feedback yet, so there is no pace to project; the {left} "
            f"rounds left must cover {needed} orgs each for full coverage.",
        )
    so_far = f"已开展 {held}/{planned} 轮，平均每轮巡察 {average:.1f} 个"
    so_far_en = f"{held} of {planned} rounds held at {average:.1f} orgs per round"
    if projected >= in_scope:
        return _Verdict(
            True,
            Outlook.on_track,
            f"{so_far}；按此进度剩余 {left} 轮可巡完其余 {remaining} 个，能够实现全覆盖"
            f"（每轮须 {needed} 个）。",
            f"{so_far_en}; at this pace the {left} rounds left cover the other {remaining} "
            f"orgs, so full coverage is in reach ({needed} per round needed).",
        )
    return _Verdict(
        False,
        Outlook.behind,
        f"{so_far}；按此进度届末预计覆盖 {projected}/{in_scope} 个，尚差 "
        f"{in_scope - projected} 个。剩余 {left} 轮每轮须巡察 {needed} 个，或增加轮次。",
        f"{so_far_en}; at this pace the term ends with {projected} of {in_scope} orgs "
        f"covered, {in_scope - projected} short: the {left} rounds left need {needed} orgs "
        "each, or more rounds are needed.",
    )
