"""Routing rules: from an event type (and its fields) to audiences and channels."""
