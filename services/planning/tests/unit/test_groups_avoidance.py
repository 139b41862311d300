"""The avoidance rules (回避), without a database: each rule, its window, and replacements."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from planning.groups.avoidance import (
    CadreFacts,
    OrgRef,
    Post,
    Relative,
    Rule,
    check,
    rank_replacements,
    window_start,
)

TODAY = date(2026, 3, 2)
TOWN = OrgRef(uuid.uuid4(), "祥和镇", "township")
VILLAGE = OrgRef(uuid.uuid4(), "北岗村", "village", parent_id=TOWN.id)
OTHER_TOWN = OrgRef(uuid.uuid4(), "安河乡", "township")
OTHER_VILLAGE = OrgRef(uuid.uuid4(), "东王村", "village", parent_id=OTHER_TOWN.id)
FINANCE = OrgRef(uuid.uuid4(), "县财政局", "department")
HOSPITAL = OrgRef(uuid.uuid4(), "县人民医院", "institution", parent_id=FINANCE.id)
AUDIT = OrgRef(uuid.uuid4(), "县审计局", "department")


def cadre(name: str = "王建国", **kw: object) -> CadreFacts:
    values: dict[str, object] = {
        "id": uuid.uuid4(),
        "code": kw.pop("code", "C001"),
        "name": name,
        "unit_name": "县审计局",
        "unit": AUDIT,
    }
    values.update(kw)
    return CadreFacts(**values)  # type: ignore[arg-type]


def violated(c: CadreFacts, org: OrgRef, years: int = 5) -> dict[Rule, str]:
    return {
        f.rule: f.message_zh
        for f in check(c, org, today=TODAY, former_unit_years=years)
        if f.violated
    }


def test_one_finding_per_rule_passes_included_with_reasons() -> None:
    findings = check(cadre(), VILLAGE, today=TODAY, former_unit_years=5)
    assert [f.rule for f in findings] == list(Rule)
    assert not any(f.violated for f in findings)
    assert all(f.message_zh and f.message_en and f.outcome == "pass" for f in findings)
    assert all(f.org_name == "北岗村" and f.cadre_name == "王建国" for f in findings)


def test_current_unit_covers_the_unit_and_what_is_directly_above_or_below() -> None:
    finance = cadre(unit=FINANCE, unit_name="县财政局")
    reasons = violated(finance, FINANCE)
    assert set(reasons) == {Rule.current_unit}
    assert "王建国" in reasons[Rule.current_unit] and "县财政局" in reasons[Rule.current_unit]
    assert "本单位回避" in reasons[Rule.current_unit]
    # A supervised institution, and a township cadre inspecting a village of his township.
    assert Rule.current_unit in violated(finance, HOSPITAL)
    assert Rule.current_unit in violated(cadre(unit=TOWN, unit_name="祥和镇"), VILLAGE)
    # A village cadre inspecting his township.
    assert Rule.current_unit in violated(cadre(unit=VILLAGE, unit_name="北岗村"), TOWN)
    # Siblings are not linked.
    assert violated(cadre(unit=VILLAGE, unit_name="北岗村"), OTHER_VILLAGE) == {}
    assert violated(finance, AUDIT) == {}


def test_free_text_unit_with_the_org_name_counts_as_the_unit() -> None:
    c = cadre(unit=None, unit_name="县 财政局")
    assert Rule.current_unit in violated(c, FINANCE)
    assert violated(cadre(unit=None, unit_name="县教育局"), FINANCE) == {}


def test_a_post_without_end_date_is_a_current_unit() -> None:
    c = cadre(posts=(Post(FINANCE, "副局长（兼）", date(2024, 1, 1), None),))
    assert set(violated(c, FINANCE)) == {Rule.current_unit}


@pytest.mark.parametrize(
    ("ended", "years", "bars"),
    [
        (date(2021, 3, 2), 5, True),  # exactly five years ago: still inside the window
        (date(2021, 3, 1), 5, False),  # one day more: outside
        (date(2023, 6, 30), 3, True),
        (date(2023, 3, 1), 3, False),
        (date(2016, 6, 30), 10, True),  # a jurisdiction with a longer window
    ],
)
def test_former_unit_within_the_configured_window(ended: date, years: int, bars: bool) -> None:
    c = cadre(posts=(Post(FINANCE, "科长", date(2015, 1, 1), ended),))
    reasons = violated(c, FINANCE, years)
    assert (Rule.former_unit in reasons) is bars
    if bars:
        assert f"离任未满{years}年" in reasons[Rule.former_unit]
    else:
        finding = next(
            f
            for f in check(c, FINANCE, today=TODAY, former_unit_years=years)
            if f.rule == Rule.former_unit
        )
        assert "超过" in finding.message_zh and not finding.violated


def test_former_unit_reaches_villages_of_a_former_township() -> None:
    c = cadre(posts=(Post(TOWN, "副镇长", date(2018, 1, 1), date(2024, 6, 30)),))
    assert Rule.former_unit in violated(c, VILLAGE)
    assert violated(c, OTHER_VILLAGE) == {}


def test_home_township_and_its_villages() -> None:
    c = cadre(home_township=TOWN)
    assert set(violated(c, TOWN)) == {Rule.home_township}
    reasons = violated(c, VILLAGE)
    assert set(reasons) == {Rule.home_township}
    assert "家乡" in reasons[Rule.home_township] and "祥和镇" in reasons[Rule.home_township]
    assert violated(c, OTHER_VILLAGE) == {}
    # Without a home township on record the rule passes, and says why.
    finding = check(cadre(), VILLAGE, today=TODAY, former_unit_years=5)[2]
    assert finding.rule == Rule.home_township and "未登记" in finding.message_zh


def test_declared_relative() -> None:
    c = cadre(relatives=(Relative(OTHER_VILLAGE, "配偶"),))
    reasons = violated(c, OTHER_VILLAGE)
    assert set(reasons) == {Rule.relative}
    assert "配偶" in reasons[Rule.relative] and "亲属回避" in reasons[Rule.relative]
    assert violated(c, OTHER_TOWN) == {}


def test_several_rules_at_once() -> None:
    c = cadre(
        unit=TOWN,
        unit_name="祥和镇",
        home_township=TOWN,
        relatives=(Relative(VILLAGE, "父亲"),),
    )
    assert set(violated(c, VILLAGE)) == {Rule.current_unit, Rule.home_township, Rule.relative}


def test_window_start_on_leap_day() -> None:
    assert window_start(date(2028, 2, 29), 5) == date(2023, 2, 28)
    assert window_start(date(2026, 3, 2), 5) == date(2021, 3, 2)


def test_replacements_skip_conflicts_and_rank_by_matching_specialty() -> None:
    pool = [
        cadre("甲", code="C1", specialties=("finance_audit",)),
        cadre("乙", code="C2", specialties=("finance_audit", "discipline")),
        cadre("丙", code="C3", specialties=("agriculture",)),
        cadre("丁", code="C4", specialties=("finance_audit", "discipline"), home_township=TOWN),
        cadre("戊", code="C0", specialties=()),
    ]
    ranked = rank_replacements(
        pool,
        [TOWN, OTHER_VILLAGE],
        wanted=["finance_audit", "discipline"],
        today=TODAY,
        former_unit_years=5,
        limit=3,
    )
    assert [c.cadre.name for c in ranked] == ["乙", "甲", "戊"]
    assert ranked[0].matching == ("finance_audit", "discipline")
    # Nobody without a conflict: nobody suggested.
    assert (
        rank_replacements(
            [pool[3]], [TOWN], wanted=["discipline"], today=TODAY, former_unit_years=5
        )
        == []
    )
