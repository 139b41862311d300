"""Score a village under its jurisdiction's method and propose its class, with the reasoning
in words (see :mod:`planning.villages.rules` for the method and its defaults). Pure: no
database, no I/O, so it is unit-tested on its own."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from xuncha_shared.events.planning import VillageApproach, VillageClass

from planning.villages.rules import (
    APPROACH_FOR_CLASS,
    APPROACH_LABELS_ZH,
    CENT,
    HUNDRED,
    INDICATORS,
    JUDGEMENT_LABELS_ZH,
    Band,
    ClassificationRules,
    Indicator,
    Judgement,
    format_number,
)

__all__ = ["IndicatorValues", "ScoreItem", "Scorecard", "score_village"]


@dataclass(frozen=True)
class IndicatorValues:
    """A village's four measured indicators and its judgement."""

    collective_income: Decimal
    petitions: int
    prior_problems: int
    assets: Decimal
    judgement: Judgement

    def value(self, indicator: Indicator) -> Decimal:
        return Decimal(getattr(self, indicator.value))


@dataclass(frozen=True)
class ScoreItem:
    """One line of a scorecard: an indicator (or the judgement), its band and points."""

    item: str
    label_zh: str
    value: str
    value_en: str
    band_zh: str
    points: int
    weight: Decimal
    contribution: Decimal


@dataclass(frozen=True)
class Scorecard:
    """A village's score, the class it gives, and why, in words."""

    score: Decimal
    scored_class: VillageClass
    items: tuple[ScoreItem, ...]
    reason_code: str
    explanation_zh: str
    explanation_en: str

    @property
    def approach(self) -> VillageApproach:
        return APPROACH_FOR_CLASS[self.scored_class]


def _band_index(bands: tuple[Band, ...], value: Decimal) -> int:
    index = 0
    for i, band in enumerate(bands):
        if value >= band.min:
            index = i
    return index


def _band_label(bands: tuple[Band, ...], index: int, unit: str, *, whole: bool) -> str:
    """The band in words: "1–2件" for counts, "100,000元以上、不足500,000元" for amounts."""
    lower = bands[index].min
    if index + 1 == len(bands):
        return f"{format_number(lower)}{unit}及以上"
    upper = bands[index + 1].min
    if whole:
        last = upper - 1
        span = (
            format_number(lower)
            if last == lower
            else f"{format_number(lower)}–{format_number(last)}"
        )
        return f"{span}{unit}"
    # 以上 includes the bound, 不足 excludes it (the usage of Chinese regulations).
    return f"{format_number(lower)}{unit}以上、不足{format_number(upper)}{unit}"


def score_village(values: IndicatorValues, rules: ClassificationRules) -> Scorecard:
    """Score a village under ``rules`` (assumed sound: see :func:`check_rules`)."""
    items: list[ScoreItem] = []
    for indicator in Indicator:
        info = INDICATORS[indicator]
        rule = rules.rule(indicator)
        value = values.value(indicator)
        index = _band_index(rule.bands, value)
        points = rule.bands[index].points
        items.append(
            ScoreItem(
                item=indicator.value,
                label_zh=info.label_zh,
                value=f"{format_number(value, places=not info.whole)}{info.unit_zh}",
                value_en=f"{format_number(value, places=not info.whole)} {info.unit_en}".strip(),
                band_zh=_band_label(rule.bands, index, info.unit_zh, whole=info.whole),
                points=points,
                weight=rule.weight,
                contribution=rule.weight * points / HUNDRED,
            )
        )
    judgement_points = rules.judgement.points_for(values.judgement)
    items.append(
        ScoreItem(
            item="judgement",
            label_zh="定性评价",
            value=JUDGEMENT_LABELS_ZH[values.judgement],
            value_en=values.judgement.value,
            band_zh=JUDGEMENT_LABELS_ZH[values.judgement],
            points=judgement_points,
            weight=rules.judgement.weight,
            contribution=rules.judgement.weight * judgement_points / HUNDRED,
        )
    )
    score = sum((i.contribution for i in items), Decimal(0)).quantize(CENT, ROUND_HALF_UP)
    scored_class, reason = _class_for(score, values.judgement, rules)
    return Scorecard(
        score=score,
        scored_class=scored_class,
        items=tuple(items),
        reason_code=reason,
        explanation_zh=_explain_zh(items, score, scored_class, reason, rules),
        explanation_en=_explain_en(items, score, scored_class, reason, rules),
    )


