"""The deployment's processes verify tokens for the audience ``xuncha``, as compose's do:
the ``token`` fixture mints them for it.

The round's stages and helpers live in modules beside the test, not in test modules: their
asserts are registered for pytest's rewriting here, before the test imports them, so a
failing stage reports the values it compared.
"""

from __future__ import annotations

import pytest
from xuncha_shared.auth import AuthConfig

from tests.distributed.processes import dev_auth

pytest.register_assert_rewrite(
    "tests.e2e.driver", "tests.e2e.receivers", "tests.e2e.scenario", "tests.e2e.stages"
)


@pytest.fixture
def auth_config() -> AuthConfig:
    return dev_auth()
