#!/bin/sh
# The compose deployment's Kafka node (apache/kafka image): writes server.properties with
# the platform's access security, formats the storage once with the operator's SCRAM
# principal, and starts the broker. The same settings as the test broker
# (xuncha_shared.kafka_access.broker_security), checked by tests/deploy:
#   - clients (services, partners, the operator) sign in with SASL/SCRAM-SHA-512 over TLS
#     (SASL_SSL) on CLIENT, with the certificate kafka-certs made (python -m xuncha.kafka
#     certs: broker.pem = key + chain, ca.crt), PEM files Kafka reads as they are;
#   - controller and broker sign in to each other with SASL/PLAIN on CONTROLLER;
#   - the KRaft StandardAuthorizer denies what no ACL allows; only the operator (and the
#     controller) are super-users. Principals and ACLs: python -m xuncha.kafka services.
# Environment: CLUSTER_ID, KAFKA_OPERATOR_PASSWORD, KAFKA_CONTROLLER_PASSWORD,
# KAFKA_NUM_PARTITIONS, KAFKA_TLS_DIR (the TLS files); KAFKA_PROPERTIES_ONLY=1 writes the
# files and exits (tests).
set -eu
: "${CLUSTER_ID:?}" "${KAFKA_OPERATOR_PASSWORD:?}" "${KAFKA_CONTROLLER_PASSWORD:?}"
OPERATOR=xuncha-operator
CONFIG_DIR=${KAFKA_CONFIG_DIR:-/var/lib/kafka/config}
DATA_DIR=${KAFKA_DATA_DIR:-/var/lib/kafka/data}
TLS_DIR=${KAFKA_TLS_DIR:-/var/lib/kafka/tls}
mkdir -p "$CONFIG_DIR"
umask 077
cat > "$CONFIG_DIR/server.properties" <<PROPERTIES
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@kafka:9093
listeners=CLIENT://:9092,CONTROLLER://:9093
advertised.listeners=CLIENT://kafka:9092
listener.security.protocol.map=CLIENT:SASL_SSL,CONTROLLER:SASL_PLAINTEXT
inter.broker.listener.name=CLIENT
controller.listener.names=CONTROLLER
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.client.sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.client.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$OPERATOR" password="$KAFKA_OPERATOR_PASSWORD";
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="controller" password="$KAFKA_CONTROLLER_PASSWORD" user_controller="$KAFKA_CONTROLLER_PASSWORD";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:$OPERATOR;User:controller
allow.everyone.if.no.acl.found=false
ssl.keystore.type=PEM
ssl.keystore.location=$TLS_DIR/broker.pem
ssl.truststore.type=PEM
ssl.truststore.location=$TLS_DIR/ca.crt
ssl.client.auth=none
ssl.endpoint.identification.algorithm=https
log.dirs=$DATA_DIR
num.partitions=${KAFKA_NUM_PARTITIONS:-3}
default.replication.factor=1
min.insync.replicas=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
PROPERTIES
# The operator's client settings, for the health check inside the container.
cat > "$CONFIG_DIR/operator.properties" <<PROPERTIES
security.protocol=SASL_SSL
ssl.truststore.type=PEM
ssl.truststore.location=$TLS_DIR/ca.crt
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$OPERATOR" password="$KAFKA_OPERATOR_PASSWORD";
PROPERTIES
[ "${KAFKA_PROPERTIES_ONLY:-0}" = 1 ] && exit 0
/opt/kafka/bin/kafka-storage.sh format --ignore-formatted --cluster-id "$CLUSTER_ID" \
    --config "$CONFIG_DIR/server.properties" \
    --add-scram "SCRAM-SHA-512=[name=$OPERATOR,password=$KAFKA_OPERATOR_PASSWORD]"
exec /opt/kafka/bin/kafka-server-start.sh "$CONFIG_DIR/server.properties"
