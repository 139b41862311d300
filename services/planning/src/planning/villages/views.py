"""Build the API's read models from rows, and keep a scorecard as JSON."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from xuncha_shared.events.planning import VillageApproach, VillageClass

from planning.villages.models import VillageClassificationStep
from planning.villages.repository import ClassificationRow
from planning.villages.rules import APPROACH_FOR_CLASS, Judgement
from planning.villages.schemas import (
    ScorecardRead,
    ScoreItemRead,
    StepRead,
    VillageClassificationRead,
    VillageClassificationSummary,
)
from planning.villages.scoring import Scorecard
from planning.villages.workflow import STAGE_LABELS_ZH, STEP_LABELS_ZH, Stage, Step, allowed_next


def scorecard_json(card: Scorecard) -> dict[str, Any]:
    """A scorecard as stored with the classification: it explains the score even after the
    jurisdiction's method changed."""
    return {
        "score": str(card.score),
        "scored_class": card.scored_class.value,
        "reason_code": card.reason_code,
        "items": [
            {
                "item": i.item,
                "label_zh": i.label_zh,
                "value": i.value,
                "value_en": i.value_en,
                "band_zh": i.band_zh,
                "points": i.points,
                "weight": str(i.weight),
                "contribution": str(i.contribution),
            }
            for i in card.items
        ],
        "explanation_zh": card.explanation_zh,
        "explanation_en": card.explanation_en,
    }


def scorecard_read(detail: dict[str, Any], config_version: int | None) -> ScorecardRead:
    scored_class = VillageClass(detail["scored_class"])
    return ScorecardRead(
        score=Decimal(detail["score"]),
        scored_class=scored_class,
        suggested_approach=APPROACH_FOR_CLASS[scored_class],
        reason_code=detail["reason_code"],
        items=[ScoreItemRead.model_validate(i) for i in detail["items"]],
        explanation_zh=detail["explanation_zh"],
        explanation_en=detail["explanation_en"],
        config_version=config_version,
    )


def _summary_fields(row: ClassificationRow) -> dict[str, Any]:
    c, village, township = row.classification, row.village, row.township
    stage = Stage(c.stage)
    return {
        "id": c.id,
        "term_id": c.term_id,
        "village_id": c.village_id,
        "village_code": village.code,
        "village_name": village.name,
        "township_id": township.id if township else None,
        "township_name": township.name if township else None,
        "score": c.score,
        "scored_class": VillageClass(c.scored_class),
        "stage": stage,
        "stage_label": STAGE_LABELS_ZH[stage],
        "proposed_class": VillageClass(c.proposed_class) if c.proposed_class else None,
        "village_class": VillageClass(c.village_class) if c.village_class else None,
        "approach": VillageApproach(c.approach) if c.approach else None,
        "approved_at": c.approved_at,
        "version": c.version,
        "updated_at": c.updated_at,
    }


def summary(row: ClassificationRow) -> VillageClassificationSummary:
    """A classification as lists show it."""
    return VillageClassificationSummary(**_summary_fields(row))


def step_read(step: VillageClassificationStep) -> StepRead:
    return StepRead(
        seq=step.seq,
        step=Step(step.step),
        step_label=STEP_LABELS_ZH[Step(step.step)],
        proposed_class=VillageClass(step.proposed_class),
        note=step.note,
        actor=step.actor,
        actor_name=step.actor_name,
        role=step.role,
        at=step.at,
    )


def detail(
    row: ClassificationRow, steps: list[VillageClassificationStep]
) -> VillageClassificationRead:
    """A classification with its indicators, scorecard and steps."""
    c = row.classification
    return VillageClassificationRead(
        **_summary_fields(row),
        collective_income=c.collective_income,
        petitions=c.petitions,
        prior_problems=c.prior_problems,
        assets=c.assets,
        judgement=Judgement(c.judgement),
        judgement_reason=c.judgement_reason,
        indicators_by=c.indicators_by,
        indicators_at=c.indicators_at,
        scorecard=scorecard_read(c.score_detail, c.config_version),
        steps=[step_read(s) for s in steps],
        next_steps=list(allowed_next(Stage(c.stage))),
        approved_by=c.approved_by,
        created_at=c.created_at,
        created_by=c.created_by,
    )
