"""The migration that gives existing notifications the roles their kind implies: role
audiences their role, accounts none, an org the side its event type's field means."""

from __future__ import annotations

import importlib.util
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from services.notify.tests.api.factories import J

VERSIONS = Path(__file__).resolve().parents[2] / "migrations" / "versions"
MIGRATION = VERSIONS / "0006_notifications_by_role.py"
INSPECTED = ["inspected"]
DEPARTMENT = ["department", "discipline", "organization"]


def _backfill_sql() -> str:
    spec = importlib.util.spec_from_file_location("notify_migration_0006", MIGRATION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return str(module.BACKFILL)


async def test_existing_notifications_get_the_roles_their_kind_implies(
    platform: Any, db: Any
) -> None:
    await platform("notify", scheduler_enabled=False, consumers_enabled=False)
    town, dept = str(uuid.uuid4()), str(uuid.uuid4())
    rows = [
        # (event type, subject, audience kind, value, roles expected)
        ("xuncha.rectification.deadline.due_soon.v1", "s1", "org", town, INSPECTED),
        ("xuncha.findings.feedback.issued.v1", town, "org", town, INSPECTED),
        ("xuncha.findings.feedback.issued.v1", town, "org", dept, DEPARTMENT),
        ("xuncha.clues.clue.reminder_issued.v1", "s2", "org", dept, DEPARTMENT),
        ("xuncha.planning.consultation.requested.v1", "s3", "org", dept, DEPARTMENT),
        ("xuncha.findings.public_report.triaged.v1", "s4", "org", dept, DEPARTMENT),
        ("xuncha.findings.letter.sent.v1", "s5", "org", dept, sorted(DEPARTMENT + INSPECTED)),
        ("xuncha.rectification.card.raised.v1", "s6", "role", "leadership", ["leadership"]),
        ("xuncha.clues.clue.accepted.v1", "s7", "account", "keeper-li", []),
    ]
    now = datetime.now(UTC)
    for i, (type_, subject, kind, value, _) in enumerate(rows):
        await db.execute(
            "INSERT INTO notify.notifications (id, event_id, event_type, event_time, subject,"
            " jurisdiction, rule_key, audience_kind, audience_value, title, body, link,"
            " in_inbox, created_at, roles) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,"
            " 't', 'b', '/x', true, $4, '{}')",
            uuid.uuid4(), uuid.uuid4(), type_, now, subject, J, f"rule-{i}", kind, value,
        )  # fmt: skip
    await db.execute(_backfill_sql())
    got = {
        (r["event_type"], r["audience_value"]): sorted(r["roles"])
        for r in await db.fetch(
            "SELECT event_type, audience_value, roles FROM notify.notifications"
        )
    }
    assert got == {(t, v): roles for t, _, _, v, roles in rows}
