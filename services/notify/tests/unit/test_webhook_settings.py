"""Production refuses unsafe webhook settings: no key, the development key, or posting to
private targets; the keys never appear in the error. https only in production."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet
from notify.config import NotifySettings
from notify.webhooks.targets import TargetRefused, check_scheme
from pydantic import ValidationError


def production(**values: Any) -> NotifySettings:
    return NotifySettings.model_validate(
        {
            "environment": "production",
            "auth": {
                "mode": "oidc",
                "issuer": "https://xuncha.example.gov.cn/api/accounts",
                "jwks_url": "https://xuncha.example.gov.cn/api/accounts/.well-known/jwks.json",
                "audience": "xuncha",
            },
            "secret_keys": [Fernet.generate_key().decode()],
            "metrics_token": "prometheus-" + "m" * 32,
            **values,
        }
    )


def test_production_refuses_unsafe_webhook_settings() -> None:
    assert production().webhook_allow_private_targets is False
    with pytest.raises(ValidationError, match="webhook_allow_private_targets is for tests"):
        production(webhook_allow_private_targets=True)
    with pytest.raises(ValidationError, match="not the development key"):
        production(secret_keys=NotifySettings().secret_keys)
    with pytest.raises(ValidationError, match="needs a Fernet key"):
        production(secret_keys=[])


def test_development_seals_with_the_development_key_and_never_stores_clear() -> None:
    dev = NotifySettings(environment="development")
    assert dev.uses_development_key
    with pytest.raises(ValidationError, match="needs a Fernet key"):
        NotifySettings(environment="development", secret_keys=[])


def test_a_malformed_key_is_not_echoed() -> None:
    with pytest.raises(ValidationError) as caught:
        production(secret_keys=["not-a-key-s3cr3t"])
    assert "s3cr3t" not in str(caught.value)
    assert "secret_keys[0] is not a valid Fernet key" in str(caught.value)


def test_https_only_in_production() -> None:
    check_scheme(httpx.URL("http://hooks.example.org/x"), production=False)
    check_scheme(httpx.URL("https://hooks.example.org/x"), production=True)
    with pytest.raises(TargetRefused, match="https"):
        check_scheme(httpx.URL("http://hooks.example.org/x"), production=True)
