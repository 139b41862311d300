"""撤回移交: the office's clue keeper recalls a transfer that is still awaiting receipt.

A clue sent to the wrong place waits for a receipt no one will give; the keeper takes it
back, with a reason (sealed, like every note), to where it stood before the transfer:
reviewed, without a recipient, receipt limit or transfer time, so that it no longer counts
as transferred and can be transferred again. Only while the recipient has not signed for
it: once accepted, the recipient returns it instead (退回补充材料). Flush, never commit.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.events.clues import ClueStatus, ClueTransferRecalled

from clues.crypto import Sealer
from clues.ledger.access import Viewer, require_keeper
from clues.ledger.lifecycle import ClueAction, move
from clues.ledger.models import Clue
from clues.ledger.schemas import RecallWrite
from clues.ledger.service import add_note, changed, locked


async def recall_transfer(
    session: AsyncSession,
    *,
    clue_id: uuid.UUID,
    data: RecallWrite,
    who: Viewer,
    expected_version: int,
    sealer: Sealer,
    now: datetime,
) -> Clue:
    """Back to reviewed (409 unless the transfer awaits receipt; 403 unless the keeper)."""
    clue = await locked(session, clue_id=clue_id, who=who, expected_version=expected_version)
    require_keeper(who, "撤回移交", "recall transfers")
    clue.status = move(ClueStatus(clue.status), ClueAction.recall).value
    recalled_from = clue.recipient_org_id
    assert recalled_from is not None  # a transferred clue has its recipient
    clue.recipient_kind = clue.recipient_org_id = None
    clue.transferred_at = clue.transferred_by = None
    clue.receipt_due_on = None
    await add_note(
        session,
        clue=clue,
        kind="recall",
        text=data.reason,
        by=who.principal.subject,
        sealer=sealer,
        now=now,
    )
    await changed(
        session,
        clue=clue,
        action=ClueAction.recall,
        who=who,
        now=now,
        event=ClueTransferRecalled,
        event_fields={"recalled_at": now, "recalled_from_org_id": recalled_from},
        detail={"recalled_from_org_id": str(recalled_from)},
    )
    return clue
