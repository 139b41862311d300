"""The classification method (分类办法) of "four quantitative, one qualitative" (四定量一定性,
000): the indicators, the judgement, their weights and bands, the class thresholds, and the
checks that keep a jurisdiction's method sound. Pure: no database, no I/O.

Each measured indicator maps its value to risk points (0–100) through bands: the band is
the one with the largest lower bound not above the value. The weighted points of the four
indicators and of the judgement (定性评价) give a risk score from 0 to 100; higher means the
village needs a closer look. The score gives the class through two thresholds, and the
judgement may override it (a ``concerning`` village is key; only a ``good`` one can be
advanced). The class gives the inspection approach.

The defaults (:data:`DEFAULT_RULES`) follow the shape of 温县's method; an office replaces
them for its jurisdiction (``PUT /village-classification/config``). They are:

=====================  ======  ====================================================
indicator              weight  bands (lower bound → risk points)
=====================  ======  ====================================================
村集体经济收入 (yuan/yr)     25  0 → 10, 100,000 → 30, 500,000 → 60, 1,000,000 → 100
信访举报 (count, 3 yrs)      30  0 → 0, 1 → 30, 3 → 60, 6 → 100
以往发现问题 (count)          20  0 → 0, 1 → 30, 4 → 60, 8 → 100
三资规模 (yuan)              15  0 → 10, 1,000,000 → 30, 5,000,000 → 60, 20,000,000 → 100
定性评价                     10  good 0, ordinary 40, concerning 100
=====================  ======  ====================================================

Score ≥ 60 → key (重点村, 直接巡); score ≤ 20 and judged good → advanced (先进村, 调研巡);
otherwise general (一般村, 延伸巡). A village judged concerning is key whatever its score.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from xuncha_shared.events.planning import VillageApproach, VillageClass

MAX_BANDS = 10
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


class Indicator(StrEnum):
    """The four measured indicators (四定量)."""

    collective_income = "collective_income"
    petitions = "petitions"
    prior_problems = "prior_problems"
    assets = "assets"


class Judgement(StrEnum):
    """The one judgement (一定性) of the village's governance and party building."""

    good = "good"
    ordinary = "ordinary"
    concerning = "concerning"


@dataclass(frozen=True)
class IndicatorInfo:
    label_zh: str
    label_en: str
    unit_zh: str
    unit_en: str
    whole: bool  # counts take whole numbers only


INDICATORS: dict[Indicator, IndicatorInfo] = {
    Indicator.collective_income: IndicatorInfo(
        "村集体经济收入", "collective economic income", "元", "yuan", whole=False
    ),
    Indicator.petitions: IndicatorInfo("信访举报", "petitions and reports", "件", "", whole=True),
    Indicator.prior_problems: IndicatorInfo(
        "以往发现问题", "problems found before", "个", "", whole=True
    ),
    Indicator.assets: IndicatorInfo(
        "三资规模", "funds, assets and resources", "元", "yuan", whole=False
    ),
}
CLASS_LABELS_ZH: dict[VillageClass, str] = {
    VillageClass.key: "重点村",
    VillageClass.general: "一般村",
    VillageClass.advanced: "先进村",
}
APPROACH_FOR_CLASS: dict[VillageClass, VillageApproach] = {
    VillageClass.key: VillageApproach.direct,
    VillageClass.general: VillageApproach.extended,
    VillageClass.advanced: VillageApproach.research,
}
APPROACH_LABELS_ZH: dict[VillageApproach, str] = {
    VillageApproach.direct: "直接巡",
    VillageApproach.extended: "延伸巡（巡乡带村）",
    VillageApproach.research: "调研巡（巡乡带村）",
}
JUDGEMENT_LABELS_ZH: dict[Judgement, str] = {
    Judgement.good: "好",
    Judgement.ordinary: "一般",
    Judgement.concerning: "较差",
}


def _points() -> Any:
    return Field(ge=0, le=100, title="风险分", description="0–100，越高越需重点关注")


def _weight() -> Any:
    return Field(
        ge=0,
        le=100,
        max_digits=5,
        decimal_places=2,
        title="权重",
        description="五项权重之和须为 100",
    )


class Band(BaseModel):
    """One scoring band: values from ``min`` (inclusive) up to the next band's ``min``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min: Decimal = Field(
        ge=0,
        max_digits=16,
        decimal_places=2,
        title="下限（含）",
        description="首档须为 0，逐档递增",
    )
    points: int = _points()


class IndicatorRule(BaseModel):
    """How one measured indicator is scored."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    weight: Decimal = _weight()
    bands: tuple[Band, ...] = Field(
        min_length=1, max_length=MAX_BANDS, title="分档", description="按下限从 0 起递增"
    )


