"""Planning's settings (env prefix ``XUNCHA_PLANNING_``)."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, ClassVar

from pydantic import Field, StringConstraints
from pydantic_settings import SettingsConfigDict
from xuncha_shared.auth import JurisdictionHierarchy
from xuncha_shared.settings import ServiceSettings

JurisdictionCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{2,12}$")]


class PlanningSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="XUNCHA_PLANNING_", env_nested_delimiter="__")
    service: ClassVar[str] = "planning"

    jurisdiction_parents: dict[JurisdictionCode, JurisdictionCode] = Field(
        default_factory=dict,
        description="The registered parent committee of each child jurisdiction, e.g. "
        '{"410825": "4108"} (温县 under 焦作): a city office reaches a county\'s pool and orgs '
        "(cross and escalated inspection) only when the county is registered here, never "
        "because its code begins with the city's.",
    )

    @property
    def jurisdiction_hierarchy(self) -> JurisdictionHierarchy:
        return JurisdictionHierarchy(dict(self.jurisdiction_parents))


@lru_cache
def get_settings() -> PlanningSettings:
    return PlanningSettings()
