"""Rectification settings (env prefix ``XUNCHA_RECTIFICATION_``)."""

from __future__ import annotations

from functools import lru_cache
from typing import ClassVar

from pydantic_settings import SettingsConfigDict
from xuncha_shared.settings import ServiceSettings


class RectificationSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="XUNCHA_RECTIFICATION_", env_nested_delimiter="__")
    service: ClassVar[str] = "rectification"


@lru_cache
def get_settings() -> RectificationSettings:
    return RectificationSettings()
