"""Findings settings (env prefix ``XUNCHA_FINDINGS_``)."""

from __future__ import annotations

from functools import lru_cache
from typing import ClassVar

from pydantic_settings import SettingsConfigDict
from xuncha_shared.settings import ServiceSettings


class FindingsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="XUNCHA_FINDINGS_", env_nested_delimiter="__")
    service: ClassVar[str] = "findings"


@lru_cache
def get_settings() -> FindingsSettings:
    return FindingsSettings()
