"""Request dependencies the feature packages share: the sealer and the default limits."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from clues.config import CluesSettings, DeadlineDefaults
from clues.crypto import Sealer, sealer_for


def _settings(request: Request) -> CluesSettings:
    settings = request.app.state.runtime.settings
    assert isinstance(settings, CluesSettings)
    return settings


def _sealer(request: Request) -> Sealer:
    return sealer_for(_settings(request).clue_keys)


def _defaults(request: Request) -> DeadlineDefaults:
    return _settings(request).deadlines


SealerDep = Annotated[Sealer, Depends(_sealer)]
DefaultsDep = Annotated[DeadlineDefaults, Depends(_defaults)]
SettingsDep = Annotated[CluesSettings, Depends(_settings)]
