"""HTTP routes: 密钥轮换 Key rotation, for the office (listed with the ledger)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from xuncha_shared.auth import Principal, Role
from xuncha_shared.db import DbSession
from xuncha_shared.http import Now
from xuncha_shared.web import roles_allowed

from clues.deps import SealerDep
from clues.rotation import service
from clues.rotation.schemas import ReEncrypted

router = APIRouter(tags=["ledger"])


@router.post(
    "/maintenance/re-encrypt",
    response_model=ReEncrypted,
    summary="密钥轮换：重新加密",
    description="把新密钥放在 clue_keys 首位并重启后，由巡察办调用，"
    "把线索的加密内容改用新密钥加密；remaining 为真时再次调用。全部完成后即可从配置中删去旧密钥。",
)
async def re_encrypt_clues(
    principal: Annotated[
        Principal,
        roles_allowed(
            Role.office,
            why=("只有巡察办可以重新加密线索", "Only the inspection office may re-encrypt clues"),
        ),
    ],
    session: DbSession,
    now: Now,
    sealer: SealerDep,
) -> ReEncrypted:
    return await service.re_encrypt(session, sealer=sealer, actor=principal, now=now)
