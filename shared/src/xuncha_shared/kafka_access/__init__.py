"""Kafka access for services and partner agencies: SASL/SCRAM principals and ACLs, over TLS.

- :mod:`.credentials`: a principal's sign-in, as aiokafka and librdkafka options;
- :mod:`.policy`: the rules (a service writes its own topics and reads what it consumes;
  a partner reads only what it was granted, the clues topic only by name);
- :mod:`.broker_security`: the broker's listeners, SASL, TLS and authorizer settings;
- :mod:`.tls`: the CA and the broker's certificate (``python -m xuncha.kafka certs``);
- :mod:`.admin`: applies principals, ACLs and topics on a broker (confluent-kafka).
"""

from xuncha_shared.kafka_access.credentials import NO_CREDENTIALS, KafkaCredentials

__all__ = ["NO_CREDENTIALS", "KafkaCredentials"]
