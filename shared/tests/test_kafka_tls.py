"""TLS on Kafka's client listener (SASL_SSL): the certificate files, the real broker refusing
clients without TLS or without the deployment's CA, and both client libraries (aiokafka and
librdkafka) checking that the broker's certificate names the host they dial."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import ssl
import stat
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from pathlib import Path

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from cryptography import x509
from xuncha_shared.kafka_access.admin import KafkaAccessAdmin
from xuncha_shared.kafka_access.credentials import KafkaCredentials
from xuncha_shared.kafka_access.tls import BrokerTlsFiles, write_broker_tls_files
from xuncha_shared.testing.kafka_broker.broker import KafkaBroker


def test_broker_tls_files_name_the_hosts_and_keep_the_keys_private(tmp_path: Path) -> None:
    files = write_broker_tls_files(tmp_path / "tls", ["kafka", "localhost", "127.0.0.1"])
    for key_file in (files.key_file, files.keystore_file):
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        assert b"-----BEGIN PRIVATE KEY-----" in key_file.read_bytes()  # PKCS#8, Kafka's form
    assert stat.S_IMODE(files.ca_file.stat().st_mode) == 0o644
    assert b"PRIVATE KEY" not in files.ca_file.read_bytes()
    ca = x509.load_pem_x509_certificate(files.ca_file.read_bytes())
    chain = x509.load_pem_x509_certificates(files.certificate_file.read_bytes())
    assert [c.subject for c in chain] == [chain[0].subject, ca.subject]
    chain[0].verify_directly_issued_by(ca)
    names = chain[0].extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["kafka", "localhost"]
    assert names.get_values_for_type(x509.IPAddress) == [ipaddress.ip_address("127.0.0.1")]
    # Kafka's PEM keystore: the key, then the chain, in one file.
    assert files.keystore_file.read_bytes() == (
        files.key_file.read_bytes() + files.certificate_file.read_bytes()
    )
    # The authority's key is written nowhere.
    assert sorted(p.name for p in files.directory.iterdir()) == [
        "broker.crt",
        "broker.key",
        "broker.pem",
        "ca.crt",
    ]
    with pytest.raises(ValueError):
        write_broker_tls_files(tmp_path / "none", [])


async def _signs_in(broker: KafkaBroker, creds: KafkaCredentials) -> bool:
    """Whether an aiokafka client with ``creds`` gets the cluster's metadata."""
    admin = AIOKafkaAdminClient(
        bootstrap_servers=broker.bootstrap_servers,
        request_timeout_ms=4_000,
        **creds.aiokafka_options(),
    )
    try:
        async with asyncio.timeout(8):
            await admin.start()
            await admin.describe_cluster()
        return True
    except Exception:
        return False
    finally:
        with contextlib.suppress(Exception):
            await admin.close()


def _admin_lists_topics(broker: KafkaBroker, creds: KafkaCredentials) -> bool:
    """Whether a librdkafka (confluent-kafka) client with ``creds`` is served."""
    try:
        KafkaAccessAdmin(broker.bootstrap_servers, creds, timeout=4).user_exists("nobody")
    except Exception:
        return False
    return True


@pytest.mark.kafka
@pytest.mark.timeout(120)
async def test_the_broker_serves_only_tls_clients_that_trust_its_ca(
    kafka_broker: KafkaBroker, tmp_path: Path
) -> None:
    operator = kafka_broker.operator_credentials
    assert operator.security_protocol == "SASL_SSL"
    assert await _signs_in(kafka_broker, operator)
    assert await asyncio.to_thread(_admin_lists_topics, kafka_broker, operator)

    # Without TLS, the same principal is not served.
    plaintext = replace(operator, security_protocol="SASL_PLAINTEXT", ssl_cafile=None)
    assert not await _signs_in(kafka_broker, plaintext)
    assert not await asyncio.to_thread(_admin_lists_topics, kafka_broker, plaintext)
    # Over TLS, a client trusting another CA (or only the system's) refuses the broker.
    other_ca = write_broker_tls_files(tmp_path / "other", ["localhost", "127.0.0.1"]).ca_file
    for untrusting in (
        replace(operator, ssl_cafile=str(other_ca)),
        replace(operator, ssl_cafile=None),
    ):
        assert not await _signs_in(kafka_broker, untrusting), untrusting
        assert not await asyncio.to_thread(_admin_lists_topics, kafka_broker, untrusting)
    # TLS does not replace signing in: a wrong password is refused over TLS.
    assert not await _signs_in(kafka_broker, replace(operator, password="not-the-password"))


