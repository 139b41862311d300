"""``python -m xuncha.kafka``: the operator's Kafka access commands (services' principals,
partner agencies' onboarding). See :mod:`xuncha.kafka.cli`."""
