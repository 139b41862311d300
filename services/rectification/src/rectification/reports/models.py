"""Reports' tables: the org's rectification report and where it was disclosed."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlmodel import Field

from rectification.models import Base, moment_field, ref_field, text_field


class Report(Base, table=True):
    """The org's rectification report (整改报告) at the end of the concentrated period."""

    __tablename__ = "reports"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    plan_id: uuid.UUID = ref_field("plans", unique=True)
    content: str = text_field(nullable=False)
    signed_by: str = Field(max_length=50)
    commitment: str = text_field(nullable=False)
    signed_at: datetime = moment_field()
    submitted_by: str = Field(max_length=128)
    late: bool = False


class Disclosure(Base, table=True):
    """Where and when the report was made known: inside the party or to the public."""

    __tablename__ = "report_disclosures"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    report_id: uuid.UUID = ref_field("reports")
    scope: str = Field(max_length=10)
    disclosed_on: date
    place: str = Field(max_length=200)
    recorded_at: datetime = moment_field()
    recorded_by: str = Field(max_length=128)
