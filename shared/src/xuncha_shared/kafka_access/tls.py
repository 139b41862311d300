"""TLS on Kafka's client listener: a certificate authority and the broker's certificate.

Made once per deployment (``python -m xuncha.kafka certs``, the compose ``kafka-certs``
job) and by the test broker, as PEM files Kafka reads directly (``ssl.keystore.type=PEM``):

- ``ca.crt``: the authority clients trust (services, the operator's tools, partner
  agencies: hand them this file, never the keys);
- ``broker.key``: the broker's private key (0600);
- ``broker.crt``: the broker's certificate followed by the authority's (the chain);
- ``broker.pem``: key and chain in one file (0600), Kafka's ``ssl.keystore.location``.

The broker's certificate names every host clients reach it by (``subjectAltName``: DNS
names and IP addresses), because every client verifies the host name. The authority's key
is not written anywhere: it signs the broker's certificate and is gone, so no file on the
deployment can issue a certificate clients would trust. Renewal makes a new authority
(``--force``), whose ``ca.crt`` goes out to the clients again.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

__all__ = [
    "BROKER_TLS_FILE_NAMES",
    "BrokerTlsFiles",
    "broker_tls_files",
    "ensure_broker_tls_files",
    "subject_alternative_names",
    "write_broker_tls_files",
]

CA_FILE = "ca.crt"
BROKER_KEY_FILE = "broker.key"
BROKER_CERT_FILE = "broker.crt"
BROKER_KEYSTORE_FILE = "broker.pem"
BROKER_TLS_FILE_NAMES = (CA_FILE, BROKER_KEY_FILE, BROKER_CERT_FILE, BROKER_KEYSTORE_FILE)

CA_VALIDITY = datetime.timedelta(days=3650)
BROKER_VALIDITY = datetime.timedelta(days=825)


@dataclass(frozen=True)
class BrokerTlsFiles:
    """Where a broker's TLS files are (see the module's documentation)."""

    directory: Path

    @property
    def ca_file(self) -> Path:
        return self.directory / CA_FILE

    @property
    def key_file(self) -> Path:
        return self.directory / BROKER_KEY_FILE

    @property
    def certificate_file(self) -> Path:
        return self.directory / BROKER_CERT_FILE

    @property
    def keystore_file(self) -> Path:
        return self.directory / BROKER_KEYSTORE_FILE

    def exist(self) -> bool:
        return all((self.directory / name).is_file() for name in BROKER_TLS_FILE_NAMES)

    def keystore_properties(self) -> dict[str, str]:
        """The ``server.properties`` entries serving this certificate on a TLS listener."""
        return {
            "ssl.keystore.type": "PEM",
            "ssl.keystore.location": str(self.keystore_file),
            "ssl.truststore.type": "PEM",
            "ssl.truststore.location": str(self.ca_file),
            "ssl.client.auth": "none",
            "ssl.endpoint.identification.algorithm": "https",
        }


def broker_tls_files(directory: Path) -> BrokerTlsFiles:
    return BrokerTlsFiles(Path(directory))


def subject_alternative_names(hosts: Sequence[str]) -> list[x509.GeneralName]:
    """Each host as the name a client verifies: an IP address or a DNS name."""
    if not hosts:
        raise ValueError("the broker's certificate needs at least one host name")
    names: list[x509.GeneralName] = []
    for host in dict.fromkeys(h.strip() for h in hosts):
        if not host:
            raise ValueError("a host name must not be empty")
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    return names


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Xuncha"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _certificate_authority(
    now: datetime.datetime,
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name("Xuncha Kafka CA")
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + CA_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, certificate


def _broker_certificate(
    names: list[x509.GeneralName],
    ca_key: ec.EllipticCurvePrivateKey,
    ca: x509.Certificate,
    now: datetime.datetime,
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(str(names[0].value)))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + BROKER_VALIDITY)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    return key, certificate


def _write(path: Path, data: bytes, mode: int) -> None:
    """Write ``data`` to ``path`` created with ``mode`` (a key is never readable by others,
    not even for a moment)."""
    path.unlink(missing_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
    path.chmod(mode)


def write_broker_tls_files(
    directory: Path, hosts: Sequence[str], *, owner: tuple[int, int] | None = None
) -> BrokerTlsFiles:
    """Make a new authority and a broker certificate for ``hosts``; write the PEM files
    into ``directory`` (created if missing), replacing any there. ``owner`` (uid, gid)
    hands the files to the broker's user (needs the right to ``chown``)."""
    names = subject_alternative_names(hosts)  # refuses no or empty host names first
    files = broker_tls_files(directory)
    files.directory.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.UTC)
    ca_key, ca = _certificate_authority(now)
    key, certificate = _broker_certificate(names, ca_key, ca, now)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,  # the only form Kafka's PEM keystore reads
        serialization.NoEncryption(),
    )
    ca_pem = ca.public_bytes(serialization.Encoding.PEM)
    chain_pem = certificate.public_bytes(serialization.Encoding.PEM) + ca_pem
    _write(files.ca_file, ca_pem, 0o644)
    _write(files.key_file, key_pem, 0o600)
    _write(files.certificate_file, chain_pem, 0o644)
    _write(files.keystore_file, key_pem + chain_pem, 0o600)
    if owner is not None:
        for name in BROKER_TLS_FILE_NAMES:
            os.chown(files.directory / name, *owner)
    return files


def ensure_broker_tls_files(directory: Path, hosts: Sequence[str]) -> BrokerTlsFiles:
    """The files in ``directory``, made for ``hosts`` when any is missing (a broker that
    restarts keeps its certificate, and clients their trust)."""
    files = broker_tls_files(directory)
    return files if files.exist() else write_broker_tls_files(directory, hosts)
