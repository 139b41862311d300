"""Who may do what with terms and rounds, checked per record.

- the office (巡察办) plans: creates and changes terms, scopes and rounds, moves rounds on;
- the leadership group (领导小组) reads everything of its jurisdiction and records briefings;
- a group member (巡察组) reads only the rounds in whose groups he sits (his token subject is
  the ``account`` of a cadre in ``group_members``), including a cross or escalated round of
  another jurisdiction that his own committee inspects;
- every other role is refused (403): consultations and assignments reach departments and
  inspected orgs through their own endpoints, not the plan.

Another jurisdiction's term or round is as good as missing (404).
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Forbidden, Principal, Role
from xuncha_shared.problems import NotFound

from planning.models import Round, Term
from planning.rounds import repository
from planning.terms import repository as terms_repository

PLANNERS = (Role.office,)
READERS = (Role.office, Role.leadership)
BRIEFERS = (Role.office, Role.leadership)
ROUND_READERS = (Role.office, Role.leadership, Role.group)
#: The term and its scope (not its rounds or coverage) are read also by the departments that
#: give their opinion in the village classification (村分类's third step): they choose the
#: term and a township's villages there.
SCOPE_READERS = (*READERS, Role.discipline, Role.organization, Role.department)


def require(principal: Principal, roles: tuple[Role, ...], zh: str, en: str) -> Principal:
    """403 unless the caller has one of ``roles``."""
    if not principal.has(*roles):
        raise Forbidden(zh, en)
    return principal


def planner(principal: Principal) -> Principal:
    return require(
        principal, PLANNERS, "只有巡察办可以制定巡察规划", "Only the inspection office plans"
    )


def reader(principal: Principal) -> Principal:
    return require(
        principal,
        READERS,
        "只有巡察办和巡察工作领导小组可以查看届期规划",
        "Only the inspection office and the leadership group read term plans",
    )


def scope_reader(principal: Principal) -> Principal:
    return require(
        principal,
        SCOPE_READERS,
        "无权查看届期及应巡对象",
        "Only the office, the leadership group and the classification's departments read terms",
    )


def round_reader(principal: Principal) -> Principal:
    return require(
        principal,
        ROUND_READERS,
        "无权查看巡察轮次",
        "Only the office, the leadership group and group members read rounds",
    )


def briefer(principal: Principal) -> Principal:
    return require(
        principal,
        BRIEFERS,
        "只有巡察办和巡察工作领导小组可以记录听取汇报情况",
        "Only the office and the leadership group record briefings",
    )


def _missing_term() -> NotFound:
    return NotFound("届次不存在", "No such term", field="term_id")


def _missing_round() -> NotFound:
    return NotFound("巡察轮次不存在", "No such round", field="round_id")


async def term_for(
    session: AsyncSession, *, term_id: uuid.UUID, actor: Principal, for_update: bool = False
) -> Term:
    """A term of the caller's jurisdiction (the caller's role is checked by the route)."""
    term = await terms_repository.get_term(session, term_id, for_update=for_update)
    if term is None or term.jurisdiction != actor.jurisdiction:
        raise _missing_term()
    return term


async def round_for(session: AsyncSession, *, round_id: uuid.UUID, actor: Principal) -> Round:
    """A round the caller may read: his jurisdiction's as office or leadership, or one he
    inspects as a group member."""
    rnd = await repository.get_round(session, round_id)
    if rnd is None:
        raise _missing_round()
    if rnd.jurisdiction == actor.jurisdiction and actor.has(*READERS):
        return rnd
    if actor.has(Role.group) and actor.jurisdiction in (
        rnd.jurisdiction,
        rnd.inspecting_jurisdiction,
    ):
        if await repository.is_member(session, rnd.id, actor.subject, actor.jurisdiction):
            return rnd
        raise Forbidden(
            "您不是本轮巡察组成员，不能查看该轮次",
            "You are not a member of a group of this round",
            code="not-in-round",
        )
    raise _missing_round()


async def own_round(session: AsyncSession, *, round_id: uuid.UUID, actor: Principal) -> Round:
    """A round of the caller's own jurisdiction, for the office or the leadership group
    (the route has checked the role)."""
    rnd = await repository.get_round(session, round_id)
    if rnd is None or rnd.jurisdiction != actor.jurisdiction:
        raise _missing_round()
    return rnd
