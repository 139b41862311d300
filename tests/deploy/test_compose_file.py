"""docker-compose.yml runs every service in production, with secrets from an env file the
repository does not ship. Read here without Docker: the file is parsed and its variables
interpolated the way compose interpolates them, and each service's settings are built from
the environment its container would get."""

from __future__ import annotations

import importlib
import importlib.util
import ipaddress
import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from clues.config import DEV_CLUE_KEY
from cryptography.fernet import Fernet
from pydantic import ValidationError
from xuncha_shared.kafka_access.broker_security import broker_security_properties
from xuncha_shared.kafka_access.credentials import KafkaCredentials
from xuncha_shared.kafka_access.policy import service_topics
from xuncha_shared.kafka_access.tls import broker_tls_files
from xuncha_shared.settings import SERVICES

from xuncha.serve import service_settings

REPO = Path(__file__).resolve().parents[2]
COMPOSE = REPO / "docker-compose.yml"
EXAMPLE = REPO / "deploy" / "xuncha.env.example"
SECRETS = {
    "XUNCHA_PUBLIC_URL",
    "POSTGRES_PASSWORD",
    "XUNCHA_CLUES_CLUE_KEYS",
    "XUNCHA_NOTIFY_SECRET_KEYS",
    "XUNCHA_METRICS_TOKEN",
    *(f"XUNCHA_{s.upper()}_DB_PASSWORD" for s in SERVICES),
    "XUNCHA_KAFKA_OPERATOR_PASSWORD",
    "XUNCHA_KAFKA_CONTROLLER_PASSWORD",
    *(f"XUNCHA_{s.upper()}_KAFKA_PASSWORD" for s in SERVICES),
}
PUBLIC_URL = "https://xuncha.example.gov.cn"
# Compose's interpolation: $$ is a literal $; ${NAME}, ${NAME:-default}, ${NAME-default},
# ${NAME:?message}, ${NAME?message}.
_VARIABLE = re.compile(r"\$\$|\$\{(?P<name>[A-Za-z_]\w*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")


class Missing(Exception):
    """A ``${NAME:?message}`` without a value: compose refuses to start."""


def interpolate(value: str, env: Mapping[str, str]) -> str:
    def one(m: re.Match[str]) -> str:
        if m.group(0) == "$$":
            return "$"
        name, op, arg = m.group("name"), m.group("op"), m.group("arg")
        current = env.get(name)
        unset = current is None or (op is not None and op.startswith(":") and current == "")
        if op in {":?", "?"} and unset:
            raise Missing(f"{name}: {arg}")
        if op in {":-", "-"} and unset:
            return str(arg)
        return current or ""

    return _VARIABLE.sub(one, value)


def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return document


def environment(service: str, env: Mapping[str, str]) -> dict[str, str]:
    """The container's environment, interpolated with ``env`` (the --env-file's values)."""
    declared: dict[str, Any] = compose()["services"][service]["environment"]
    return {k: interpolate(str(v), env) for k, v in declared.items()}


def example_values() -> dict[str, str]:
    values = {}
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def documented_commands() -> list[list[str]]:
    """The generating commands the example shows (``python3 -c "…"``)."""
    text = EXAMPLE.read_text(encoding="utf-8")
    return [
        shlex.split(line)[1:]
        for line in (m.strip() for m in re.findall(r"^#\s+(python3 -c .*)$", text, re.M))
    ]


def filled() -> dict[str, str]:
    """The example filled in with the commands it documents."""
    password_command, key_command = documented_commands()

    def run(args: list[str]) -> str:
        return subprocess.run(
            [sys.executable, *args], check=True, capture_output=True, text=True
        ).stdout.strip()

    values = {name: run(password_command) for name in example_values()}
    values["XUNCHA_PUBLIC_URL"] = PUBLIC_URL
    values["XUNCHA_CLUES_CLUE_KEYS"] = json.dumps([run(key_command)])
    values["XUNCHA_NOTIFY_SECRET_KEYS"] = json.dumps([run(key_command)])
    return values


@pytest.fixture
def settings_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """A clean environment for building settings; the cached settings dropped after."""
    for name in list(os.environ):
        if name.startswith("XUNCHA_"):
            monkeypatch.delenv(name)
    yield monkeypatch
    for service in SERVICES:
        importlib.import_module(f"{service}.config").get_settings.cache_clear()


def build(service: str, env: Mapping[str, str], monkeypatch: pytest.MonkeyPatch) -> Any:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    importlib.import_module(f"{service}.config").get_settings.cache_clear()
    return service_settings(service)


