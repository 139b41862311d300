"""The demo's county and plan, without a platform: deterministic, shaped like 温县, dates
that make sense for today, and a step list later services can hook into."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

from xuncha_shared.events.planning import RoundStatus

from xuncha.demo import FULL, SMALL, Step, build_county, build_steps
from xuncha.demo.clues import clue_plan
from xuncha.demo.findings.problems import expected_problems
from xuncha.demo.problem_texts import plan_problems
from xuncha.demo.rectification import finished_orgs, red_org
from xuncha.demo.rounds import RoundHook

TODAY = date(2026, 11, 22)


def test_the_full_county_is_shaped_like_wenxian_and_the_same_for_a_seed() -> None:
    county = build_county(0, size=FULL, today=TODAY)
    kinds = Counter(o.kind.value for o in county.orgs)
    assert kinds["township"] == 11
    assert kinds["department"] == 79
    assert kinds["village"] + kinds["community"] == 270
    assert len(county.pool.cadres) == 130
    assert all(c.account for c in county.pool.cadres)
    assert set(county.indicators) == {
        o.code for o in county.orgs if o.kind.value in {"village", "community"}
    }
    assert [r.code for r in build_county(0, size=FULL, today=TODAY).orgs] == [
        r.code for r in county.orgs
    ]
    other = build_county(1, size=FULL, today=TODAY)
    assert [o.name for o in other.orgs] != [o.name for o in county.orgs]


def test_rounds_lie_in_the_term_four_past_and_one_on_site_today() -> None:
    for today in (TODAY, date(2027, 1, 10), date(2026, 9, 30), date(2026, 10, 1)):
        county = build_county(0, size=FULL, today=today)
        assert county.term_starts_on < today < county.term_ends_on
        past, current = county.rounds[:-1], county.rounds[-1]
        assert [r.target for r in county.rounds] == [
            "closed", "closed", "closed", "rectifying", "on_site",
        ]  # fmt: skip
        for r in county.rounds:
            assert county.term_starts_on <= r.on_site_from <= r.on_site_until
            assert r.on_site_until <= county.term_ends_on
        assert all(r.on_site_until < today for r in past)
        assert current.on_site_from <= today <= current.on_site_until
        assert [r.on_site_from for r in county.rounds] == sorted(
            r.on_site_from for r in county.rounds
        )


def test_each_org_is_inspected_once_and_consulted_departments_not_at_all() -> None:
    county = build_county(0, size=FULL, today=TODAY)
    codes = [c for r in county.rounds for c in r.org_codes]
    assert len(codes) == len(set(codes))
    consulted = {code for code, _ in county.consulted}
    assert len(consulted) == 4
    assert not consulted & set(codes)
    by_code = county.by_code()
    for r in county.rounds:
        for group in r.groups.values():
            # A village comes with its township, in the same group, after it (巡乡带村).
            for i, code in enumerate(group):
                parent = by_code[code].parent_code
                if parent:
                    assert parent in group[:i]


def test_later_services_hook_steps_after_a_stage() -> None:
    county = build_county(0, size=SMALL, today=TODAY)

    async def nothing(ctx: object) -> None:
        return None

    async def never(ctx: object) -> bool:
        return False

    def problems(plan: object) -> Step:
        number = getattr(plan, "number", 0)
        return Step(f"round{number}.problems", "问题", 5, nothing, never)

    hooks: dict[RoundStatus, list[RoundHook]] = {RoundStatus.on_site: [problems]}
    names = [s.name for s in build_steps(county, hooks)]
    assert names[:7] == ["orgs", "roster", "calendar", "term", "pool", "villages", "rounds"]
    for number in range(1, 6):
        on_site = names.index(f"round{number}.on_site")
        assert names[on_site + 1 : on_site + 3] == [
            f"round{number}.briefing.during",
            f"round{number}.problems",
        ]
        assert names.index(f"round{number}.consultation") < on_site
    assert names[-1] == "round5.problems"
    assert "round5.reporting" not in names
    assert len(names) == len(set(names))


def test_findings_hook_onto_the_stages_and_the_round_on_site_gets_on_site_steps_only() -> None:
    county = build_county(0, size=SMALL, today=TODAY)
    names = [s.name for s in build_steps(county)]
    assert names[7] == "findings.settings"
    for number in range(1, 5):
        order = [
            f"round{number}.on_site",
            f"round{number}.problems",
            f"round{number}.public_reports",
            f"round{number}.reporting",
            f"round{number}.reports",
            f"round{number}.feedback",
            f"round{number}.findings_feedback",
            f"round{number}.letters",
        ]
        assert [names.index(n) for n in order] == sorted(names.index(n) for n in order)
    assert names[-3:] == ["round5.problems", "round5.public_reports", "round5.clues"]
    assert len(names) == len(set(names))


def test_clues_and_rectification_hook_onto_the_stages_after_findings() -> None:
    county = build_county(0, size=SMALL, today=TODAY)
    names = [s.name for s in build_steps(county)]
    for number in range(1, 6):
        clues = names.index(f"round{number}.clues")
        assert names.index(f"round{number}.public_reports") < clues
        if number < 5:
            assert clues < names.index(f"round{number}.reporting")
    for number in range(1, 5):
        order = [
            f"round{number}.findings_feedback",
            f"round{number}.letters",
            f"round{number}.rectification_plans",
            f"round{number}.rectifying",
            f"round{number}.rectification_progress",
        ]
        assert [names.index(n) for n in order] == sorted(names.index(n) for n in order)
    for number in range(1, 4):
        assert names.index(f"round{number}.closed") < names.index(
            f"round{number}.rectification_report"
        )
    assert "round4.rectification_report" not in names
    assert not any(n.startswith("round5.rectification") for n in names)


def test_the_clue_and_rectification_plans_fit_each_rounds_stage() -> None:
    county = build_county(0, size=FULL, today=TODAY)
    for plan in county.rounds:
        clues = clue_plan(county, plan)
        assert len(clues) >= 5 and sum(c.from_report for c in clues) == 1
        targets = {c.target for c in clues}
        if plan.target == "closed":
            assert targets == {"closed"} and sum(c.returned_once for c in clues) == 1
            assert all(c.outcome is not None for c in clues)
        elif plan.target == "rectifying":
            assert {"handling", "returned", "concluded"} == targets
        else:
            assert targets == {"draft", "reviewed", "transferred", "accepted", "handling"}
        for c in clues:
            assert c.recipient == (
                "organization" if c.category == "cadre_selection" else "discipline"
            )
            assert c.person["name"] and c.person["post"] and c.allegation
        assert clue_plan(county, plan) == clues
    outcomes = [c.outcome for p in county.rounds for c in clue_plan(county, p) if c.outcome]
    assert sum(o.case_filed for o in outcomes) > 0
    assert sum(o.money_recovered_yuan for o in outcomes) > 0
    rectifying = county.rounds[3]
    assert red_org(county, rectifying) is not None and finished_orgs(county, rectifying)
    assert all(red_org(county, p) is None for p in county.rounds if p is not rectifying)


def test_problems_are_plausible_and_the_same_for_a_seed() -> None:
    county = build_county(0, size=FULL, today=TODAY)
    by_code = county.by_code()
    village = immediate = 0
    for plan in county.rounds:
        for code in plan.org_codes:
            kind = by_code[code].kind
            found = plan_problems(0, plan.number, code, kind)
            assert found == plan_problems(0, plan.number, code, kind)
            assert 6 <= len(found) <= 10
            grassroots = kind.value in {"village", "community"}
            for p in found:
                assert all(c not in p.description for c in "{}")
                if p.category in {"village_assets", "benefit_policies", "living_environment"}:
                    assert kind.value in {"village", "community", "township"}
                if p.amount_yuan is not None:
                    assert Decimal(p.amount_yuan) > 0 and p.amount_yuan.count(".") == 1
                if grassroots:
                    village += 1
                    immediate += p.immediate
        assert expected_problems(county, plan) >= 6 * len(plan.org_codes)
    assert immediate > 0.8 * village
    # Problems vary from org to org and from seed to seed.
    first = county.rounds[0].org_codes[0]
    kind = by_code[first].kind
    assert plan_problems(0, 1, first, kind) != plan_problems(1, 1, first, kind)
    texts = {p.description for p in plan_problems(0, 1, first, kind)}
    assert len(texts) >= 6
