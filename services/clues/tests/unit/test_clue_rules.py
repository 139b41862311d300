"""The clue's rules without a database: the lifecycle table, the reconciliation compare, the
sealer with rotation, and the stages a clue is chased on."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from clues.chase.limits import open_stages
from clues.chase.schemas import LimitsWrite
from clues.crypto import Sealer
from clues.ledger.lifecycle import ClueAction, allowed_actions, move
from clues.ledger.models import Clue
from clues.reconciliation.models import RecipientLedger
from clues.reconciliation.service import compare
from cryptography.fernet import Fernet, InvalidToken
from xuncha_shared.events.clues import ClueStage, ClueStatus
from xuncha_shared.problems import Conflict
from xuncha_shared.workdays import WorkdayCalendar


def test_the_lifecycle_moves_and_refuses_with_the_allowed_actions() -> None:
    status = ClueStatus.draft
    for action, expected in [
        (ClueAction.review, ClueStatus.reviewed),
        (ClueAction.transfer, ClueStatus.transferred),
        (ClueAction.return_, ClueStatus.returned),
        (ClueAction.review, ClueStatus.reviewed),
        (ClueAction.transfer, ClueStatus.transferred),
        (ClueAction.receipt, ClueStatus.accepted),
        (ClueAction.progress, ClueStatus.accepted),
        (ClueAction.disposal, ClueStatus.handling),
        (ClueAction.progress, ClueStatus.handling),
        (ClueAction.outcome, ClueStatus.concluded),
        (ClueAction.close, ClueStatus.closed),
    ]:
        status = move(status, action)
        assert status == expected
    assert allowed_actions(ClueStatus.closed) == []
    with pytest.raises(Conflict) as refused:
        move(ClueStatus.handling, ClueAction.close)
    assert refused.value.extra["allowed_actions"] == ["progress", "outcome"]


def _clue(status: ClueStatus, **kw: Any) -> Clue:
    return Clue(
        id=uuid.uuid4(),
        jurisdiction="x",
        round_id=uuid.uuid4(),
        category="mass",
        sealed=b"",
        status=status.value,
        proposed_by="g",
        proposed_at=datetime(2026, 3, 2, tzinfo=UTC),
        updated_at=datetime(2026, 3, 2, tzinfo=UTC),
        **kw,
    )


def test_reconciliation_compares_status_and_figures() -> None:
    org = uuid.uuid4()
    same = _clue(
        ClueStatus.concluded,
        case_filed=True,
        persons_sanctioned=1,
        money_recovered_yuan=Decimal("5"),
    )
    late = _clue(ClueStatus.handling)
    ledger = RecipientLedger(
        recipient_org_id=org,
        jurisdiction="x",
        posted_by="d",
        posted_at=datetime.now(UTC),
        entries=[
            {
                "clue_id": str(same.id),
                "status": "concluded",
                "case_filed": True,
                "persons_sanctioned": 1,
                "money_recovered_yuan": "5.00",
            },
            {"clue_id": str(late.id), "status": "accepted"},
        ],
    )
    report = compare(org, [same, late], ledger)
    assert report.matched == 1
    assert [
        (d.clue_id, d.field, d.office_value, d.department_value) for d in report.differences
    ] == [(late.id, "status", "handling", "accepted")]
    assert compare(org, [late], None).differences[0].kind == "missing_in_department"


def test_the_sealer_rotates_keys() -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    token = Sealer([old]).seal({"person": {"name": "某"}})
    both = Sealer([new, old])
    assert both.open(token)["person"]["name"] == "某"
    assert not both.is_current(token)
    rotated = both.rotate(token)
    assert both.is_current(rotated)
    assert Sealer([new]).open(rotated)["person"]["name"] == "某"
    with pytest.raises(InvalidToken):
        Sealer([new]).open(token)


def test_the_stages_a_clue_is_chased_on() -> None:
    limits = LimitsWrite(
        transfer_workdays=5,
        receipt_workdays=3,
        first_progress_workdays=15,
        conclusion_workdays=90,
        supervision_grace_workdays=5,
    )
    calendar = WorkdayCalendar()
    monday = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in Beijing
    accepted = _clue(ClueStatus.accepted, accepted_at=monday)
    assert [(s.stage, s.due_on) for s in open_stages(accepted, limits, calendar)] == [
        (ClueStage.first_progress, date(2026, 3, 23)),
        (ClueStage.conclusion, calendar.add_workdays(date(2026, 3, 2), 90).due),
    ]
    accepted.first_progress_at = monday
    assert [s.stage for s in open_stages(accepted, limits, calendar)] == [ClueStage.conclusion]
    assert open_stages(_clue(ClueStatus.draft), limits, calendar) == []
    assert open_stages(_clue(ClueStatus.concluded), limits, calendar) == []