def test_every_service_runs_in_production_against_the_accounts_service() -> None:
    services = compose()["services"]
    for name in SERVICES:
        spec = services[name]
        assert spec["command"][:4] == ["python", "-m", "xuncha.serve", name]
        env = spec["environment"]
        p = f"XUNCHA_{name.upper()}_"
        assert env[f"{p}ENVIRONMENT"] == "production"
        assert env[f"{p}AUTH__MODE"] == "oidc"
        assert env[f"{p}AUTH__ISSUER"].startswith("${XUNCHA_PUBLIC_URL:?")
        assert env[f"{p}AUTH__ISSUER"].endswith("}/api/accounts")
        # Over https, through the TLS proxy: production refuses keys fetched over http.
        assert env[f"{p}AUTH__JWKS_URL"].startswith("${XUNCHA_PUBLIC_URL:?")
        assert env[f"{p}AUTH__JWKS_URL"].endswith("}/api/accounts/.well-known/jwks.json")
        assert env[f"{p}AUTH__AUDIENCE"] == "xuncha"
        # Prometheus reads /metrics with the one metrics token of the deployment.
        assert env[f"{p}METRICS_TOKEN"] == "${XUNCHA_METRICS_TOKEN:?see deploy/xuncha.env.example}"
        assert f"{p}DB_PASSWORD" in services["postgres"]["environment"]
        assert name in services["gateway"]["depends_on"]
    assert "DEV_SECRET" not in COMPOSE.read_text(encoding="utf-8")


def test_secrets_have_no_default_and_the_example_cannot_start_anything() -> None:
    text = COMPOSE.read_text(encoding="utf-8")
    references = [m for m in _VARIABLE.finditer(text) if m.group("name")]
    for match in references:
        if match.group("name") in SECRETS:
            assert match.group("op") == ":?", match.group(0)
    assert {m.group("name") for m in references} >= SECRETS
    # The example names every secret, with every value left empty: compose refuses it.
    example = example_values()
    assert set(example) == SECRETS
    assert all(value == "" for value in example.values())
    for name in SERVICES:
        with pytest.raises(Missing):
            environment(name, example)
    with pytest.raises(Missing):
        environment("postgres", example)
    # The file holding the real values is never committed nor built into an image.
    assert "deploy/xuncha.env" in (REPO / ".gitignore").read_text().splitlines()
    assert "deploy/*.env" in (REPO / ".dockerignore").read_text().splitlines()


def test_the_filled_in_example_is_a_valid_production_configuration(
    settings_env: pytest.MonkeyPatch,
) -> None:
    values = filled()
    for key in json.loads(values["XUNCHA_CLUES_CLUE_KEYS"]):
        Fernet(key)  # the documented command makes Fernet keys
    for name in SERVICES:
        settings = build(name, environment(name, values), settings_env)
        assert settings.environment == "production"
        assert settings.auth.mode == "oidc" and settings.auth.dev_secret is None
        assert settings.auth.issuer == f"{PUBLIC_URL}/api/accounts"
        assert settings.database_url.startswith(f"postgresql+asyncpg://{name}:")
        password = values[f"XUNCHA_{name.upper()}_DB_PASSWORD"]
        assert f":{password}@postgres:5432/" in settings.database_url
        assert settings.metrics_enabled
        assert settings.metrics_token.get_secret_value() == values["XUNCHA_METRICS_TOKEN"]
    assert build("accounts", environment("accounts", values), settings_env).token_issuer == (
        f"{PUBLIC_URL}/api/accounts"
    )


def test_production_refuses_the_development_clue_key(settings_env: pytest.MonkeyPatch) -> None:
    values = {**filled(), "XUNCHA_CLUES_CLUE_KEYS": json.dumps([DEV_CLUE_KEY])}
    with pytest.raises(ValidationError, match="development key") as refused:
        build("clues", environment("clues", values), settings_env)
    assert DEV_CLUE_KEY not in str(refused.value)
    values["XUNCHA_CLUES_CLUE_KEYS"] = '["not-a-key"]'
    with pytest.raises(ValidationError, match="not a valid Fernet key"):
        build("clues", environment("clues", values), settings_env)


