"""Village classification's domain operations on indicators: enter them, correct them, and
read a classification as the caller may. Keyword-only arguments; they flush, never commit.
The five steps are in :mod:`planning.villages.steps`.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Forbidden, Principal, Role
from xuncha_shared.http import check_version
from xuncha_shared.orgs import GRASSROOTS_KINDS, OrgKind
from xuncha_shared.problems import Conflict, NotFound, Unprocessable

from planning.models import Org
from planning.villages import repository
from planning.villages.models import VillageClassification
from planning.villages.repository import ClassificationRow
from planning.villages.rules import Judgement
from planning.villages.schemas import (
    IndicatorsInput,
    VillageClassificationCreate,
)
from planning.villages.scoring import IndicatorValues, Scorecard, score_village
from planning.villages.views import scorecard_json
from planning.villages.workflow import (
    Stage,
    indicator_role,
    may_edit_indicators,
    may_read,
)


def _check_reason(data: IndicatorsInput) -> None:
    if data.judgement is not Judgement.good and not data.judgement_reason:
        raise Unprocessable(
            "定性评价为“一般”或“较差”时须写明理由",
            "A judgement other than good needs a reason",
            field="judgement_reason",
            code="reason-required",
        )


async def _score(
    session: AsyncSession, jurisdiction: str, data: IndicatorsInput
) -> tuple[Scorecard, int | None]:
    rules, version = await repository.rules_in_force(session, jurisdiction)
    values = IndicatorValues(
        collective_income=data.collective_income,
        petitions=data.petitions,
        prior_problems=data.prior_problems,
        assets=data.assets,
        judgement=data.judgement,
    )
    return score_village(values, rules), version


def _indicator_columns(
    data: IndicatorsInput,
    card: Scorecard,
    config_version: int | None,
    actor: Principal,
    now: datetime,
) -> dict[str, Any]:
    """The columns that entering (or correcting) the indicators sets."""
    return {
        "collective_income": data.collective_income,
        "petitions": data.petitions,
        "prior_problems": data.prior_problems,
        "assets": data.assets,
        "judgement": data.judgement.value,
        "judgement_reason": data.judgement_reason,
        "indicators_by": actor.subject,
        "indicators_at": now,
        "score": card.score,
        "scored_class": card.scored_class.value,
        "score_detail": scorecard_json(card),
        "config_version": config_version,
        "updated_at": now,
    }


async def _village_for(session: AsyncSession, village_id: uuid.UUID, actor: Principal) -> Org:
    village = await repository.get_org(session, village_id)
    if village is None or village.jurisdiction != actor.jurisdiction:
        raise Unprocessable(
            "村（社区）不存在", "The village does not exist", field="village_id", code="no-village"
        )
    if OrgKind(village.kind) not in GRASSROOTS_KINDS:
        raise Unprocessable(
            "只能对村和社区分类", "Only villages and communities are classified",
            field="village_id", code="not-a-village",
        )  # fmt: skip
    if not village.active:
        raise Unprocessable(
            "该村（社区）不在巡察范围内", "The village is not in scope",
            field="village_id", code="village-out-of-scope",
        )  # fmt: skip
    return village


async def create_classification(
    session: AsyncSession, *, data: VillageClassificationCreate, actor: Principal, now: datetime
) -> ClassificationRow:
    """Enter a village's indicators for a term: it is scored under the method in force and
    waits for its township's proposal."""
    if not actor.has(Role.office, Role.inspected):
        raise Forbidden(
            "只有乡镇或巡察办可以录入村分类指标",
            "Only the township or the office enters a village's indicators",
        )
    term = await repository.get_term(session, data.term_id)
    if term is None or term.jurisdiction != actor.jurisdiction:
        raise Unprocessable("届次不存在", "No such term", field="term_id", code="no-term")
    village = await _village_for(session, data.village_id, actor)
    if indicator_role(actor, village.parent_id) is None:
        raise Forbidden(
            "乡镇只能录入本乡镇所辖村（社区）的指标",
            "A township enters indicators of its own villages only",
        )
    _check_reason(data)
    await repository.lock(session, f"planning.village_classifications:{term.id}:{village.id}")
    existing = await repository.find_classification(session, term.id, village.id)
    if existing is not None:
        raise Conflict(
            f"{village.name}本届已录入分类指标，请修改原记录",
            f"{village.name} already has a classification for this term; update it instead",
            field="village_id",
            code="duplicate-classification",
            extra={"classification_id": str(existing.id)},
        )
    card, config_version = await _score(session, actor.jurisdiction, data)
    c = VillageClassification(
        jurisdiction=actor.jurisdiction,
        term_id=term.id,
        village_id=village.id,
        stage=Stage.entered.value,
        version=1,
        created_at=now,
        created_by=actor.subject,
        **_indicator_columns(data, card, config_version, actor, now),
    )
    session.add(c)
    await session.flush()
    township = await repository.get_org(session, village.parent_id)
    return ClassificationRow(c, village, township)


async def get_for(
    session: AsyncSession,
    *,
    classification_id: uuid.UUID,
    actor: Principal,
    for_update: bool = False,
) -> ClassificationRow:
    """A classification the actor may see: another jurisdiction's is as good as missing, and
    a township sees only its own villages'."""
    rows = await repository.get_classifications(session, [classification_id], for_update=for_update)
    row = rows.get(classification_id)
    if row is None or row.classification.jurisdiction != actor.jurisdiction:
        raise NotFound("村分类记录不存在", "No such classification", field="classification_id")
    if not may_read(actor, row.village.parent_id):
        raise Forbidden("无权查看该村的分类", "You may not see this village's classification")
    return row


async def update_indicators(
    session: AsyncSession,
    *,
    classification_id: uuid.UUID,
    data: IndicatorsInput,
    expected_version: int,
    actor: Principal,
    now: datetime,
) -> ClassificationRow:
    """Correct the indicators and score again (under the method now in force)."""
    row = await get_for(session, classification_id=classification_id, actor=actor, for_update=True)
    c = row.classification
    role = indicator_role(actor, row.village.parent_id)
    if role is None:
        raise Forbidden(
            "只有乡镇或巡察办可以修改村分类指标",
            "Only the township or the office changes a village's indicators",
        )
    if not may_edit_indicators(role, Stage(c.stage)):
        approved = c.stage == Stage.committee_approval.value
        raise Conflict(
            "已经党委审定，指标不能再修改" if approved else "乡镇已提名，指标改由巡察办修改",
            "Approved: the indicators are final"
            if approved
            else "The township has proposed; the office corrects the indicators now",
            field="classification_id",
            code="already-approved" if approved else "indicators-locked",
        )
    check_version(c.version, expected_version)
    _check_reason(data)
    card, config_version = await _score(session, actor.jurisdiction, data)
    for column, value in _indicator_columns(data, card, config_version, actor, now).items():
        setattr(c, column, value)
    c.version += 1
    await session.flush()
    return row
