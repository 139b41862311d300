"""The roster's table: one row per person, post and org for one term of office."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Column, DateTime, Index, String, text
from sqlmodel import Field

from planning.models import Base, fk_column


class RosterMember(Base, table=True):
    """A member of an org's leadership team in one post (班子成员任职记录)."""

    __tablename__ = "roster_members"
    __table_args__ = (
        Index("ix_roster_members_jurisdiction_current", "jurisdiction", "until"),
        # One current holder of a single-holder post per org, even under concurrent writes;
        # the service names the rule first, the index is its last line of defence.
        Index(
            "uq_roster_members_current_single_post",
            "org_id",
            "post",
            unique=True,
            postgresql_where=text(
                "until IS NULL AND post IN ('party_secretary', 'administrative_head', "
                "'discipline_head', 'village_secretary', 'village_director')"
            ),
        ),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    jurisdiction: str = Field(max_length=32)
    org_id: uuid.UUID = fk_column("orgs")
    name: str = Field(max_length=50)
    post: str = Field(max_length=30)
    post_title: str | None = Field(default=None, max_length=50)
    rank: str = Field(max_length=20)
    since: date
    until: date | None = None
    account: str | None = Field(default=None, max_length=128)
    phone: str | None = Field(default=None, max_length=30)
    version: int = 1
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    created_by: str = Field(sa_column=Column(String(128), nullable=False))
