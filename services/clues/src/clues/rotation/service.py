"""Key rotation: re-encrypt sealed clue content and notes under the current (first) key.

Run after putting a new key first in ``clue_keys`` (README, "Key rotation"); rows already
under the current key are left alone, so it can be rerun until it reports nothing left,
and each call handles a bounded batch under row locks.
"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from xuncha_shared.db import DbSession
from xuncha_shared.http import CurrentPrincipal, Now

from clues.audit import service as audit
from clues.crypto import Sealer
from clues.deps import SealerDep
from clues.ledger.access import require_keeper, viewer
from clues.ledger.models import Clue, ClueNote

BATCH = 1000


class ReEncrypted(BaseModel):
    clues: int = Field(title="本次重新加密的线索数")
    notes: int = Field(title="本次重新加密的备注数")
    remaining: bool = Field(title="是否还有未处理的记录", description="为真时请再次调用")


async def re_encrypt(session: AsyncSession, sealer: Sealer, *, batch: int = BATCH) -> ReEncrypted:
    """Move up to ``batch`` clues and notes (each) to the current key."""
    clues = (await session.scalars(select(Clue).order_by(col(Clue.id)).with_for_update())).all()
    notes = (
        await session.scalars(select(ClueNote).order_by(col(ClueNote.id)).with_for_update())
    ).all()
    stale_clues = [c for c in clues if not sealer.is_current(c.sealed)]
    stale_notes = [n for n in notes if not sealer.is_current(n.sealed)]
    for c in stale_clues[:batch]:
        c.sealed = sealer.rotate(c.sealed)
    for n in stale_notes[:batch]:
        n.sealed = sealer.rotate(n.sealed)
    await session.flush()
    return ReEncrypted(
        clues=min(len(stale_clues), batch),
        notes=min(len(stale_notes), batch),
        remaining=len(stale_clues) > batch or len(stale_notes) > batch,
    )


router = APIRouter(tags=["ledger"])


@router.post(
    "/maintenance/re-encrypt",
    response_model=ReEncrypted,
    summary="密钥轮换：重新加密",
    description="把新密钥放在 clue_keys 首位并重启后，由巡察办调用，"
    "把线索的加密内容改用新密钥加密；remaining 为真时再次调用。全部完成后即可从配置中删去旧密钥。",
)
async def re_encrypt_clues(
    session: DbSession, principal: CurrentPrincipal, now: Now, sealer: SealerDep
) -> ReEncrypted:
    require_keeper(viewer(principal), "重新加密线索", "re-encrypt clues")
    result = await re_encrypt(session, sealer)
    await audit.record(
        session,
        actor=principal,
        action="re_encrypt",
        now=now,
        detail={"clues": result.clues, "notes": result.notes},
    )
    return result
