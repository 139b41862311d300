"""Webhook subscriptions of department systems, signed per the Standard Webhooks spec."""
