"""The interview letter's route, for the office."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Response
from xuncha_shared.auth import Principal, Role
from xuncha_shared.db import DbSession
from xuncha_shared.documents import DOCX_MEDIA_TYPE, docx_response
from xuncha_shared.http import Now
from xuncha_shared.web import ERRORS, roles_allowed

from rectification.access.policy import access_for
from rectification.letters import service
from rectification.letters.service import TITLE

router = APIRouter(tags=["cards"], responses=ERRORS)

LetterOffice = Annotated[
    Principal,
    roles_allowed(
        Role.office,
        why=(
            "只有巡察办可以生成约谈通知书",
            "Only the inspection office may issue interview notices",
        ),
    ),
]


@router.post(
    "/cards/{card_id}/interview-letter",
    summary="生成约谈通知书（.docx）",
    description="巡察办为红牌预警生成致被巡察党组织的约谈通知书：列明预警理由、约谈和现场督导期限，"
    "按本地区模板排版。首次生成时编发文号，以后再生成文号不变。",
    response_class=Response,
    responses={
        200: {"content": {DOCX_MEDIA_TYPE: {}}, "description": "约谈通知书"},
        409: {"description": "不是红牌预警"},
    },
)
async def interview_letter(
    card_id: Annotated[uuid.UUID, Path(title="预警编号")],
    session: DbSession,
    actor: LetterOffice,
    now: Now,
) -> Response:
    number, content = await service.interview_letter(
        session, card_id=card_id, access=access_for(actor), now=now
    )
    return docx_response(
        content,
        f"{TITLE}（{number}）.docx",
        fallback="interview-letter.docx",
        etag_value=None,
    )
