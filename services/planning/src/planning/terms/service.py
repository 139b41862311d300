"""Domain operations on terms (届) and their scope (应巡对象). Keyword-only arguments; they
flush, never commit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Principal
from xuncha_shared.events.planning import TermOpened, TermScopeChanged, TermUpdated
from xuncha_shared.http import check_version
from xuncha_shared.messaging import emit
from xuncha_shared.problems import Conflict, FieldError, NotFound, Unprocessable

from planning.models import Term
from planning.rounds import access
from planning.terms import coverage, repository
from planning.terms.schemas import ScopeChangeRead, TermCreate, TermRead, TermUpdate


async def term_read(session: AsyncSession, term: Term) -> TermRead:
    return (await terms_read(session, [term]))[0]


async def terms_read(session: AsyncSession, terms: Sequence[Term]) -> list[TermRead]:
    ids = [t.id for t in terms]
    sizes = await repository.scope_sizes(session, ids)
    rounds = await repository.round_totals(session, ids)
    return [
        TermRead(
            id=t.id,
            jurisdiction=t.jurisdiction,
            name=t.name,
            starts_on=t.starts_on,
            ends_on=t.ends_on,
            planned_rounds=t.planned_rounds,
            orgs_in_scope=sizes.get(t.id, 0),
            rounds=rounds.get(t.id, 0),
            version=t.version,
            created_at=t.created_at,
            updated_at=t.updated_at,
        )
        for t in terms
    ]


async def _snapshot(session: AsyncSession, term: Term) -> dict[str, object]:
    sizes = await repository.scope_sizes(session, [term.id])
    return {
        "jurisdiction": term.jurisdiction,
        "term_id": term.id,
        "name": term.name,
        "starts_on": term.starts_on,
        "ends_on": term.ends_on,
        "planned_rounds": term.planned_rounds,
        "orgs_in_scope": sizes.get(term.id, 0),
        "version": term.version,
    }


async def _check_name_and_dates(
    session: AsyncSession,
    *,
    jurisdiction: str,
    name: str,
    starts_on: date,
    ends_on: date,
    other_than: uuid.UUID | None = None,
) -> None:
    if ends_on <= starts_on:
        raise Unprocessable(
            "结束日期须晚于起始日期",
            "The end date must be after the start date",
            field="ends_on",
            code="dates-out-of-order",
        )
    if await repository.term_named(session, jurisdiction, name, other_than=other_than):
        raise Conflict(
            f"届次名称「{name}」已被使用",
            f"A term is already named {name}",
            field="name",
            code="duplicate-name",
        )
    overlap = await repository.overlapping_term(
        session, jurisdiction, starts_on, ends_on, other_than=other_than
    )
    if overlap is not None:
        raise Conflict(
            f"与「{overlap.name}」（{overlap.starts_on} 至 {overlap.ends_on}）的届期重叠",
            f"The dates overlap term {overlap.name} ({overlap.starts_on} to {overlap.ends_on})",
            field="starts_on",
            code="terms-overlap",
        )


async def _scope_orgs(
    session: AsyncSession, org_ids: Sequence[uuid.UUID], jurisdiction: str, field: str
) -> list[uuid.UUID]:
    """The ids, deduplicated, once each is known to be an active org of the jurisdiction."""
    found = await repository.orgs_by_id(session, org_ids)
    errors: list[FieldError] = []
    for i, org_id in enumerate(org_ids):
        org = found.get(org_id)
        if org is None or org.jurisdiction != jurisdiction:
            errors.append(
                FieldError(
                    field=f"{field}.{i}",
                    code="no-org",
                    message_zh="被巡察对象不存在",
                    message_en="No such org",
                )
            )
        elif not org.active:
            errors.append(
                FieldError(
                    field=f"{field}.{i}",
                    code="org-inactive",
                    message_zh=f"「{org.name}」已不在巡察范围内（已停用）",
                    message_en=f"{org.name} is no longer in the registry's scope (inactive)",
                )
            )
    if errors:
        raise Unprocessable(
            f"有 {len(errors)} 个被巡察对象无效：{errors[0].message_zh}",
            f"{len(errors)} orgs are invalid: {errors[0].message_en}",
            field=errors[0].field,
            code="invalid-orgs",
            errors=errors,
        )
    return list(dict.fromkeys(org_ids))


async def open_term(
    session: AsyncSession, *, data: TermCreate, actor: Principal, now: datetime
) -> Term:
    """Create a term with its scope (by default every active org of the jurisdiction) and
    emit ``term.opened``."""
    jurisdiction = actor.jurisdiction
    await _check_name_and_dates(
        session,
        jurisdiction=jurisdiction,
        name=data.name,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
    )
    if data.org_ids is None:
        org_ids = await repository.active_org_ids(session, jurisdiction)
    else:
        org_ids = await _scope_orgs(session, data.org_ids, jurisdiction, "org_ids")
    term = Term(
        jurisdiction=jurisdiction,
        name=data.name,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        planned_rounds=data.planned_rounds,
        created_at=now,
        updated_at=now,
    )
    session.add(term)
    await session.flush()
    await repository.add_to_scope(session, term.id, org_ids)
    await emit(session, TermOpened.model_validate(await _snapshot(session, term)))
    return term


async def update_term(
    session: AsyncSession,
    *,
    term_id: uuid.UUID,
    data: TermUpdate,
    expected_version: int,
    actor: Principal,
    now: datetime,
) -> Term:
    """Change a term's name, dates or planned rounds and emit ``term.updated``. Its rounds
    must stay inside its dates."""
    term = await access.term_for(session, term_id=term_id, actor=actor, for_update=True)
    check_version(term.version, expected_version)
    changes = data.model_dump(exclude_unset=True)
    name = changes.get("name", term.name)
    starts_on = changes.get("starts_on", term.starts_on)
    ends_on = changes.get("ends_on", term.ends_on)
    await _check_name_and_dates(
        session,
        jurisdiction=term.jurisdiction,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        other_than=term.id,
    )
    outside = await repository.round_outside(session, term.id, starts_on, ends_on)
    if outside is not None:
        raise Conflict(
            f"「{outside.name}」的进驻日期（{outside.on_site_from} 至 {outside.on_site_until}）"
            "将超出届期",
            f"Round {outside.number} ({outside.on_site_from} to {outside.on_site_until}) would "
            "fall outside the term",
            field="starts_on" if outside.on_site_from < starts_on else "ends_on",
            code="round-outside-term",
        )
    changed = {k: v for k, v in changes.items() if getattr(term, k) != v}
    if not changed:
        return term
    for key, value in changed.items():
        setattr(term, key, value)
    term.version += 1
    term.updated_at = now
    await session.flush()
    await emit(session, TermUpdated.model_validate(await _snapshot(session, term)))
    return term


async def add_orgs(
    session: AsyncSession,
    *,
    term_id: uuid.UUID,
    org_ids: Sequence[uuid.UUID],
    actor: Principal,
) -> ScopeChangeRead:
    """Bring orgs into a term's scope (those already in it are left alone) and emit
    ``term.scope_changed`` if any was added."""
    term = await access.term_for(session, term_id=term_id, actor=actor, for_update=True)
    wanted = await _scope_orgs(session, org_ids, term.jurisdiction, "org_ids")
    added = await repository.add_to_scope(session, term.id, wanted)
    size = (await repository.scope_sizes(session, [term.id])).get(term.id, 0)
    if added:
        await emit(
            session,
            TermScopeChanged(
                jurisdiction=term.jurisdiction,
                term_id=term.id,
                added_org_ids=tuple(sorted(added)),
                orgs_in_scope=size,
            ),
        )
    return ScopeChangeRead(
        added=len(added), already_in_scope=len(wanted) - len(added), orgs_in_scope=size
    )


async def remove_org(
    session: AsyncSession, *, term_id: uuid.UUID, org_id: uuid.UUID, actor: Principal, now: datetime
) -> None:
    """Take an org out of a term's scope and emit ``term.scope_changed``; if it was the last
    one still to go, the term has now reached full coverage."""
    term = await access.term_for(session, term_id=term_id, actor=actor, for_update=True)
    if not await repository.remove_from_scope(session, term.id, org_id):
        raise NotFound(
            "该对象不在本届巡察范围内", "The org is not in the term's scope", field="org_id"
        )
    size = (await repository.scope_sizes(session, [term.id])).get(term.id, 0)
    await emit(
        session,
        TermScopeChanged(
            jurisdiction=term.jurisdiction,
            term_id=term.id,
            removed_org_ids=(org_id,),
            orgs_in_scope=size,
        ),
    )
    await coverage.record_if_reached(session, term=term, round_id=None, now=now)
