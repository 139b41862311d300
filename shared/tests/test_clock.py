"""The clocks services read time from: the offset file that moves a test deployment's
processes together, and the settings that refuse it in production."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError
from xuncha_shared.auth import AuthConfig
from xuncha_shared.clock import OffsetFileClock
from xuncha_shared.settings import ServiceSettings


def test_offset_file_clock_follows_the_file_and_reads_real_time_without_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "clock"
    clock, other = OffsetFileClock(path), OffsetFileClock(path)
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=1)

    later = datetime.now(UTC) + timedelta(days=30)
    OffsetFileClock.move_to(path, later)
    # Both readers of the file (two processes of one deployment) move together.
    for reader in (clock, other):
        assert abs(reader.now() - later) < timedelta(seconds=1)
        assert reader.now().tzinfo is not None

    OffsetFileClock.move_to(path, later + timedelta(days=15))
    assert abs(clock.now() - (later + timedelta(days=15))) < timedelta(seconds=1)

    path.unlink()
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=1)
    with pytest.raises(ValueError, match="timezone-aware"):
        OffsetFileClock.move_to(path, datetime(2027, 1, 1))  # noqa: DTZ001 (naive on purpose)


def test_production_refuses_a_moved_clock(tmp_path: Path) -> None:
    oidc = AuthConfig(
        mode="oidc", issuer="https://sso.example", jwks_url="https://sso.example/j", audience="x"
    )
    ServiceSettings(environment="test", clock_offset_file=tmp_path / "clock")
    with pytest.raises(ValidationError, match="clock_offset_file"):
        ServiceSettings(environment="production", auth=oidc, clock_offset_file=tmp_path / "c")
    safe = ServiceSettings(environment="production", auth=oidc, metrics_enabled=False)
    assert safe.clock_offset_file is None
