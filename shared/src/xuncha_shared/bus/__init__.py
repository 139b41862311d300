"""The event bus: one interface, a Kafka backend and a PostgreSQL-log backend."""

from xuncha_shared.bus.base import Bus, BusMessage, BusUnavailable, Delivery, Subscription

__all__ = ["Bus", "BusMessage", "BusUnavailable", "Delivery", "Subscription"]
