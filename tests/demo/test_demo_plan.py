"""The demo's county and plan, without a platform: deterministic, shaped like 温县, dates
that make sense for today, and a step list later services can hook into."""

from __future__ import annotations

from collections import Counter
from datetime import date

from xuncha_shared.events.planning import RoundStatus

from xuncha.demo import FULL, SMALL, Step, build_county, build_steps
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
    assert names[:6] == ["orgs", "calendar", "term", "pool", "villages", "rounds"]
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
