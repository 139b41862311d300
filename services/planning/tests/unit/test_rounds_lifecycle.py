"""The round state machine, briefing stages and the coverage projection, without a database."""

from __future__ import annotations

import itertools

import pytest
from planning.rounds.lifecycle import (
    BriefingStage,
    RoundStatus,
    allowed_briefing_stages,
    allowed_transitions,
    check_briefing_stage,
    check_transition,
)
from planning.rounds.pace import RoundCounts, percent, project
from planning.rounds.schemas import Outlook
from xuncha_shared.problems import Conflict

S = RoundStatus


def test_each_stage_allows_only_the_next() -> None:
    stages = list(S)
    for here, there in itertools.pairwise(stages):
        assert allowed_transitions(here) == (there,)
        check_transition(here, there)
        for other in stages:
            if other is not there:
                with pytest.raises(Conflict) as exc:
                    check_transition(here, other)
                assert exc.value.extra["allowed"] == [there.value]
                assert exc.value.field == "to_status"
    assert allowed_transitions(S.closed) == ()
    with pytest.raises(Conflict) as exc:
        check_transition(S.closed, S.rectifying)
    assert exc.value.extra["allowed"] == [] and "已结束" in exc.value.message_zh


def test_briefings_need_the_round_to_have_reached_their_stage() -> None:
    assert allowed_briefing_stages(S.planned) == (BriefingStage.before,)
    assert allowed_briefing_stages(S.mobilized) == (BriefingStage.before,)
    assert allowed_briefing_stages(S.on_site) == (BriefingStage.before, BriefingStage.during)
    assert allowed_briefing_stages(S.reporting) == tuple(BriefingStage)
    assert allowed_briefing_stages(S.closed) == tuple(BriefingStage)
    with pytest.raises(Conflict) as exc:
        check_briefing_stage(S.on_site, BriefingStage.after)
    assert exc.value.field == "stage" and exc.value.extra["allowed"] == ["before", "during"]


def test_percent_never_rounds_up_to_full_coverage() -> None:
    assert percent(359, 360) == 99.7
    assert percent(2699, 2700) == 99.9
    assert percent(360, 360) == 100.0
    assert percent(0, 0) == 0.0
    assert percent(2, 3) == 66.6


@pytest.mark.parametrize(
    ("in_scope", "covered", "planned", "held", "outlook", "reachable", "needed", "projected"),
    [
        (360, 0, 15, 0, Outlook.no_pace, None, 24, None),
        (360, 45, 15, 3, Outlook.behind, False, 27, 225),
        (360, 120, 15, 5, Outlook.on_track, True, 24, 360),
        (360, 359, 15, 15, Outlook.out_of_rounds, False, None, 359),
        (360, 360, 15, 16, Outlook.reached, True, None, 360),
        (0, 0, 15, 0, Outlook.no_scope, None, None, None),
    ],
)
def test_projection(
    in_scope: int,
    covered: int,
    planned: int,
    held: int,
    outlook: Outlook,
    reachable: bool | None,
    needed: int | None,
    projected: int | None,
) -> None:
    pace = project(
        in_scope=in_scope,
        covered=covered,
        planned_rounds=planned,
        rounds=RoundCounts(held=held, in_progress=1, scheduled=2),
    )
    assert pace.outlook is outlook
    assert pace.reachable is reachable
    assert pace.needed_per_round == needed
    assert pace.projected_covered == projected
    assert pace.rounds_left == max(planned - held, 0)
    assert pace.message_zh and pace.message_en


def test_projection_in_words() -> None:
    pace = project(
        in_scope=360,
        covered=45,
        planned_rounds=15,
        rounds=RoundCounts(held=3, in_progress=0, scheduled=0),
    )
    assert "已开展 3/15 轮" in pace.message_zh and "平均每轮巡察 15.0 个" in pace.message_zh
    assert "225/360" in pace.message_zh and "尚差 135 个" in pace.message_zh
    assert "每轮须巡察 27 个" in pace.message_zh
    assert "3 of 15 rounds held" in pace.message_en and "135 short" in pace.message_en