class JudgementRule(BaseModel):
    """How the judgement (定性评价) is scored, and when it overrides the score."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    weight: Decimal = _weight()
    good: int = Field(ge=0, le=100, title="“好”的风险分")
    ordinary: int = Field(ge=0, le=100, title="“一般”的风险分")
    concerning: int = Field(ge=0, le=100, title="“较差”的风险分")
    concerning_is_key: bool = Field(
        default=True, title="评价较差即为重点村", description="定性评价为“较差”时不论得分均为重点村"
    )
    advanced_needs_good: bool = Field(
        default=True,
        title="先进村须评价为好",
        description="得分达到先进村标准但评价不是“好”的为一般村",
    )

    def points_for(self, judgement: Judgement) -> int:
        return {
            Judgement.good: self.good,
            Judgement.ordinary: self.ordinary,
            Judgement.concerning: self.concerning,
        }[judgement]


class ClassThresholds(BaseModel):
    """Score thresholds of the classes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key_min: Decimal = Field(
        ge=0,
        le=100,
        max_digits=5,
        decimal_places=2,
        title="重点村最低得分",
        description="得分不低于此值为重点村",
    )
    advanced_max: Decimal | None = Field(
        default=None,
        ge=0,
        le=100,
        max_digits=5,
        decimal_places=2,
        title="先进村最高得分",
        description="得分不高于此值为先进村；为空表示不设先进村（如蛟河只分重点村和一般村）",
    )


class ClassificationRules(BaseModel):
    """A jurisdiction's whole method: the four indicators, the judgement, the thresholds."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    collective_income: IndicatorRule = Field(title="村集体经济收入（元/年）")
    petitions: IndicatorRule = Field(title="信访举报（件）")
    prior_problems: IndicatorRule = Field(title="以往发现问题（个）")
    assets: IndicatorRule = Field(title="三资规模（元）")
    judgement: JudgementRule = Field(title="定性评价")
    thresholds: ClassThresholds = Field(title="分类标准")

    def rule(self, indicator: Indicator) -> IndicatorRule:
        rule: IndicatorRule = getattr(self, indicator.value)
        return rule


def _bands(*pairs: tuple[int, int]) -> tuple[Band, ...]:
    return tuple(Band(min=Decimal(lo), points=pts) for lo, pts in pairs)


DEFAULT_RULES = ClassificationRules(
    collective_income=IndicatorRule(
        weight=Decimal(25), bands=_bands((0, 10), (100_000, 30), (500_000, 60), (1_000_000, 100))
    ),
    petitions=IndicatorRule(weight=Decimal(30), bands=_bands((0, 0), (1, 30), (3, 60), (6, 100))),
    prior_problems=IndicatorRule(
        weight=Decimal(20), bands=_bands((0, 0), (1, 30), (4, 60), (8, 100))
    ),
    assets=IndicatorRule(
        weight=Decimal(15),
        bands=_bands((0, 10), (1_000_000, 30), (5_000_000, 60), (20_000_000, 100)),
    ),
    judgement=JudgementRule(weight=Decimal(10), good=0, ordinary=40, concerning=100),
    thresholds=ClassThresholds(key_min=Decimal(60), advanced_max=Decimal(20)),
)
"""The documented defaults (module docstring), used until an office saves its own."""


@dataclass(frozen=True)
class RuleIssue:
    """One inconsistency in a set of rules, naming the field at fault."""

    field: str
    code: str
    message_zh: str
    message_en: str


def check_rules(rules: ClassificationRules) -> list[RuleIssue]:
    """What makes ``rules`` unusable beyond what the types check: weights that do not add up
    to 100, bands that do not start at 0 or do not increase, fractional bounds for counts,
    thresholds out of order. Empty when the rules are sound."""
    issues: list[RuleIssue] = []
    weights = {i.value: rules.rule(i).weight for i in Indicator}
    weights["judgement"] = rules.judgement.weight
    total = sum(weights.values(), Decimal(0))
    if total != HUNDRED:
        issues += [
            RuleIssue(
                f"{name}.weight",
                "weights-not-100",
                f"五项权重之和须为 100，现为 {format_number(total)}",
                f"The five weights must add up to 100, not {format_number(total)}",
            )
            for name in weights
        ]
    for indicator in Indicator:
        info = INDICATORS[indicator]
        bands = rules.rule(indicator).bands
        if bands[0].min != 0:
            issues.append(
                RuleIssue(
                    f"{indicator.value}.bands.0.min",
                    "first-band-not-zero",
                    f"{info.label_zh}的第一档下限须为 0",
                    f"The first band of {info.label_en} must start at 0",
                )
            )
        for i in range(1, len(bands)):
            if bands[i].min <= bands[i - 1].min:
                issues.append(
                    RuleIssue(
                        f"{indicator.value}.bands.{i}.min",
                        "bands-not-ascending",
                        f"{info.label_zh}的分档下限须逐档递增",
                        f"The bands of {info.label_en} must have increasing lower bounds",
                    )
                )
        for i, band in enumerate(bands):
            if info.whole and band.min != band.min.to_integral_value():
                issues.append(
                    RuleIssue(
                        f"{indicator.value}.bands.{i}.min",
                        "not-whole",
                        f"{info.label_zh}按件数计，下限须为整数",
                        f"{info.label_en} is a count; its bounds must be whole numbers",
                    )
                )
    thresholds = rules.thresholds
    if thresholds.advanced_max is not None and thresholds.advanced_max >= thresholds.key_min:
        issues.append(
            RuleIssue(
                "thresholds.advanced_max",
                "thresholds-not-ordered",
                "先进村最高得分须低于重点村最低得分",
                "The advanced maximum must be below the key minimum",
            )
        )
    return issues


def format_number(value: Decimal, *, places: bool = False) -> str:
    """1234567.5 → "1,234,567.50" (money) or "1,234,567.5"; whole numbers stay whole."""
    if places:
        return f"{value.quantize(CENT):,}"
    if value == value.to_integral_value():
        return f"{value.to_integral_value():,}"
    return f"{value.normalize():,f}"