def test_topics_gateway_image_and_roles_cover_every_service() -> None:
    init = compose()["services"]["kafka-init"]
    assert init["command"][:4] == ["python", "-m", "xuncha.kafka", "services"]
    topics = service_topics("$PREFIX")
    for name in SERVICES:
        assert f"$PREFIX.dlq.{name}" in topics
        if importlib.util.find_spec(f"xuncha_shared.events.{name}") is not None:
            assert f"$PREFIX.{name}.v1" in topics  # it publishes
        # The one-shot sets each service's principal up with the password the service uses.
        assert (
            init["environment"][f"XUNCHA_{name.upper()}_KAFKA_PASSWORD"]
            == (compose()["services"][name]["environment"][f"XUNCHA_{name.upper()}_KAFKA_PASSWORD"])
        )
    gateway = (REPO / "deploy" / "gateway" / "nginx.conf").read_text(encoding="utf-8")
    dockerfile = (REPO / "Dockerfile").read_text(encoding="utf-8")
    init_sql = (REPO / "deploy" / "postgres" / "init.sql").read_text(encoding="utf-8")
    for name in SERVICES:
        assert re.search(
            rf"location /api/{name}/ \{{\s+set \$xuncha_upstream {name}:8000;", gateway
        ), name
        assert f"COPY services/{name}/pyproject.toml services/{name}/" in dockerfile
        assert f"\\getenv {name}_password XUNCHA_{name.upper()}_DB_PASSWORD" in init_sql
        assert f"SET xuncha.password_{name} = :'{name}_password';" in init_sql
        assert f"'{name}'" in init_sql.partition("FOREACH service IN ARRAY")[2]


def broker_properties(tmp_path: Path, env: Mapping[str, str]) -> dict[str, str]:
    """What deploy/kafka/broker.sh writes into server.properties for the compose broker."""
    run_env = {
        **{
            k: interpolate(str(v), env)
            for k, v in compose()["services"]["kafka"]["environment"].items()
        },
        "KAFKA_CONFIG_DIR": str(tmp_path / "config"),
        "KAFKA_DATA_DIR": str(tmp_path / "data"),
        "KAFKA_PROPERTIES_ONLY": "1",
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    }
    subprocess.run(
        ["/bin/sh", str(REPO / "deploy" / "kafka" / "broker.sh")], env=run_env, check=True
    )
    lines = (tmp_path / "config" / "server.properties").read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def test_compose_kafka_has_the_test_brokers_security(tmp_path: Path) -> None:
    """SASL/SCRAM over TLS for clients, SASL/PLAIN between controller and broker, the ACL
    authorizer denying what no rule allows, and only the operator a super-user: the same
    entries as the test broker's (broker_security_properties), so every Kafka test runs
    under them."""
    values = filled()
    properties = broker_properties(tmp_path, values)
    operator = KafkaCredentials(
        username="xuncha-operator", password=values["XUNCHA_KAFKA_OPERATOR_PASSWORD"]
    )
    tls_dir = compose()["services"]["kafka"]["environment"]["KAFKA_TLS_DIR"]
    expected = broker_security_properties(
        operator=operator,
        controller_password=values["XUNCHA_KAFKA_CONTROLLER_PASSWORD"],
        tls=broker_tls_files(Path(tls_dir)),
    )
    for key, value in expected.items():
        assert properties.get(key) == value, key
    assert properties["allow.everyone.if.no.acl.found"] == "false"
    assert properties["authorizer.class.name"].endswith("StandardAuthorizer")
    assert properties["super.users"] == "User:xuncha-operator;User:controller"
    assert "PLAINTEXT://" not in properties["listeners"].replace("SASL_PLAINTEXT", "")
    assert "CLIENT:SASL_SSL" in properties["listener.security.protocol.map"].split(",")
    assert properties["ssl.keystore.location"] == f"{tls_dir}/broker.pem"
    # The health check signs in over TLS too, trusting the CA.
    operator_client = (tmp_path / "config" / "operator.properties").read_text(encoding="utf-8")
    assert "security.protocol=SASL_SSL" in operator_client
    assert f"ssl.truststore.location={tls_dir}/ca.crt" in operator_client
    assert all(
        protocol.startswith("SASL_")
        for protocol in (
            entry.split(":")[1] for entry in properties["listener.security.protocol.map"].split(",")
        )
    )
    script = (REPO / "deploy" / "kafka" / "broker.sh").read_text(encoding="utf-8")
    assert "--add-scram" in script  # the operator exists before the broker serves anyone
    # The broker is reachable on the compose network only.
    assert "ports" not in compose()["services"]["kafka"]


def test_every_service_signs_in_to_kafka_as_its_own_principal(
    settings_env: pytest.MonkeyPatch,
) -> None:
    values = filled()
    for name in SERVICES:
        settings = build(name, environment(name, values), settings_env)
        creds = settings.kafka_credentials
        assert creds.username == name
        assert creds.password == values[f"XUNCHA_{name.upper()}_KAFKA_PASSWORD"]
        assert creds.security_protocol == "SASL_SSL"
        assert creds.mechanism == "SCRAM-SHA-512"
    # Production refuses a Kafka bus it would reach without signing in.
    env = environment("planning", values)
    env.pop("XUNCHA_PLANNING_KAFKA_PASSWORD")
    settings_env.delenv("XUNCHA_PLANNING_KAFKA_PASSWORD")
    with pytest.raises(ValidationError, match="signs in to Kafka"):
        build("planning", env, settings_env)


