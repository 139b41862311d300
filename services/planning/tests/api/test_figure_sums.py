"""The figures' sums (planning.figure_sums) always equal the facts they sum: after events,
their redelivery, corrections that change, move or remove a fact, and a recall."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from xuncha_shared.events.clues import ClueConcluded, ClueStatus, ClueTransferRecalled
from xuncha_shared.events.rectification import TaskAccepted
from xuncha_shared.testing.plugin import eventually

from .rounds_factories import J
from .test_figures import WHEN, County, county, deliver, figures, scenario  # noqa: F401

pytestmark = pytest.mark.postgres

SUMMED_FACTS = """
    SELECT jurisdiction, kind, round_id, org_id, extract(year FROM occurred_on)::int AS year,
           count(*) AS facts, sum(quantity) AS quantity, count(amount_yuan) AS amounts,
           coalesce(sum(amount_yuan), 0) AS amount_yuan
    FROM planning.figure_facts GROUP BY 1, 2, 3, 4, 5"""
SUMS = """
    SELECT jurisdiction, kind, round_id, org_id, year, facts, quantity, amounts, amount_yuan
    FROM planning.figure_sums WHERE facts <> 0"""


async def sums_equal_facts(db: Any) -> set[tuple[Any, ...]]:
    facts = {tuple(r) for r in await db.fetch(SUMMED_FACTS)}
    sums = {tuple(r) for r in await db.fetch(SUMS)}
    assert sums == facts
    leftovers = await db.fetch(
        "SELECT * FROM planning.figure_sums WHERE facts = 0 AND"
        " (quantity <> 0 OR amounts <> 0 OR amount_yuan <> 0)"
    )
    assert leftovers == []
    return sums


async def test_the_figure_sums_equal_the_facts_after_redelivery_and_corrections(
    county: County,  # noqa: F811 (the fixture imported above)
    database_url: str,
    topic_prefix: str,
    db: Any,
) -> None:
    events = scenario(county)
    await deliver(database_url, topic_prefix, *events)

    async def delivered() -> bool:
        return bool((await figures(county))["institutions_built"])

    await eventually(delivered)
    first = await sums_equal_facts(db)
    before = await figures(county)

    # Every event again: nothing changes.
    await deliver(database_url, topic_prefix, *events)
    concluded = next(e for e in events if isinstance(e, ClueConcluded))
    accepted = next(e for e in events if isinstance(e, TaskAccepted) and e.livelihood)
    # Corrections: the clue's outcome redone (no case, one person, no money), the livelihood
    # acceptance moved a year on (its facts move to another slice), the other clue recalled.
    corrected = concluded.model_copy(
        update={
            "version": concluded.version + 1,
            "case_filed": False,
            "persons_sanctioned": 1,
            "organizational_handlings": 0,
            "money_recovered_yuan": Decimal(0),
        }
    )
    moved = accepted.model_copy(update={"accepted_at": WHEN + timedelta(days=366)})
    other = next(e for e in events if getattr(e, "clue_id", None) not in (None, concluded.clue_id))
    recalled = ClueTransferRecalled(
        jurisdiction=J,
        clue_id=other.clue_id,  # type: ignore[attr-defined]
        round_id=county.round_id,
        org_id=other.org_id,  # type: ignore[attr-defined]
        status=ClueStatus.reviewed,
        version=4,
        recalled_at=WHEN,
        recalled_from_org_id=county.org("T01"),
    )
    await deliver(database_url, topic_prefix, corrected, moved, recalled)

    async def corrected_figures() -> dict[str, Any] | None:
        f = await figures(county)
        return f if f["clues_transferred"] == 1 and f["cases_filed"] == 0 else None

    after = await eventually(corrected_figures)
    final = await sums_equal_facts(db)
    assert final != first
    assert (before["persons_sanctioned"], after["persons_sanctioned"]) == (2, 1)
    assert after["money_recovered_yuan"] == "0" and before["money_recovered_yuan"] != "0"
    assert after["livelihood_problems_solved"] == before["livelihood_problems_solved"] == 1
    years = await figures(county, year=WHEN.year + 1)
    assert (years["tasks_accepted"], years["livelihood_problems_solved"]) == (1, 1)
