"""The rating as a pure function: no database."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from rectification.rating.scoring import PlanFacts, score
from rectification.rules.schemas import RatingWeights, Rules
from xuncha_shared.events.rectification import Rating


def facts(**kw: object) -> PlanFacts:
    base: dict[str, object] = dict(
        total=47, accepted=46, on_time=45, rejections=2, report=True,
        party_disclosed=True, public_disclosed=True, institutions=5,
    )  # fmt: skip
    base.update(kw)
    return PlanFacts(**base)  # type: ignore[arg-type]


def test_yuanling_is_good() -> None:
    s = score(facts(), Rules())
    assert s.rating is Rating.good and s.score == 97.3
    assert [f.points for f in s.factors] == [28.7, 34.3, 14.4, 10.0, 10.0]


def test_poor_without_report_or_acceptance() -> None:
    s = score(facts(accepted=2, on_time=2, report=False, party_disclosed=False,
                    public_disclosed=False, institutions=0), Rules())  # fmt: skip
    assert s.rating is Rating.poor
    assert "整改公开：未报送整改报告" in s.explanation_zh


def test_thresholds_and_weights_are_the_jurisdictions() -> None:
    s = score(facts(), Rules(good_score=99, fair_score=98))
    assert s.rating is Rating.poor
    only_acceptance = RatingWeights(
        on_time=0, acceptance=1, rejections=0, disclosure=0, institutions=0
    )
    assert score(facts(), Rules(weights=only_acceptance)).score == 97.9


def test_rules_refuse_nonsense() -> None:
    with pytest.raises(ValidationError):
        Rules(fair_score=90, good_score=80)
    with pytest.raises(ValidationError):
        RatingWeights(on_time=0, acceptance=0, rejections=0, disclosure=0, institutions=0)
