"""The broker side of Kafka access: SASL/SCRAM over TLS on the client listener, SASL/PLAIN
between controller and broker, and the KRaft ACL authorizer that denies what no rule allows.

One function for every broker the project runs (the test broker, compose, a cluster node),
so they cannot drift apart. The operator's principal is a super-user; its SCRAM credential
must exist before the broker starts, which ``kafka-storage format --add-scram`` does
(:func:`storage_scram_argument`). SCRAM cannot authenticate the controller listener in
KRaft (the credentials live in the metadata the controller serves), hence PLAIN there, with
a password only the nodes know.
"""

from __future__ import annotations

from xuncha_shared.kafka_access.credentials import KafkaCredentials
from xuncha_shared.kafka_access.tls import BrokerTlsFiles

__all__ = [
    "AUTHORIZER_CLASS",
    "CLIENT_LISTENER",
    "CONTROLLER_LISTENER",
    "CONTROLLER_USERNAME",
    "broker_security_properties",
    "storage_scram_argument",
]

AUTHORIZER_CLASS = "org.apache.kafka.metadata.authorizer.StandardAuthorizer"
CLIENT_LISTENER = "CLIENT"
CONTROLLER_LISTENER = "CONTROLLER"
CONTROLLER_USERNAME = "controller"


def _jaas_value(value: str) -> str:
    if '"' in value or "\\" in value or ";" in value:
        raise ValueError("a SASL username or password must not hold quotes, backslashes or ';'")
    return value


def broker_security_properties(
    *,
    operator: KafkaCredentials,
    controller_password: str,
    tls: BrokerTlsFiles | None,
) -> dict[str, str]:
    """``server.properties`` entries securing a node whose listeners are named ``CLIENT``
    (clients and inter-broker traffic) and ``CONTROLLER``; the caller adds ``listeners``.

    With ``tls`` (the broker's certificate, :mod:`.tls`) the client listener is
    ``SASL_SSL``; without, ``SASL_PLAINTEXT``, which production clients refuse to use."""
    client_protocol = "SASL_SSL" if tls is not None else "SASL_PLAINTEXT"
    mechanism = operator.mechanism
    client = CLIENT_LISTENER.lower()
    scram_login = (
        "org.apache.kafka.common.security.scram.ScramLoginModule required "
        f'username="{_jaas_value(operator.username)}" '
        f'password="{_jaas_value(operator.password)}";'
    )
    controller_login = (
        "org.apache.kafka.common.security.plain.PlainLoginModule required "
        f'username="{CONTROLLER_USERNAME}" password="{_jaas_value(controller_password)}" '
        f'user_{CONTROLLER_USERNAME}="{controller_password}";'
    )
    properties = {
        "listener.security.protocol.map": (
            f"{CLIENT_LISTENER}:{client_protocol},{CONTROLLER_LISTENER}:SASL_PLAINTEXT"
        ),
        "inter.broker.listener.name": CLIENT_LISTENER,
        "controller.listener.names": CONTROLLER_LISTENER,
        "sasl.enabled.mechanisms": mechanism,
        "sasl.mechanism.inter.broker.protocol": mechanism,
        f"listener.name.{client}.sasl.enabled.mechanisms": mechanism,
        f"listener.name.{client}.{mechanism.lower()}.sasl.jaas.config": scram_login,
        "sasl.mechanism.controller.protocol": "PLAIN",
        "listener.name.controller.sasl.enabled.mechanisms": "PLAIN",
        "listener.name.controller.plain.sasl.jaas.config": controller_login,
        "authorizer.class.name": AUTHORIZER_CLASS,
        "super.users": f"User:{operator.username};User:{CONTROLLER_USERNAME}",
        "allow.everyone.if.no.acl.found": "false",
    }
    if tls is not None:
        properties.update(tls.keystore_properties())
    return properties


def storage_scram_argument(operator: KafkaCredentials) -> str:
    """The ``kafka-storage format --add-scram`` value creating the operator's principal."""
    return (
        f"{operator.mechanism}=[name={_jaas_value(operator.username)},"
        f"password={_jaas_value(operator.password)}]"
    )