def _class_for(
    score: Decimal, judgement: Judgement, rules: ClassificationRules
) -> tuple[VillageClass, str]:
    thresholds = rules.thresholds
    if judgement is Judgement.concerning and rules.judgement.concerning_is_key:
        return VillageClass.key, "judgement-concerning"
    if score >= thresholds.key_min:
        return VillageClass.key, "score-at-least-key-min"
    if thresholds.advanced_max is not None and score <= thresholds.advanced_max:
        if rules.judgement.advanced_needs_good and judgement is not Judgement.good:
            return VillageClass.general, "advanced-score-not-judged-good"
        return VillageClass.advanced, "score-at-most-advanced-max"
    return VillageClass.general, "score-between-thresholds"


def _standard_zh(rules: ClassificationRules) -> str:
    t = rules.thresholds
    text = f"得分 ≥ {format_number(t.key_min)} 为重点村"
    if t.advanced_max is not None:
        text += f"，≤ {format_number(t.advanced_max)} 为先进村"
    return text + "，其余为一般村"


def _explain_zh(
    items: list[ScoreItem],
    score: Decimal,
    scored_class: VillageClass,
    reason: str,
    rules: ClassificationRules,
) -> str:
    parts = [
        f"{i.label_zh} {i.value}（属“{i.band_zh}”档）得 {i.points} 分 × "
        f"权重 {format_number(i.weight)}% = "
        f"{format_number(i.contribution.quantize(CENT, ROUND_HALF_UP), places=True)}"
        for i in items
    ]
    key_min = format_number(rules.thresholds.key_min)
    advanced_max = format_number(rules.thresholds.advanced_max or Decimal(0))
    because = {
        "judgement-concerning": "定性评价为“较差”，按规定不论得分列为重点村",
        "score-at-least-key-min": f"得分不低于 {key_min}，列为重点村",
        "advanced-score-not-judged-good": "得分达到先进村标准，但定性评价不是“好”，列为一般村",
        "score-at-most-advanced-max": f"得分不高于 {advanced_max}，列为先进村",
        "score-between-thresholds": "得分介于两档之间，列为一般村",
    }[reason]
    approach = APPROACH_LABELS_ZH[APPROACH_FOR_CLASS[scored_class]]
    return (
        "；".join(parts)
        + f"。合计 {format_number(score, places=True)} 分（{_standard_zh(rules)}）。"
        + f"{because}，建议{approach}。"
    )


def _explain_en(
    items: list[ScoreItem],
    score: Decimal,
    scored_class: VillageClass,
    reason: str,
    rules: ClassificationRules,
) -> str:
    parts = [
        f"{i.item} {i.value_en}: {i.points} points × {format_number(i.weight)}% = "
        f"{format_number(i.contribution.quantize(CENT, ROUND_HALF_UP), places=True)}"
        for i in items
    ]
    t = rules.thresholds
    advanced_max = format_number(t.advanced_max or Decimal(0))
    because = {
        "judgement-concerning": "judged concerning, which makes a village key whatever its score",
        "score-at-least-key-min": f"the score is at least {format_number(t.key_min)}",
        "advanced-score-not-judged-good": "the score is low enough for advanced, but the "
        "judgement is not good",
        "score-at-most-advanced-max": f"the score is at most {advanced_max}",
        "score-between-thresholds": "the score lies between the thresholds",
    }[reason]
    approach = APPROACH_FOR_CLASS[scored_class].value
    return (
        "; ".join(parts)
        + f". Total {format_number(score, places=True)}: {scored_class.value} ({because}); "
        + f"suggested approach: {approach}."
    )
