"""Cards' tables: the warning card on a plan and the supervision and interview it brings."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Index, text
from sqlmodel import Field

from rectification.models import Base, moment_field, ref_field, text_field


class Card(Base, table=True):
    """A warning card (红黄牌预警) on an org's rectification for a round; at most one open."""

    __tablename__ = "cards"
    __table_args__ = (
        Index(
            "uq_cards_open_plan",
            "plan_id",
            unique=True,
            postgresql_where=text("lifted_at IS NULL"),
        ),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    jurisdiction: str = Field(max_length=32, index=True)
    plan_id: uuid.UUID = ref_field("plans")
    round_id: uuid.UUID
    org_id: uuid.UUID
    color: str = Field(max_length=10)
    reason_zh: str = text_field(nullable=False)
    raised_at: datetime = moment_field()
    escalated_at: datetime | None = moment_field(nullable=True)
    lifted_at: datetime | None = moment_field(nullable=True)
    lifted_reason_zh: str | None = text_field()
    letter_number: str | None = Field(default=None, max_length=64)
    letter_on: date | None = None


class CardAction(Base, table=True):
    """What a red card brings on: on-site supervision (督导) and an interview (约谈)."""

    __tablename__ = "card_actions"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    card_id: uuid.UUID = ref_field("cards")
    kind: str = Field(max_length=12)
    due_on: date
    done_on: date | None = None
    note: str | None = text_field()
    recorded_by: str | None = Field(default=None, max_length=128)
