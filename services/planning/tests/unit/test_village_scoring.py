"""四定量一定性 without a database: the method's checks, the score and its words, the class
and its approach, and who may take which of the five steps."""

from __future__ import annotations

import random
import uuid
from decimal import Decimal

import pytest
from planning.villages.rules import (
    APPROACH_FOR_CLASS,
    DEFAULT_RULES,
    Band,
    ClassificationRules,
    ClassThresholds,
    Indicator,
    IndicatorRule,
    Judgement,
    check_rules,
)
from planning.villages.scoring import IndicatorValues, score_village
from planning.villages.workflow import (
    Stage,
    Step,
    acting_role,
    allowed_next,
    indicator_role,
    may_edit_indicators,
    may_read,
)
from pydantic import ValidationError
from xuncha_shared.auth import Principal, Role
from xuncha_shared.events.planning import VillageApproach, VillageClass

from xuncha.demo.data.villages import village_indicators

RISKY = ("2000000", 6, 4, "6000000")
QUIET = ("0", 0, 0, "0")
TOWN = uuid.UUID("6c1a3f0e-0000-4000-8000-000000000001")
OTHER_TOWN = uuid.UUID("6c1a3f0e-0000-4000-8000-000000000002")


def values(
    income: str = "0",
    petitions: int = 0,
    problems: int = 0,
    assets: str = "0",
    judgement: Judgement = Judgement.good,
) -> IndicatorValues:
    return IndicatorValues(Decimal(income), petitions, problems, Decimal(assets), judgement)


def rules(**change: object) -> ClassificationRules:
    return DEFAULT_RULES.model_copy(update=change)


def principal(*roles: Role, org: uuid.UUID | None = None) -> Principal:
    return Principal(
        subject="u",
        name="",
        roles=frozenset(roles),
        org_id=str(org) if org else None,
        jurisdiction="410825",
        is_service_account=False,
    )


# --- the method -----------------------------------------------------------------------------


def test_the_documented_defaults_are_sound() -> None:
    assert check_rules(DEFAULT_RULES) == []
    weights = [DEFAULT_RULES.rule(i).weight for i in Indicator]
    assert weights == [25, 30, 20, 15] and DEFAULT_RULES.judgement.weight == 10
    assert DEFAULT_RULES.thresholds == ClassThresholds(
        key_min=Decimal(60), advanced_max=Decimal(20)
    )


def test_weights_must_add_up_to_100_and_every_weight_is_named() -> None:
    bad = rules(
        petitions=IndicatorRule(weight=Decimal("30.01"), bands=DEFAULT_RULES.petitions.bands)
    )
    issues = check_rules(bad)
    assert {i.field for i in issues} == {
        "collective_income.weight", "petitions.weight", "prior_problems.weight",
        "assets.weight", "judgement.weight",
    }  # fmt: skip
    assert {i.code for i in issues} == {"weights-not-100"}
    assert "100.01" in issues[0].message_zh
    # Fractions that add up exactly are fine.
    d = DEFAULT_RULES
    thirds = rules(
        collective_income=IndicatorRule(weight=Decimal("33.33"), bands=d.collective_income.bands),
        petitions=IndicatorRule(weight=Decimal("33.33"), bands=d.petitions.bands),
        prior_problems=IndicatorRule(weight=Decimal("33.34"), bands=d.prior_problems.bands),
        assets=IndicatorRule(weight=Decimal(0), bands=d.assets.bands),
        judgement=d.judgement.model_copy(update={"weight": Decimal(0)}),
    )
    assert check_rules(thirds) == []


