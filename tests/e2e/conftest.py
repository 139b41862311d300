"""The deployment's processes verify tokens for the audience ``xuncha``, as compose's do:
the ``token`` fixture mints them for it."""

from __future__ import annotations

import pytest
from xuncha_shared.auth import AuthConfig

from tests.distributed.processes import dev_auth


@pytest.fixture
def auth_config() -> AuthConfig:
    return dev_auth()
