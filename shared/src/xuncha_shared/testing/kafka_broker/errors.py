"""The one error of the Kafka test broker."""

__all__ = ["KafkaBrokerError"]


class KafkaBrokerError(RuntimeError):
    """The broker could not be installed, started or stopped."""
