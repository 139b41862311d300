"""Clues settings (env prefix ``XUNCHA_CLUES_``)."""

from __future__ import annotations

from functools import lru_cache
from typing import ClassVar

from pydantic_settings import SettingsConfigDict
from xuncha_shared.settings import ServiceSettings


class CluesSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="XUNCHA_CLUES_", env_nested_delimiter="__")
    service: ClassVar[str] = "clues"


@lru_cache
def get_settings() -> CluesSettings:
    return CluesSettings()
