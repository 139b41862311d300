"""The circular as an official letter (.docx), in the jurisdiction's letter template (the
one the other letters use; the office may upload its own for the kind ``circular``)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.documents import LetterContent, load_template, render_letter
from xuncha_shared.events.rectification import TypicalCaseKind

from rectification.circulars.schemas import CircularRead
from rectification.circulars.service import KIND_ZH
from rectification.models import LETTER_TEMPLATES
from rectification.rules.repository import effective_rules

KIND = "circular"
TITLE = "巡察整改典型案例通报"
KINDS = {KIND: TITLE}
ADDRESSEE = "各乡镇党委，县直各单位党组织"
DRAFT_NUMBER = "（草稿，未编号）"
CLOSING = "各级党组织要以案为鉴，切实扛起巡察整改主体责任，坚决防止整改不力、敷衍整改、虚假整改。"


def circular_items(circular: CircularRead) -> list[str]:
    """One paragraph per case: the org, the kind of failure, the finding."""
    return [
        f"{c.org_name or '有关单位'}{KIND_ZH[TypicalCaseKind(c.kind)]}问题。{c.finding}"
        for c in circular.cases
    ]


async def circular_docx(session: AsyncSession, circular: CircularRead) -> bytes:
    """The circular rendered: issuer, number (a draft says it has none), title, to every org
    of the jurisdiction, the opening, the cases, and the call to learn from them."""
    rules = await effective_rules(session, circular.jurisdiction)
    body = [circular.opening or "为严肃巡察整改纪律，现将有关典型案例通报如下。"]
    content = LetterContent(
        issuer=rules.issuer,
        doc_number=circular.doc_number or DRAFT_NUMBER,
        title=circular.title,
        addressee=ADDRESSEE,
        body=body,
        items=[*circular_items(circular), CLOSING],
        signed_by=rules.issuer,
        signed_on=circular.issued_on,
    )
    template = await load_template(
        session, LETTER_TEMPLATES, jurisdiction=circular.jurisdiction, kind=KIND, title_zh=TITLE
    )
    return render_letter(template, content)
