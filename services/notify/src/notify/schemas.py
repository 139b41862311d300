"""Field patterns the notify schemas share."""

from __future__ import annotations

# PostgreSQL text cannot hold NUL: refuse it (and other control characters in names) as
# invalid input instead of failing in the database.
NO_NUL = r"^[^\x00]*$"
PLAIN = r"^[^\x00-\x1f\x7f]*$"