@pytest.mark.parametrize(
    ("bands", "field", "code"),
    [
        (((5, 0), (10, 50)), "petitions.bands.0.min", "first-band-not-zero"),
        (((0, 0), (3, 50), (3, 80)), "petitions.bands.2.min", "bands-not-ascending"),
        (((0, 0), (4, 50), (2, 80)), "petitions.bands.2.min", "bands-not-ascending"),
        (((0, 0), ("2.5", 50)), "petitions.bands.1.min", "not-whole"),
    ],
)
def test_bands_start_at_zero_increase_and_counts_are_whole(
    bands: tuple[tuple[object, int], ...], field: str, code: str
) -> None:
    rule = IndicatorRule(
        weight=Decimal(30), bands=tuple(Band(min=Decimal(str(lo)), points=p) for lo, p in bands)
    )
    issues = check_rules(rules(petitions=rule))
    assert [(i.field, i.code) for i in issues] == [(field, code)]


def test_amounts_may_have_fractional_bounds() -> None:
    bands = (Band(min=Decimal(0), points=0), Band(min=Decimal("0.50"), points=10))
    rule = IndicatorRule(weight=Decimal(25), bands=bands)
    assert check_rules(rules(collective_income=rule)) == []


def test_thresholds_must_be_ordered_and_advanced_is_optional() -> None:
    for advanced in ("60", "75"):
        t = ClassThresholds(key_min=Decimal(60), advanced_max=Decimal(advanced))
        issues = check_rules(rules(thresholds=t))
        assert [(i.field, i.code) for i in issues] == [
            ("thresholds.advanced_max", "thresholds-not-ordered")
        ]
    assert check_rules(rules(thresholds=ClassThresholds(key_min=Decimal(40)))) == []


def test_types_refuse_out_of_range_values() -> None:
    with pytest.raises(ValidationError):
        Band(min=Decimal(-1), points=10)
    with pytest.raises(ValidationError):
        Band(min=Decimal(0), points=101)
    with pytest.raises(ValidationError):
        IndicatorRule(weight=Decimal(10), bands=())
    with pytest.raises(ValidationError):
        ClassThresholds(key_min=Decimal("100.5"))


# --- the score ------------------------------------------------------------------------------


def test_a_worked_example_in_numbers_and_words() -> None:
    card = score_village(values("1200000", 2, 0, "3000000", Judgement.ordinary), DEFAULT_RULES)
    # 100×25% + 30×30% + 0×20% + 30×15% + 40×10% = 25 + 9 + 0 + 4.5 + 4 = 42.5
    assert card.score == Decimal("42.50")
    assert [i.points for i in card.items] == [100, 30, 0, 30, 40]
    assert card.scored_class is VillageClass.general and card.approach is VillageApproach.extended
    assert card.reason_code == "score-between-thresholds"
    zh = card.explanation_zh
    assert (
        "村集体经济收入 1,200,000.00元（属“1,000,000元及以上”档）得 100 分 × 权重 25% = 25.00" in zh
    )
    assert "信访举报 2件（属“1–2件”档）" in zh
    assert "三资规模 3,000,000.00元（属“1,000,000元以上、不足5,000,000元”档）" in zh
    assert "合计 42.50 分（得分 ≥ 60 为重点村，≤ 20 为先进村，其余为一般村）" in zh
    assert zh.endswith("列为一般村，建议延伸巡（巡乡带村）。")
    assert "petitions 2: 30 points × 30% = 9.00" in card.explanation_en
    assert "Total 42.50: general" in card.explanation_en


@pytest.mark.parametrize(
    ("petitions", "points"), [(0, 0), (1, 30), (2, 30), (3, 60), (5, 60), (6, 100), (10_000, 100)]
)
def test_a_value_on_a_bound_belongs_to_the_band_it_starts(petitions: int, points: int) -> None:
    card = score_village(values(petitions=petitions), DEFAULT_RULES)
    assert card.items[1].points == points


def test_money_bounds_are_exact_to_the_cent() -> None:
    below = score_village(values(income="99999.99"), DEFAULT_RULES)
    at = score_village(values(income="100000.00"), DEFAULT_RULES)
    assert (below.items[0].points, at.items[0].points) == (10, 30)


