"""Tables of the talent pool beyond ``planning.models.Cadre``: the avoidance setting, posts
and relatives."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Column, DateTime, String
from sqlmodel import Field

from planning.models import Base, fk_column


class AvoidanceSetting(Base, table=True):
    """A jurisdiction's avoidance window: how many years a former post still bars a cadre
    from inspecting that org (原单位回避年限). Without a row the default applies."""

    __tablename__ = "avoidance_settings"

    jurisdiction: str = Field(max_length=32, primary_key=True)
    former_unit_years: int
    version: int = 1
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_by: str = Field(sa_column=Column(String(128), nullable=False))


class CadrePost(Base, table=True):
    """A cadre's former (or current) post in an org, with dates."""

    __tablename__ = "cadre_posts"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    cadre_id: uuid.UUID = fk_column("cadres")
    org_id: uuid.UUID = fk_column("orgs")
    title: str = Field(max_length=100)
    started_on: date
    ended_on: date | None = None


class CadreRelative(Base, table=True):
    """A relative a cadre declared in an org (亲属关系), which bars him from inspecting it."""

    __tablename__ = "cadre_relatives"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    cadre_id: uuid.UUID = fk_column("cadres")
    org_id: uuid.UUID = fk_column("orgs")
    relation: str = Field(max_length=30)
