"""Deliveries over webhooks and e-mail: recorded first, sent by the dispatcher, retried with
backoff, dead-lettered after a limit."""