def test_score_is_rounded_half_up_to_cents() -> None:
    nothing = (Band(min=Decimal(0), points=0),)
    odd = rules(
        collective_income=IndicatorRule(weight=Decimal("0.05"), bands=nothing),
        petitions=IndicatorRule(weight=Decimal("54.95"), bands=DEFAULT_RULES.petitions.bands),
    )
    assert check_rules(odd) == []
    # 30 points × 54.95% = 16.485, plus assets 10 × 15% = 1.5: 17.985 → 17.99 (not 17.98)
    card = score_village(values(petitions=1), odd)
    assert card.score == Decimal("17.99")
    assert sum(i.contribution for i in card.items) == Decimal("17.985")


@pytest.mark.parametrize(
    ("score_values", "judgement", "expected", "reason"),
    [
        # 100×25 + 100×30 + 60×20 + 60×15 = 25 + 30 + 12 + 9 = 76
        (RISKY, Judgement.ordinary, VillageClass.key, "score-at-least-key-min"),
        (QUIET, Judgement.good, VillageClass.advanced, "score-at-most-advanced-max"),
        (QUIET, Judgement.ordinary, VillageClass.general, "advanced-score-not-judged-good"),
        (QUIET, Judgement.concerning, VillageClass.key, "judgement-concerning"),
    ],
)  # fmt: skip
def test_class_from_score_and_judgement(
    score_values: tuple[str, int, int, str],
    judgement: Judgement,
    expected: VillageClass,
    reason: str,
) -> None:
    card = score_village(values(*score_values, judgement=judgement), DEFAULT_RULES)
    assert (card.scored_class, card.reason_code) == (expected, reason)
    assert card.approach is APPROACH_FOR_CLASS[expected]


def test_thresholds_are_inclusive() -> None:
    # petitions 3 → 60 × 30% = 18, assets 0 → 10 × 15% = 1.5, income 0 → 2.5: 22
    card = score_village(values(petitions=3), DEFAULT_RULES)
    assert card.score == Decimal("22.00")
    at_key = rules(thresholds=ClassThresholds(key_min=Decimal(22), advanced_max=Decimal(10)))
    at_advanced = rules(thresholds=ClassThresholds(key_min=Decimal(50), advanced_max=Decimal(22)))
    assert score_village(values(petitions=3), at_key).scored_class is VillageClass.key
    assert score_village(values(petitions=3), at_advanced).scored_class is VillageClass.advanced


def test_the_judgement_rules_can_be_switched_off() -> None:
    lenient = rules(judgement=DEFAULT_RULES.judgement.model_copy(
        update={"concerning_is_key": False, "advanced_needs_good": False}))  # fmt: skip
    concerning = score_village(values(judgement=Judgement.concerning), lenient)
    assert concerning.score == Decimal("14.00") and concerning.scored_class is VillageClass.advanced
    ordinary = score_village(values(judgement=Judgement.ordinary), lenient)
    assert ordinary.scored_class is VillageClass.advanced


def test_without_an_advanced_class_low_scores_are_general() -> None:
    jiaohe = rules(thresholds=ClassThresholds(key_min=Decimal(50)))
    card = score_village(values(), jiaohe)
    assert card.scored_class is VillageClass.general
    assert "为先进村" not in card.explanation_zh


def test_scores_stay_within_0_and_100_and_rise_with_risk() -> None:
    rng = random.Random(7)
    for _ in range(500):
        v = values(
            str(rng.randrange(0, 5_000_000)), rng.randrange(0, 20), rng.randrange(0, 20),
            str(rng.randrange(0, 50_000_000)), rng.choice(list(Judgement)),
        )  # fmt: skip
        card = score_village(v, DEFAULT_RULES)
        assert Decimal(0) <= card.score <= Decimal(100)
        more = IndicatorValues(
            v.collective_income, v.petitions + 3, v.prior_problems, v.assets, v.judgement
        )
        # The default bands give more points to more petitions: never a lower score.
        assert score_village(more, DEFAULT_RULES).score >= card.score


