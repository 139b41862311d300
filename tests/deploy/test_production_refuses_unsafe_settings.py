"""Production refuses unsafe settings at start: each refusal names the setting in Chinese
and English, and no error ever carries a key's or a secret's value."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from accounts.config import AccountsSettings
from clues.config import DEV_CLUE_KEY, CluesSettings
from notify.config import NotifySettings
from planning.config import PlanningSettings
from pydantic import ValidationError
from xuncha_shared.settings import DEV_PLACEHOLDER_SECRET

SECRET = "Sw0rdfish-" + "x" * 30  # a value that must never show in an error
FERNET = base64.urlsafe_b64encode(b"k" * 32).decode()
AUTH = {
    "mode": "oidc",
    "issuer": "https://xuncha.example.gov.cn/api/accounts",
    "jwks_url": "https://xuncha.example.gov.cn/api/accounts/.well-known/jwks.json",
    "audience": "xuncha",
}


METRICS_TOKEN = "prometheus-" + "m" * 32


def production(cls: type[Any], **values: Any) -> Any:
    return cls(environment="production", **{"auth": AUTH, "metrics_token": METRICS_TOKEN, **values})


def refusal(cls: type[Any], **values: Any) -> str:
    with pytest.raises(ValidationError) as refused:
        production(cls, **values)
    message = str(refused.value)
    assert "生产环境" in message and "production" in message
    return message


def test_a_safe_production_configuration_starts() -> None:
    assert production(PlanningSettings).environment == "production"
    assert production(NotifySettings, secret_keys=[FERNET]).secret_keys
    assert production(CluesSettings, clue_keys=[FERNET]).clue_keys
    assert production(AccountsSettings).token_issuer.startswith("https://")


def test_tokens_without_an_audience_are_refused() -> None:
    message = refusal(PlanningSettings, auth={**AUTH, "audience": None})
    assert "auth.audience" in message and "受众" in message


def test_keys_fetched_over_http_are_refused() -> None:
    message = refusal(
        PlanningSettings, auth={**AUTH, "jwks_url": "http://accounts:8000/api/accounts/jwks"}
    )
    assert "auth.jwks_url" in message and "https" in message


def test_dev_tokens_and_dev_signing_keys_are_refused() -> None:
    message = refusal(PlanningSettings, auth={"mode": "dev", "dev_secret": SECRET})
    assert "auth.mode" in message and "auth.dev_secret" in message
    assert SECRET not in message
    message = refusal(PlanningSettings, auth={**AUTH, "dev_secret": DEV_PLACEHOLDER_SECRET})
    assert "auth.dev_secret" in message and DEV_PLACEHOLDER_SECRET not in message
    # Without any auth setting, the built-in placeholder key is what is refused.
    message = refusal(PlanningSettings, auth={"mode": "dev", "dev_secret": DEV_PLACEHOLDER_SECRET})
    assert DEV_PLACEHOLDER_SECRET not in message


def test_unsealed_webhook_secrets_are_refused() -> None:
    # Left at its default, the key is the development key built into the code.
    message = refusal(NotifySettings)
    assert "secret_keys" in message and "开发密钥" in message
    message = refusal(NotifySettings, secret_keys=[FERNET], smtp_host="mail", smtp_password=SECRET)
    assert "smtp_tls" in message and SECRET not in message


def test_the_development_clue_key_is_refused_and_never_printed() -> None:
    message = refusal(CluesSettings, clue_keys=[DEV_CLUE_KEY])
    assert "clue_keys" in message and "开发密钥" in message
    assert DEV_CLUE_KEY not in message


def test_metrics_without_a_metrics_token_are_refused() -> None:
    message = refusal(PlanningSettings, metrics_token=None)
    assert "metrics_token" in message and "监控令牌" in message
    # Metrics switched off need no token.
    assert not production(
        PlanningSettings, metrics_token=None, metrics_enabled=False
    ).metrics_enabled
    # A short token is refused in every environment, and never printed.
    with pytest.raises(ValidationError) as refused:
        PlanningSettings(metrics_token=SECRET[:20])
    assert "metrics_token" in str(refused.value) and SECRET[:20] not in str(refused.value)


def test_a_kafka_bus_without_signing_in_is_refused() -> None:
    message = refusal(PlanningSettings, bus_backend="kafka")
    assert "kafka_password" in message and "SASL/SCRAM" in message
    message = refusal(
        PlanningSettings,
        bus_backend="kafka",
        kafka_security_protocol="PLAINTEXT",
        kafka_password=SECRET,
    )
    assert "kafka_password" in message and SECRET not in message
    signed_in = production(PlanningSettings, bus_backend="kafka", kafka_password=SECRET)
    assert signed_in.kafka_credentials.username == "planning"
    # The PostgreSQL bus has no Kafka sign-in to miss.
    assert production(PlanningSettings, bus_backend="postgres").kafka_password is None


def test_a_kafka_bus_without_tls_is_refused() -> None:
    for protocol in ("SASL_PLAINTEXT", "PLAINTEXT"):
        message = refusal(
            PlanningSettings,
            bus_backend="kafka",
            kafka_security_protocol=protocol,
            kafka_password=SECRET,
        )
        assert "kafka_security_protocol" in message and "SASL_SSL" in message
        assert "TLS" in message and SECRET not in message
    over_tls = production(
        PlanningSettings,
        bus_backend="kafka",
        kafka_password=SECRET,
        kafka_ssl_cafile="/etc/xuncha/kafka/ca.crt",
    )
    assert over_tls.kafka_security_protocol == "SASL_SSL"  # the default
    creds = over_tls.kafka_credentials
    assert creds.ssl_cafile == "/etc/xuncha/kafka/ca.crt"
    assert creds.librdkafka_options()["ssl.endpoint.identification.algorithm"] == "https"
    unset = production(
        PlanningSettings, bus_backend="kafka", kafka_password=SECRET, kafka_ssl_cafile=""
    )
    assert unset.kafka_ssl_cafile is None  # the system's CAs, not the current directory


def test_a_malformed_key_is_refused_without_being_printed() -> None:
    with pytest.raises(ValidationError) as refused:
        NotifySettings(secret_keys=[SECRET])
    assert SECRET not in str(refused.value) and "secret_keys" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        CluesSettings(clue_keys=[SECRET])
    assert SECRET not in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        PlanningSettings(auth={"mode": "dev", "dev_secret": "short-" + SECRET[:10]})
    assert SECRET[:10] not in str(refused.value)


def test_an_http_issuer_or_identity_platform_is_refused_for_the_accounts_service() -> None:
    message = refusal(AccountsSettings, issuer="http://xuncha.example.gov.cn/api/accounts")
    assert "issuer" in message
    message = refusal(
        AccountsSettings,
        sso={"issuer": "http://sso.example.gov.cn/realms/henan", "client_id": "xuncha"},
    )
    assert "sso.jwks_url" in message


def test_every_refusal_is_given_at_once() -> None:
    message = refusal(
        NotifySettings, auth={**AUTH, "audience": None, "jwks_url": "http://accounts/jwks"}
    )
    assert all(s in message for s in ("auth.audience", "auth.jwks_url", "secret_keys"))


def test_a_service_refused_at_start_says_why_and_exits(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from notify.config import get_settings

    from xuncha.serve import main

    for name, value in {
        "ENVIRONMENT": "production",
        "AUTH__MODE": "oidc",
        "AUTH__ISSUER": AUTH["issuer"],
        "AUTH__JWKS_URL": "http://accounts:8000/jwks",
        "SECRET_KEYS": f'["{SECRET}"]',
    }.items():
        monkeypatch.setenv(f"XUNCHA_NOTIFY_{name}", value)
    get_settings.cache_clear()
    try:
        assert main(["notify", "--no-migrate"]) == 2
    finally:
        get_settings.cache_clear()
    err = capsys.readouterr().err
    assert "notify 未启动" in err and "secret_keys[0]" in err
    assert SECRET not in err
