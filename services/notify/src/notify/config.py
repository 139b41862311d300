"""Notify settings (env prefix ``XUNCHA_NOTIFY_``)."""

from __future__ import annotations

from functools import lru_cache
from typing import ClassVar

from pydantic_settings import SettingsConfigDict
from xuncha_shared.settings import ServiceSettings


class NotifySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="XUNCHA_NOTIFY_", env_nested_delimiter="__")
    service: ClassVar[str] = "notify"


@lru_cache
def get_settings() -> NotifySettings:
    return NotifySettings()
