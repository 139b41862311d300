"""When to try a failed delivery again: exponential backoff with full jitter.

The wait after the n-th failed attempt is uniform in [0, min(cap, base · 2^(n-1))]
(tenacity's ``wait_random_exponential``, the "full jitter" of the AWS architecture note),
so receivers that came back are not hit by every sender at the same instant. The next time
is persisted on the delivery row (``next_attempt_at``), so a restart keeps the schedule.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tenacity import RetryCallState, wait_random_exponential


def retry_delay(failed_attempts: int, *, base_seconds: float, max_seconds: float) -> timedelta:
    """The wait before the next try, after ``failed_attempts`` (≥ 1) failures."""
    # The wait strategy reads only the attempt number from the state.
    state = RetryCallState(None, None, (), {})  # type: ignore[arg-type]
    state.attempt_number = max(1, failed_attempts)
    wait = wait_random_exponential(multiplier=base_seconds, max=max_seconds)
    return timedelta(seconds=wait(state))


def next_attempt_at(
    now: datetime, failed_attempts: int, *, base_seconds: float, max_seconds: float
) -> datetime:
    return now + retry_delay(failed_attempts, base_seconds=base_seconds, max_seconds=max_seconds)


def longest_wait(failed_attempts: int, *, base_seconds: float, max_seconds: float) -> timedelta:
    """The upper bound of :func:`retry_delay` (tests move the clock by this much)."""
    return timedelta(seconds=min(max_seconds, base_seconds * 2 ** (max(1, failed_attempts) - 1)))
