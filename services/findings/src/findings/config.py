"""Findings settings (env prefix ``XUNCHA_FINDINGS_``)."""

from __future__ import annotations

from functools import lru_cache
from typing import ClassVar

from pydantic import Field
from pydantic_settings import SettingsConfigDict
from xuncha_shared.settings import ServiceSettings


class FindingsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="XUNCHA_FINDINGS_", env_nested_delimiter="__")
    service: ClassVar[str] = "findings"

    public_rate_limit: str = Field(
        default="5/minute;30/hour",
        description="Submissions of public reports per client address (limits notation, "
        "moving window). Counted in memory per process: N replicas admit up to N times this.",
    )
    public_max_body_bytes: int = Field(default=32 * 1024, ge=1024, le=1024 * 1024)
    evidence_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)


@lru_cache
def get_settings() -> FindingsSettings:
    return FindingsSettings()