@contextlib.asynccontextmanager
async def _tls_listener(files: BrokerTlsFiles) -> AsyncIterator[tuple[int, list[str]]]:
    """A TLS server on loopback presenting ``files``' certificate; yields its port and the
    list of connections whose handshake completed (the client accepted the certificate)."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(files.certificate_file, files.key_file)
    accepted: list[str] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append("handshake")
        with contextlib.suppress(Exception):
            await reader.read(1)
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0, ssl=context)
    async with server:
        yield int(server.sockets[0].getsockname()[1]), accepted


async def _dial_with_aiokafka(port: int, creds: KafkaCredentials) -> None:
    client = AIOKafkaAdminClient(
        bootstrap_servers=f"127.0.0.1:{port}", request_timeout_ms=1_500, **creds.aiokafka_options()
    )
    with contextlib.suppress(Exception):
        async with asyncio.timeout(2):
            await client.start()
    with contextlib.suppress(Exception):
        await client.close()


async def _dial_with_librdkafka(port: int, creds: KafkaCredentials) -> None:
    def dial() -> None:
        with contextlib.suppress(Exception):
            KafkaAccessAdmin(f"127.0.0.1:{port}", creds, timeout=2).user_exists("nobody")

    await asyncio.to_thread(dial)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("dial", [_dial_with_aiokafka, _dial_with_librdkafka])
async def test_kafka_clients_refuse_a_certificate_for_another_host(
    tmp_path: Path, dial: Callable[[int, KafkaCredentials], Awaitable[None]]
) -> None:
    """The client trusts the CA; only the certificate's name differs: one naming the host
    dialled (127.0.0.1) is accepted, one for another name is refused (no handshake)."""
    for hosts, accepts in ((["127.0.0.1"], True), (["kafka.elsewhere.example"], False)):
        files = write_broker_tls_files(tmp_path / hosts[0], hosts)
        creds = KafkaCredentials(
            username="planning",
            password="secret",
            security_protocol="SASL_SSL",
            ssl_cafile=str(files.ca_file),
        )
        async with _tls_listener(files) as (port, accepted):
            await dial(port, creds)
            await asyncio.sleep(0.2)
        assert bool(accepted) is accepts, hosts


def test_the_certs_command_writes_the_broker_tls_files_once(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from xuncha.kafka.cli import app

    out = tmp_path / "kafka-tls"
    command = ["certs", "--out", str(out), "--host", "kafka", "--host", "localhost"]
    made = CliRunner().invoke(app, command)
    assert made.exit_code == 0, made.output
    ca = (out / "ca.crt").read_bytes()
    names = x509.load_pem_x509_certificate((out / "broker.crt").read_bytes()).extensions
    assert names.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(
        x509.DNSName
    ) == ["kafka", "localhost"]
    # Run again (compose starts the job on every `up`): the CA clients trust stays.
    kept = CliRunner().invoke(app, command)
    assert kept.exit_code == 0 and "kept" in kept.output
    assert (out / "ca.crt").read_bytes() == ca
    renewed = CliRunner().invoke(app, [*command, "--force"])
    assert renewed.exit_code == 0 and (out / "ca.crt").read_bytes() != ca
    for bad in (["--host", "kafka", "--owner", "appuser"], ["--host", " "], []):
        refused = CliRunner().invoke(app, ["certs", "--out", str(tmp_path / "x"), *bad])
        assert refused.exit_code != 0
        assert not (tmp_path / "x" / "broker.key").exists()
