"""A real single-node Apache Kafka 4.x broker (KRaft, broker+controller) without Docker.

There is no Docker engine on the project's machines and the Apache tarball cannot be
downloaded, so the broker is assembled from Maven Central: ``deploy/kafka/pom.xml`` lists
``org.apache.kafka:kafka_2.13`` plus a log4j2 backend, :func:`ensure_jars` copies the runtime
classpath into ``var/kafka/lib`` (kept out of git), and :class:`KafkaBroker` runs
``java -cp lib/* kafka.Kafka server.properties`` as a child process.

Typical test use::

    broker = KafkaBroker(tmp_path / "kafka")
    with broker:                      # start() ... stop()
        producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap_servers, ...)
        ...
        broker.restart()              # same ports and data: clients reconnect
        broker.kill()                 # SIGKILL, simulates a crash
        broker.start()

Command line::

    python -m xuncha_shared.testing.kafka_broker install
    python -m xuncha_shared.testing.kafka_broker run --dir var/kafka/dev --port 9092

Modules: :mod:`.jars` finds the repository and resolves the jars, :mod:`.broker` holds
:class:`~.broker.KafkaBroker`, :mod:`.process` the port, JVM and readiness helpers it uses,
and ``__main__`` the command line.
"""
