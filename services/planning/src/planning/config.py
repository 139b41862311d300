"""Planning's settings (env prefix ``XUNCHA_PLANNING_``)."""

from __future__ import annotations

from functools import lru_cache
from typing import ClassVar

from pydantic_settings import SettingsConfigDict
from xuncha_shared.settings import ServiceSettings


class PlanningSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="XUNCHA_PLANNING_", env_nested_delimiter="__")
    service: ClassVar[str] = "planning"


@lru_cache
def get_settings() -> PlanningSettings:
    return PlanningSettings()
