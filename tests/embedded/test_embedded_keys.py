"""The embedded platform seals clues with a key of its own, made once under ``var/``, not
with the development key built into the code."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from clues.config import DEV_CLUE_KEY, CluesSettings, get_settings
from cryptography.fernet import Fernet
from pydantic import SecretStr
from xuncha_shared.auth import AuthConfig

from xuncha.embedded import EmbeddedPaths, embedded_settings

AUTH = AuthConfig(mode="dev", dev_secret=SecretStr("x" * 40))
URL = "postgresql+asyncpg://localhost/xuncha"


def clue_settings(paths: EmbeddedPaths) -> CluesSettings:
    settings = embedded_settings("clues", database_url=URL, auth=AUTH, paths=paths)
    assert isinstance(settings, CluesSettings)
    return settings


def test_an_installation_gets_its_own_clue_key_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XUNCHA_CLUES_CLUE_KEYS", raising=False)
    get_settings.cache_clear()
    paths = EmbeddedPaths(tmp_path / "var")
    first = clue_settings(paths)
    [key] = first.clue_keys
    assert key.get_secret_value() != DEV_CLUE_KEY
    Fernet(key.get_secret_value())  # a valid key
    assert stat.S_IMODE(paths.clue_key_file.stat().st_mode) == 0o600
    assert clue_settings(paths).clue_keys == first.clue_keys  # kept across restarts


def test_keys_from_the_environment_are_used_as_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    own = Fernet.generate_key().decode()
    monkeypatch.setenv("XUNCHA_CLUES_CLUE_KEYS", f'["{own}"]')
    get_settings.cache_clear()
    try:
        paths = EmbeddedPaths(tmp_path / "var")
        assert [k.get_secret_value() for k in clue_settings(paths).clue_keys] == [own]
        assert not paths.clue_key_file.exists()
    finally:
        get_settings.cache_clear()
