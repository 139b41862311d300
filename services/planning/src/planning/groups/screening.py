"""Avoidance screening (回避审查) against the database: run the rules, keep every result,
and when a rule is broken, refuse with the reasons and who could take the place."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Principal
from xuncha_shared.problems import FieldError, ProblemDetail, Unprocessable, problem_response
from xuncha_shared.workdays import local_day

from planning.groups.avoidance import RULE_LABELS_ZH, CadreFacts, Finding, check, rank_replacements
from planning.groups.models import AvoidanceCheck
from planning.groups.schemas import (
    AvoidanceRefusal,
    CandidateRead,
    ReplacementRead,
    ViolationRead,
)
from planning.models import Cadre, InspectionGroup, Org, Round
from planning.pool import repository
from planning.pool.access import managing_jurisdiction, pool_jurisdiction

MAX_DETAIL = 500
REPLACEMENTS_PER_CADRE = 5


class AvoidanceRefused(Unprocessable):
    """A change refused because a member would inspect an org he must stand aside from.

    The checks that led to it are already flushed: the route answers with this problem
    *and commits*, so the refusal is on record like every pass.
    """

    code = "avoidance-conflict"
    title = "Avoidance conflict"


async def screen(
    session: AsyncSession,
    *,
    round_: Round,
    cadres: Sequence[Cadre],
    orgs: Sequence[Org],
    actor: Principal,
    now: datetime,
) -> list[Finding]:
    """Judge every cadre against every org under every rule, keep each result (passes
    included) and return the violations."""
    if not cadres or not orgs:
        return []
    years = await repository.former_unit_years(session, managing_jurisdiction(round_))
    today = local_day(now)
    facts = await repository.cadre_facts(session, cadres)
    refs = [repository.org_ref(o) for o in orgs]
    findings = [
        f
        for cadre in facts
        for org in refs
        for f in check(cadre, org, today=today, former_unit_years=years)
    ]
    session.add_all(
        AvoidanceCheck(
            round_id=round_.id,
            cadre_id=f.cadre_id,
            org_id=f.org_id,
            rule=f.rule.value,
            outcome=f.outcome,
            detail=f"{f.message_zh} / {f.message_en}"[:MAX_DETAIL],
            checked_by=actor.subject,
            checked_at=now,
        )
        for f in findings
    )
    await session.flush()
    return [f for f in findings if f.violated]


async def candidates_for(
    session: AsyncSession,
    *,
    round_: Round,
    group: InspectionGroup,
    orgs: Sequence[Org],
    wanted: Sequence[str],
    exclude: Sequence[Cadre] = (),
    now: datetime,
    limit: int = REPLACEMENTS_PER_CADRE,
) -> list[CandidateRead]:
    """Pool members who could join ``group`` for ``orgs``: available, from the group's
    pool, in no group of the round, without an avoidance conflict; best specialty match
    first."""
    excluded = {c.id for c in exclude}
    pool = await repository.available_cadres(
        session, pool_jurisdiction(round_, group), not_in_round=round_.id
    )
    facts = await repository.cadre_facts(session, [c for c in pool if c.id not in excluded])
    years = await repository.former_unit_years(session, managing_jurisdiction(round_))
    ranked = rank_replacements(
        facts,
        [repository.org_ref(o) for o in orgs],
        wanted=wanted,
        today=local_day(now),
        former_unit_years=years,
        limit=limit,
    )
    return [_candidate(c.cadre, c.matching) for c in ranked]


def _candidate(cadre: CadreFacts, matching: Sequence[str]) -> CandidateRead:
    return CandidateRead(
        cadre_id=cadre.id,
        code=cadre.code,
        name=cadre.name,
        unit_name=cadre.unit_name,
        specialties=list(cadre.specialties),
        matching_specialties=list(matching),
    )


async def refusal(
    session: AsyncSession,
    *,
    round_: Round,
    group: InspectionGroup,
    violations: Sequence[Finding],
    refused: Sequence[Cadre],
    orgs: Sequence[Org],
    field: str,
    now: datetime,
) -> AvoidanceRefused:
    """The 422 for ``violations``: each reason in words, and for each refused cadre the
    pool members who could take his place for all of the group's orgs."""
    replacements = [
        ReplacementRead(
            for_cadre_id=cadre.id,
            for_cadre_name=cadre.name,
            candidates=await candidates_for(
                session,
                round_=round_,
                group=group,
                orgs=orgs,
                wanted=cadre.specialties,
                exclude=refused,
                now=now,
            ),
        )
        for cadre in refused
        if any(v.cadre_id == cadre.id for v in violations)
    ]
    reads = [
        ViolationRead(
            cadre_id=v.cadre_id,
            cadre_name=v.cadre_name,
            org_id=v.org_id,
            org_name=v.org_name,
            rule=v.rule,
            rule_zh=RULE_LABELS_ZH[v.rule],
            message_zh=v.message_zh,
            message_en=v.message_en,
        )
        for v in violations
    ]
    return AvoidanceRefused(
        "回避审查未通过：" + "；".join(v.message_zh for v in violations),
        "Avoidance check failed: " + "; ".join(v.message_en for v in violations),
        field=field,
        errors=[
            FieldError(
                field=field,
                code=f"avoidance-{v.rule.value}",
                message_zh=v.message_zh,
                message_en=v.message_en,
            )
            for v in violations
        ],
        extra={
            "violations": [r.model_dump(mode="json") for r in reads],
            "replacements": [r.model_dump(mode="json") for r in replacements],
        },
    )


REFUSAL: dict[int | str, dict[str, Any]] = {
    422: {
        "model": AvoidanceRefusal,
        "description": "输入有误，或回避审查未通过（列出理由和可替换人员）",
    },
    409: {"model": ProblemDetail, "description": "人员已在本轮其他巡察组，或对象已分配"},
}


def refusal_response(request: Request, exc: AvoidanceRefused) -> JSONResponse:
    """The 422 of a refusal, returned (not raised) so the request commits its checks."""
    return problem_response(
        request,
        status=exc.status,
        code=exc.code,
        title=exc.title,
        message_zh=exc.message_zh,
        message_en=exc.message_en,
        field=exc.field,
        errors=exc.errors,
        extra=exc.extra,
    )
