"""Fixtures the findings API tests share."""

from __future__ import annotations

from typing import Any

import pytest

from services.findings.tests.api.factories import NOW


@pytest.fixture
async def findings(platform: Any, clock: Any) -> Any:
    """The findings service alone (no scheduler), its clock at the factories' NOW."""
    clock.set(NOW)
    return (await platform("findings", scheduler_enabled=False)).client("findings")
