"""The reminder (提醒函) and supervision letter (督办函), numbered and rendered with
:mod:`xuncha_shared.documents` (GB/T 9704 layout; the office may replace the templates).

A letter names the clue by its number, the stage that is late and the due day; never the
person named or the allegation, since letters travel by ordinary office channels.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.documents import (
    LetterContent,
    format_document_number,
    load_template,
    render_letter,
    take_document_number,
)
from xuncha_shared.events.clues import ClueStage

from clues.ledger.models import Clue
from clues.models import NUMBERS, TEMPLATES

KINDS = {"clue_reminder": "问题线索办理提醒函", "clue_supervision": "问题线索办理督办函"}
SERIES = {"reminder": "巡提", "supervision": "巡督"}
STAGE_ZH = {
    ClueStage.transfer: "研判后移交",
    ClueStage.receipt: "移交后签收",
    ClueStage.first_progress: "签收后首次报告办理进展",
    ClueStage.conclusion: "签收后办结",
}


async def number_letter(
    session: AsyncSession, *, jurisdiction: str, step: str, year: int, issuer_short: str
) -> tuple[int, str]:
    """The next gapless number of the step's series, and the formatted 文号."""
    series = SERIES[step]
    number = await take_document_number(
        session, NUMBERS, jurisdiction=jurisdiction, series=series, year=year
    )
    return number, format_document_number(
        issuer_short=issuer_short, series=series, year=year, number=number
    )


async def render_chase_letter(
    session: AsyncSession,
    *,
    step: str,
    doc_number: str,
    clue: Clue,
    stage: ClueStage,
    due_on: date,
    today: date,
    issuer: str,
    reply_workdays_due: date | None,
) -> bytes:
    """The letter as .docx, from the jurisdiction's template (or the built-in one)."""
    kind = f"clue_{step}"
    template = await load_template(
        session, TEMPLATES, jurisdiction=clue.jurisdiction, kind=kind, title_zh=KINDS[kind]
    )
    urge = "请抓紧办理" if step == "reminder" else "现予督办，请按期书面报告办理情况"
    content = LetterContent(
        issuer=issuer,
        doc_number=doc_number,
        title=KINDS[kind],
        addressee="线索管理人" if stage == ClueStage.transfer else "承办单位",
        body=[
            f"编号为 {clue.id} 的问题线索，“{STAGE_ZH[stage]}”环节应于"
            f"{due_on.year}年{due_on.month}月{due_on.day}日前完成，至今尚未完成。{urge}。"
        ],
        reply_deadline=reply_workdays_due,
        signed_by=issuer,
        signed_on=today,
    )
    return render_letter(template, content)