def test_the_test_county_splits_like_wenxian() -> None:
    rows = village_indicators(seed=0, count=270)
    assert rows == village_indicators(seed=0, count=270)  # deterministic
    classes = [
        score_village(
            IndicatorValues(Decimal(r["collective_income"]), r["petitions"], r["prior_problems"],
                            Decimal(r["assets"]), Judgement(r["judgement"])),
            DEFAULT_RULES,
        ).scored_class
        for r in rows
    ]  # fmt: skip
    key = classes.count(VillageClass.key)
    assert 35 <= key <= 60 and len(classes) - key >= 200
    assert all(r["judgement_reason"] for r in rows if r["judgement"] != "good")


# --- the five steps -------------------------------------------------------------------------


def test_steps_go_in_order_and_opinions_may_repeat() -> None:
    assert allowed_next(Stage.entered) == (Step.township_proposal,)
    assert allowed_next(Stage.township_proposal) == (Step.field_research,)
    assert allowed_next(Stage.field_research) == (Step.department_opinions,)
    assert allowed_next(Stage.department_opinions) == (
        Step.department_opinions,
        Step.leadership_adjustment,
    )
    assert allowed_next(Stage.leadership_adjustment) == (Step.committee_approval,)
    assert allowed_next(Stage.committee_approval) == ()


@pytest.mark.parametrize(
    ("step", "caller", "role"),
    [
        (Step.township_proposal, principal(Role.office), Role.office),
        (Step.township_proposal, principal(Role.inspected, org=TOWN), Role.inspected),
        (Step.township_proposal, principal(Role.inspected, org=OTHER_TOWN), None),
        (Step.township_proposal, principal(Role.inspected), None),
        (Step.township_proposal, principal(Role.office, Role.inspected, org=TOWN), Role.office),
        (Step.township_proposal, principal(Role.leadership), None),
        (Step.field_research, principal(Role.office), Role.office),
        (Step.field_research, principal(Role.inspected, org=TOWN), None),
        (Step.department_opinions, principal(Role.discipline), Role.discipline),
        (Step.department_opinions, principal(Role.organization), Role.organization),
        (Step.department_opinions, principal(Role.service, Role.department), Role.department),
        (Step.department_opinions, principal(Role.office), None),
        (Step.leadership_adjustment, principal(Role.leadership), Role.leadership),
        (Step.leadership_adjustment, principal(Role.office), None),
        (Step.committee_approval, principal(Role.leadership), Role.leadership),
        (Step.committee_approval, principal(Role.group), None),
        (Step.committee_approval, principal(Role.leader), None),
    ],
)
def test_who_takes_each_step(step: Step, caller: Principal, role: Role | None) -> None:
    assert acting_role(step, caller, TOWN) is role


def test_who_enters_reads_and_corrects_indicators() -> None:
    town = principal(Role.inspected, org=TOWN)
    assert indicator_role(principal(Role.office), TOWN) is Role.office
    assert indicator_role(town, TOWN) is Role.inspected
    assert indicator_role(town, OTHER_TOWN) is None
    assert indicator_role(principal(Role.discipline), TOWN) is None
    assert may_edit_indicators(Role.inspected, Stage.entered)
    assert not may_edit_indicators(Role.inspected, Stage.township_proposal)
    assert may_edit_indicators(Role.office, Stage.leadership_adjustment)
    assert not may_edit_indicators(Role.office, Stage.committee_approval)
    for role in (Role.office, Role.leadership, Role.discipline, Role.organization, Role.department):
        assert may_read(principal(role), OTHER_TOWN)
    assert may_read(town, TOWN) and not may_read(town, OTHER_TOWN)
    assert not may_read(principal(Role.group), TOWN)
    assert not may_read(principal(Role.leader), TOWN)
    assert not may_read(town, None)
