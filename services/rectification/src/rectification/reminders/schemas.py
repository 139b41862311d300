"""Reminders' API schemas."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ReminderCreate(BaseModel):
    """A reminder, with an optional note to the org."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={"examples": [{"note": "该任务已逾期，请于本周内报送整改进展。"}]},
    )

    note: str | None = Field(
        default=None, max_length=500, title="催办内容", description="不填则为默认催办语"
    )
