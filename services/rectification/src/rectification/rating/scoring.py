"""The rating (量化评估) of an org's rectification for a round, as a pure function: five
factors, each a share between 0 and 1, weighted per jurisdiction; good / fair / poor by
the jurisdiction's thresholds, with every factor explained in Chinese."""

from __future__ import annotations

import math
from dataclasses import dataclass

from xuncha_shared.events.rectification import Rating

from rectification.rules.schemas import Rules

RATING_ZH = {Rating.good: "好", Rating.fair: "中", Rating.poor: "差"}


@dataclass(frozen=True)
class PlanFacts:
    total: int
    accepted: int
    on_time: int
    rejections: int
    report: bool
    party_disclosed: bool
    public_disclosed: bool
    institutions: int


@dataclass(frozen=True)
class Factor:
    key: str
    name_zh: str
    share: float
    weight: float
    points: float
    explanation_zh: str


@dataclass(frozen=True)
class Scored:
    rating: Rating
    score: float
    factors: tuple[Factor, ...]
    explanation_zh: str


def _pct(x: float) -> str:
    return f"{x * 100:.1f}%"


def _ratio(n: int, d: int) -> float:
    return n / d if d else 1.0


def score(facts: PlanFacts, rules: Rules) -> Scored:
    """Score and rate one plan."""
    w = rules.weights
    total = facts.total
    expected_institutions = max(1, math.ceil(total * rules.institutions_per_task))
    disclosed = [
        name
        for name, done in (
            ("党内公开", facts.party_disclosed),
            ("向社会公开", facts.public_disclosed),
        )
        if done
    ]
    parts = [
        (
            "on_time",
            "按期完成率",
            _ratio(facts.on_time, total),
            w.on_time,
            f"按期完成并验收{facts.on_time}项/共{total}项",
        ),
        (
            "acceptance",
            "验收通过率",
            _ratio(facts.accepted, total),
            w.acceptance,
            f"已验收{facts.accepted}项/共{total}项",
        ),
        (
            "rejections",
            "验收退回情况",
            max(0.0, 1 - _ratio(facts.rejections, total)) if total else 1.0,
            w.rejections,
            f"累计退回{facts.rejections}次",
        ),
        (
            "disclosure",
            "整改公开",
            0.5 * facts.party_disclosed + 0.5 * facts.public_disclosed,
            w.disclosure,
            ("已" + "、".join(disclosed))
            if disclosed
            else ("整改报告未公开" if facts.report else "未报送整改报告"),
        ),
        (
            "institutions",
            "建章立制",
            min(1.0, facts.institutions / expected_institutions),
            w.institutions,
            f"建章立制{facts.institutions}项（按任务数应不少于{expected_institutions}项）",
        ),
    ]
    weight_sum = sum(p[3] for p in parts)
    factors = tuple(
        Factor(
            key=key,
            name_zh=name,
            share=share,
            weight=weight,
            points=round(100 * share * weight / weight_sum, 1),
            explanation_zh=f"{name}：{detail}，得分率{_pct(share)}，权重{weight:g}",
        )
        for key, name, share, weight, detail in parts
    )
    value = round(100 * sum(p[2] * p[3] for p in parts) / weight_sum, 1)
    rating = (
        Rating.good
        if value >= rules.good_score
        else Rating.fair
        if value >= rules.fair_score
        else Rating.poor
    )
    explanation = "；".join(f.explanation_zh + f"，计{f.points:g}分" for f in factors) + (
        f"。总分{value:g}分，评为“{RATING_ZH[rating]}”"
        f"（“好”不低于{rules.good_score:g}分，“中”不低于{rules.fair_score:g}分）。"
    )
    return Scored(rating=rating, score=value, factors=factors, explanation_zh=explanation)
