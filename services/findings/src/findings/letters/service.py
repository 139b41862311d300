"""Letters: numbered per jurisdiction, series (巡提/巡建/巡督) and year without gaps,
rendered from the jurisdiction's template, replies recorded (late ones flagged), overdue
replies emitted once by the periodic job.

Who reads a letter: the office and leadership of the jurisdiction; the addressee org
(``principal.org_id``); a leader whose account it was copied to (抄报)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Forbidden, Principal, Role
from xuncha_shared.calendar import load_calendar
from xuncha_shared.documents import (
    LetterContent,
    format_document_number,
    load_template,
    render_letter,
    take_document_number,
)
from xuncha_shared.events.findings import LetterKind, LetterReplied, LetterSent
from xuncha_shared.messaging import emit
from xuncha_shared.problems import Conflict, NotFound, Unprocessable
from xuncha_shared.workdays import local_day

from findings.access.policy import office_of
from findings.letters import repository
from findings.letters.models import Letter, LetterProblem
from findings.letters.schemas import SERIES, TITLES_ZH, LetterCreate, LetterRead, LetterReplyWrite
from findings.models import CALENDAR, DOCUMENT_NUMBERS, LETTER_TEMPLATES
from findings.settings import effective as jurisdiction_settings


async def get_letter(
    session: AsyncSession, *, letter_id: uuid.UUID, actor: Principal, for_update: bool = False
) -> Letter:
    found = await repository.visible_letter(
        session, letter_id, repository.visibility(actor), for_update=for_update
    )
    if found is None:
        raise NotFound("函件不存在", "No such letter", field="letter_id")
    return found


async def reads(session: AsyncSession, letters: Sequence[Letter]) -> list[LetterRead]:
    ids = [x.id for x in letters]
    links = await repository.problem_ids_of(session, ids)
    return [
        LetterRead(
            id=x.id,
            kind=LetterKind(x.kind),
            doc_number=x.doc_number,
            title=x.title,
            addressee_org_id=x.addressee_org_id,
            addressee_name=x.addressee_name,
            round_id=x.round_id,
            term_id=x.term_id,
            problem_ids=sorted(links[x.id], key=str),
            copy_to_accounts=list(x.copy_to_accounts),
            copy_to_names=list(x.copy_to_names),
            copy_to_org_ids=list(x.copy_to_org_ids),
            reply_due_on=x.reply_due_on,
            reply_text=x.reply_text,
            replied_at=x.replied_at,
            sent_by=x.sent_by,
            sent_at=x.sent_at,
            version=x.version,
        )
        for x in letters
    ]


async def send_letter(
    session: AsyncSession, *, data: LetterCreate, actor: Principal, now: datetime
) -> Letter:
    """Number, render and send a letter about problems of the office's jurisdiction
    (validated first; the number is taken last so its row lock is short)."""
    office_of(actor, "发函", "send letters")
    addressee = await repository.org(session, data.addressee_org_id)
    if addressee is None or addressee["jurisdiction"] != actor.jurisdiction:
        raise Unprocessable("主送单位不存在", "No such addressee org", field="addressee_org_id")
    wanted = list(dict.fromkeys(data.problem_ids))
    problems = await repository.problems_of_jurisdiction(session, wanted, actor.jurisdiction)
    if len(problems) != len(wanted):
        raise Unprocessable("有的问题不存在", "Some problems do not exist", field="problem_ids")
    rounds = {p.round_id for p in problems}
    terms = {p.term_id for p in problems}
    settings = await jurisdiction_settings.effective(session, actor.jurisdiction)
    today = local_day(now)
    reply_due_on = None
    if data.reply_required:
        calendar = await load_calendar(session, CALENDAR, actor.jurisdiction)
        reply_due_on = calendar.add_workdays(
            today, data.reply_workdays or settings.letter_reply_workdays
        ).due
    org_names = await repository.org_names(session, {p.org_id for p in problems})
    kind_title = TITLES_ZH[data.kind]
    title = data.title or f"关于{problems[0].category_name}等问题的{kind_title}"
    body = data.body or [_default_body(data.kind, len(problems), len({p.org_id for p in problems}))]
    items = [f"{org_names.get(p.org_id, '')}：{p.description}" for p in problems]
    items += [f"建议：{r}" for r in data.recommendations]
    series = SERIES[data.kind]
    number = await take_document_number(
        session, DOCUMENT_NUMBERS, jurisdiction=actor.jurisdiction, series=series, year=today.year
    )
    doc_number = format_document_number(
        issuer_short=settings.issuer_short, series=series, year=today.year, number=number
    )
    template = await load_template(
        session,
        LETTER_TEMPLATES,
        jurisdiction=actor.jurisdiction,
        kind=data.kind.value,
        title_zh=kind_title,
    )
    content = LetterContent(
        issuer=settings.issuer_name,
        doc_number=doc_number,
        title=title,
        addressee=addressee["name"],
        body=body,
        items=items,
        reply_deadline=reply_due_on,
        copies_to=[c.name for c in data.copy_to],
        signed_by=settings.issuer_name,
        signed_on=today,
    )
    letter = Letter(
        jurisdiction=actor.jurisdiction,
        kind=data.kind.value,
        doc_number=doc_number,
        title=title,
        addressee_org_id=data.addressee_org_id,
        addressee_name=addressee["name"],
        round_id=next(iter(rounds)) if len(rounds) == 1 else None,
        term_id=next(iter(terms)) if len(terms) == 1 else None,
        body="\n".join(body),
        copy_to_accounts=[c.account for c in data.copy_to],
        copy_to_names=[c.name for c in data.copy_to],
        copy_to_org_ids=list(data.copy_to_org_ids),
        reply_due_on=reply_due_on,
        docx=render_letter(template, content),
        sent_by=actor.subject,
        sent_at=now,
    )
    session.add(letter)
    await session.flush()
    session.add_all([LetterProblem(letter_id=letter.id, problem_id=p.id) for p in problems])
    await emit(
        session,
        LetterSent(
            jurisdiction=letter.jurisdiction,
            letter_id=letter.id,
            kind=data.kind,
            doc_number=doc_number,
            addressee_org_id=letter.addressee_org_id,
            round_id=letter.round_id,
            term_id=letter.term_id,
            copy_to_accounts=tuple(letter.copy_to_accounts),
            copy_to_org_ids=tuple(letter.copy_to_org_ids),
            problem_count=len(problems),
            reply_due_on=reply_due_on,
            sent_at=now,
        ),
    )
    await session.flush()
    return letter


def _default_body(kind: LetterKind, problems: int, orgs: int) -> str:
    if kind is LetterKind.recommendation:
        return (
            f"巡察中发现，{orgs}个单位存在以下{problems}个同类问题，属于行业性、系统性问题。"
            "现提出如下建议，请研究落实。"
        )
    if kind is LetterKind.supervision:
        return f"巡察发现以下{problems}个典型问题，现予督办，请认真整改。"
    return f"巡察中发现以下{problems}个问题，需由你单位研究解决，特此提醒。"


async def reply(
    session: AsyncSession,
    *,
    letter: Letter,
    data: LetterReplyWrite,
    actor: Principal,
    now: datetime,
) -> Letter:
    """The addressee (or the office entering it) records the written reply once."""
    if not (actor.org_uuid == letter.addressee_org_id or actor.has(Role.office)):
        raise Forbidden("只有主送单位可以回复", "Only the addressee may reply")
    if letter.replied_at is not None:
        raise Conflict("已回复", "Already replied", code="already-replied")
    letter.reply_text, letter.replied_at, letter.replied_by = data.text, now, actor.subject
    letter.version += 1
    late = letter.reply_due_on is not None and local_day(now) > letter.reply_due_on
    await emit(
        session,
        LetterReplied(
            jurisdiction=letter.jurisdiction,
            letter_id=letter.id,
            kind=LetterKind(letter.kind),
            doc_number=letter.doc_number,
            addressee_org_id=letter.addressee_org_id,
            round_id=letter.round_id,
            term_id=letter.term_id,
            replied_at=now,
            late=late,
        ),
    )
    await session.flush()
    return letter