def test_services_believe_forwarded_headers_only_from_the_gateways_fixed_address(
    settings_env: pytest.MonkeyPatch,
) -> None:
    document = compose()
    network = document["networks"]["default"]["ipam"]["config"][0]
    gateway = document["services"]["gateway"]["networks"]["default"]["ipv4_address"]
    # Fixed, inside the services' network, outside the part Docker hands out to others.
    assert ipaddress.ip_address(gateway) in ipaddress.ip_network(network["subnet"])
    assert ipaddress.ip_address(gateway) not in ipaddress.ip_network(network["ip_range"])
    values = filled()
    for name in SERVICES:
        settings = build(name, environment(name, values), settings_env)
        assert settings.trusted_proxies == [gateway], name
    # The gateway sets X-Forwarded-For to the address it saw; appending would pass on
    # whatever the client wrote.
    nginx = (REPO / "deploy" / "gateway" / "nginx.conf").read_text(encoding="utf-8")
    assert re.search(r"proxy_set_header X-Forwarded-For \$remote_addr;", nginx)
    assert "$proxy_add_x_forwarded_for" not in nginx
    # Nothing else in the deployment trusts every proxy.
    assert "forwarded_allow_ips" not in COMPOSE.read_text(encoding="utf-8")
    assert "FORWARDED_ALLOW_IPS" not in COMPOSE.read_text(encoding="utf-8")


def test_the_gateway_gives_the_combined_api_document_to_signed_in_accounts_only() -> None:
    nginx = (REPO / "deploy" / "gateway" / "nginx.conf").read_text(encoding="utf-8")
    served = re.search(r"location = /api/openapi\.json \{(?P<body>[^}]*)\}", nginx)
    assert served is not None
    # Asked of the accounts service, whose own document needs a sign-in in production.
    assert "auth_request /_api_docs_access;" in served.group("body")
    check = re.search(r"location = /_api_docs_access \{(?P<body>[^}]*)\}", nginx)
    assert check is not None and "internal;" in check.group("body")
    assert "/api/accounts/openapi.json" in check.group("body")
    # Metrics are scraped inside the network, never published.
    assert re.search(r"location ~ \^/api/\[a-z\]\+/metrics\$ \{\s+return 404;", nginx)


def _mounts(service: str) -> dict[str, str]:
    """The service's named volumes: mount point -> volume (``:ro`` dropped)."""
    mounts = {}
    for entry in compose()["services"][service].get("volumes", []):
        source, target = str(entry).split(":")[:2]
        mounts[target] = source
    return mounts


def test_every_kafka_client_in_compose_uses_tls_and_trusts_the_deployments_ca() -> None:
    """kafka-certs makes the CA and the broker's certificate in a volume; the broker serves
    SASL_SSL with it; every container that speaks to Kafka (the services and kafka-init)
    uses SASL_SSL and trusts that volume's ca.crt, and the certificate names the host they
    dial."""
    services = compose()["services"]
    certs = services["kafka-certs"]
    command = certs["command"]
    assert command[:4] == ["python", "-m", "xuncha.kafka", "certs"]
    out = command[command.index("--out") + 1]
    hosts = [command[i + 1] for i, arg in enumerate(command) if arg == "--host"]
    volume = _mounts("kafka-certs")[out]
    broker = services["kafka"]
    assert broker["depends_on"]["kafka-certs"]["condition"] == "service_completed_successfully"
    assert _mounts("kafka")[broker["environment"]["KAFKA_TLS_DIR"]] == volume
    assert all(str(v).endswith(":ro") for v in broker["volumes"] if str(v).startswith(volume))

    values = filled()
    clients = [
        name
        for name, service in services.items()
        if any(k.endswith("KAFKA_BOOTSTRAP_SERVERS") for k in service.get("environment", {}))
    ]
    assert set(clients) == {*SERVICES, "kafka-init"}
    for name in clients:
        env = environment(name, values)
        prefix = "XUNCHA_KAFKA_" if name == "kafka-init" else f"XUNCHA_{name.upper()}_KAFKA_"
        assert env[f"{prefix}SECURITY_PROTOCOL"] == "SASL_SSL", name
        ca_file = Path(env[f"{prefix}SSL_CAFILE"])
        assert ca_file.name == "ca.crt", name
        assert _mounts(name)[str(ca_file.parent)] == volume, name
        host = env[f"{prefix}BOOTSTRAP_SERVERS"].rsplit(":", 1)[0]
        assert host in hosts, name
