"""The office's figures (成绩单), exactly as the scenario implies."""

from __future__ import annotations

from typing import Any

from xuncha_shared.testing.plugin import eventually

from tests.e2e.scenario import WAIT, Cast, Scenario
from tests.e2e.stages.clue_handling import CLUE_OUTCOMES
from tests.e2e.stages.on_site import FINDINGS_PLAN, Problems, slot
from tests.e2e.stages.rectifying import Rectified
from tests.e2e.stages.registry_and_round import Round


async def figures(s: Scenario, cast: Cast, rnd: Round, problems: Problems, done: Rectified) -> None:
    """成绩单 exactly as the scenario implies, for the round and for the term."""
    livelihood = {
        p
        for code, ids in problems.by_org.items()
        for p, f in zip(ids, FINDINGS_PLAN[slot(cast, code)], strict=True)
        if f[1]
    } | {problems.from_report}
    solved = len(livelihood & done.accepted)
    want = {
        "problems_fed_back": len(problems.all),
        "clues_transferred": 2,
        "cases_filed": sum(1 for o in CLUE_OUTCOMES if o[0]),
        "persons_sanctioned": sum(o[1] for o in CLUE_OUTCOMES),
        "organizational_handlings": sum(o[2] for o in CLUE_OUTCOMES),
        "money_recovered_yuan": "50000.00",
        "institutions_built": done.institutions,
        "tasks_total": len(problems.all),
        "tasks_accepted": len(done.accepted),
        "livelihood_problems_solved": solved,
    }
    assert solved == 4

    def picked(f: dict[str, Any]) -> dict[str, Any]:
        got = {k: f[k] for k in want}
        got["money_recovered_yuan"] = f"{float(got['money_recovered_yuan']):.2f}"
        return got

    last: list[dict[str, Any]] = []

    async def settled() -> bool:
        f = await s.call("GET", "/api/planning/figures", s.office, params={"round_id": rnd.id})
        last[:] = [f]
        return picked(f) == want

    try:
        await eventually(settled, timeout=WAIT, interval=0.5)
    except AssertionError:
        raise AssertionError(f"figures {picked(last[0])} != {want}") from None
    f = last[0]
    assert f["rounds_held"] == 1
    assert f["completion_rate"] is not None
    assert (
        abs(float(f["completion_rate"]) - len(done.accepted) / len(problems.all)) < 1e-6
        or abs(float(f["completion_rate"]) - 100 * len(done.accepted) / len(problems.all)) < 0.1
    ), f["completion_rate"]
    term_id = await s.ctx.term_id()
    by_term = await s.call("GET", "/api/planning/figures", s.office, params={"term_id": term_id})
    assert picked(by_term) == want
    cov = by_term["coverage"]
    assert cov["orgs_covered"] == len(cast.inspected), cov
    assert cov["orgs_in_scope"] == 360, cov
    assert abs(cov["coverage_percent"] - 100 * len(cast.inspected) / 360) < 0.1, cov
    # Every figure opens to its records; the clue figures are counts only.
    fed = await s.items(
        "/api/planning/figures/problems_fed_back/records", s.office, round_id=rnd.id
    )
    assert sorted(str(r["record_id"]) for r in fed) == sorted(problems.all)
    transferred = await s.items(
        "/api/planning/figures/clues_transferred/records", s.office, round_id=rnd.id
    )
    assert sum(r["quantity"] for r in transferred) == 2
    assert all(r["record_id"] is None and r["link"] is None for r in transferred), transferred
    s.lap("figures")
