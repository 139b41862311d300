"""Village classification's tables (村分类), in schema ``planning``."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, DateTime, ForeignKey, Integer, Numeric, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlmodel import Field

from planning.models import SCHEMA, Base


def _ts(nullable: bool = False) -> Any:
    return Field(sa_column=Column(DateTime(timezone=True), nullable=nullable))


def _fk(table: str, *, index: bool = True) -> Any:
    return Field(
        sa_column=Column(
            UUID(as_uuid=True), ForeignKey(f"{SCHEMA}.{table}.id"), nullable=False, index=index
        )
    )


class VillageClassConfig(Base, table=True):
    """One saved version of a jurisdiction's classification method (四定量一定性 配置).

    Every save is a new version; the highest is in force. Classifications keep the version
    they were scored with, so an old score can be explained after the method changed.
    """

    __tablename__ = "village_class_configs"

    jurisdiction: str = Field(max_length=32, primary_key=True)
    version: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    rules: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    note: str | None = Field(default=None, max_length=200)
    created_at: datetime = _ts()
    created_by: str = Field(max_length=128)


class VillageClassification(Base, table=True):
    """A village's classification for a term: its indicators, score and the steps' outcome."""

    __tablename__ = "village_classifications"
    __table_args__ = (UniqueConstraint("term_id", "village_id"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    jurisdiction: str = Field(max_length=32, index=True)
    term_id: uuid.UUID = _fk("terms")
    village_id: uuid.UUID = _fk("orgs")
    # Indicators (四定量一定性).
    collective_income: Decimal = Field(sa_column=Column(Numeric(16, 2), nullable=False))
    petitions: int
    prior_problems: int
    assets: Decimal = Field(sa_column=Column(Numeric(18, 2), nullable=False))
    judgement: str = Field(max_length=12)
    judgement_reason: str | None = Field(default=None, max_length=500)
    indicators_by: str = Field(max_length=128)
    indicators_at: datetime = _ts()
    # The score under the method in force when the indicators were entered.
    score: Decimal = Field(sa_column=Column(Numeric(5, 2), nullable=False))
    scored_class: str = Field(max_length=10)
    score_detail: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    config_version: int | None = None
    # The steps: where it stands, the latest proposal, and (after approval) the class.
    stage: str = Field(max_length=24, index=True)
    proposed_class: str | None = Field(default=None, max_length=10)
    village_class: str | None = Field(default=None, max_length=10, index=True)
    approach: str | None = Field(default=None, max_length=10)
    approved_at: datetime | None = _ts(nullable=True)
    approved_by: str | None = Field(default=None, max_length=128)
    version: int = 1
    created_at: datetime = _ts()
    updated_at: datetime = _ts()
    created_by: str = Field(max_length=128)


class VillageClassificationStep(Base, table=True):
    """One of the five steps taken for a classification, with who, in which role, and when."""

    __tablename__ = "village_classification_steps"
    __table_args__ = (UniqueConstraint("classification_id", "seq"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    classification_id: uuid.UUID = _fk("village_classifications")
    seq: int
    step: str = Field(max_length=24)
    proposed_class: str = Field(max_length=10)
    note: str | None = Field(default=None, max_length=1000)
    actor: str = Field(max_length=128)
    actor_name: str = Field(default="", max_length=100)
    role: str = Field(max_length=20)
    # The org the actor belongs to (a department's org id), when his token names one.
    actor_org_id: uuid.UUID | None = Field(default=None, sa_column=Column(UUID(as_uuid=True)))
    at: datetime = _ts()
