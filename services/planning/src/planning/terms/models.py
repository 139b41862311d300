"""Tables of terms beyond ``planning.models.Term``: the coverage milestone and the scope."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Column, DateTime, ForeignKey
from sqlalchemy.dialects.postgresql import UUID
from sqlmodel import Field

from planning.models import SCHEMA, Base


class CoverageMilestone(Base, table=True):
    """The moment a term first reached full coverage (全覆盖).

    One row per term at most: its primary key is what makes ``term.coverage_reached`` an
    event emitted once, even if coverage later drops (an org added to the scope) and comes
    back.
    """

    __tablename__ = "coverage_milestones"

    term_id: uuid.UUID = Field(
        sa_column=Column(UUID(as_uuid=True), ForeignKey(f"{SCHEMA}.terms.id"), primary_key=True)
    )
    reached_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    round_id: uuid.UUID | None = Field(
        default=None,
        sa_column=Column(UUID(as_uuid=True), ForeignKey(f"{SCHEMA}.rounds.id"), nullable=True),
    )
    orgs_in_scope: int


class TermOrg(Base, table=True):
    """An org in a term's scope (应巡对象)."""

    __tablename__ = "term_orgs"

    term_id: uuid.UUID = Field(
        sa_column=Column(UUID(as_uuid=True), ForeignKey(f"{SCHEMA}.terms.id"), primary_key=True)
    )
    org_id: uuid.UUID = Field(
        sa_column=Column(UUID(as_uuid=True), ForeignKey(f"{SCHEMA}.orgs.id"), primary_key=True)
    )
