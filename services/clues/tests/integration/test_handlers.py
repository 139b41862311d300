"""The projections the clues service keeps: a redelivered event has one effect, and a later
fact about the same public report (its triage) updates the same row."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from xuncha_shared.events.findings import (
    FoundBy,
    ProblemRecorded,
    PublicReportTriaged,
    TriageOutcome,
)
from xuncha_shared.orgs import OrgKind

from services.clues.tests.api.clue_factories import deliver, world


async def test_redelivered_events_have_one_effect(platform: Any, db: Any) -> None:
    running = await platform("clues", scheduler_enabled=False)
    app = running.apps["clues"]
    w = await world(app)
    problem = ProblemRecorded(
        jurisdiction=w.jurisdiction,
        problem_id=uuid.uuid4(),
        assignment_id=uuid.uuid4(),
        round_id=w.round_id,
        group_id=w.group_id,
        org_id=w.org_id,
        org_kind=OrgKind.village,
        category="funds",
        category_name="三资",
        found_by=FoundBy.visit,
        immediate=True,
        recorded_at=datetime.now(UTC),
    )
    await deliver(app, problem)
    await deliver(app, problem)
    assert (
        await db.fetchval(
            "SELECT count(*) FROM clues.source_problems WHERE id = $1", problem.problem_id
        )
        == 1
    )
    triaged = PublicReportTriaged(
        jurisdiction=w.jurisdiction,
        report_id=w.report_id,
        round_id=w.round_id,
        org_id=None,
        outcome=TriageOutcome.clue,
    )
    await deliver(app, triaged, triaged)
    assert await db.fetchval("SELECT count(*) FROM clues.source_reports") == 1
    assert await db.fetchval("SELECT org_id FROM clues.source_reports") is None
