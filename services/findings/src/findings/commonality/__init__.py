"""commonality."""
