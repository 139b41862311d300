"""An injectable clock: every service reads time from here, so tests can move it."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol


class Clock(Protocol):
    """Anything that tells the current time, timezone-aware."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real time, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class MovableClock:
    """A clock that stands still until a test moves it; used to test deadlines."""

    def __init__(self, start: datetime | None = None) -> None:
        start = start or datetime.now(UTC)
        if start.tzinfo is None:
            raise ValueError("MovableClock needs a timezone-aware start")
        self._now = start

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        """Move the clock forward by ``delta`` and return the new time."""
        self._now += delta
        return self._now

    def set(self, moment: datetime) -> None:
        """Jump to ``moment`` (timezone-aware)."""
        if moment.tzinfo is None:
            raise ValueError("MovableClock needs timezone-aware times")
        self._now = moment


class OffsetFileClock:
    """The real time moved forward by an offset kept in a file (seconds, as a number).

    For a deployment of several processes under test: each service process is given the
    same file, so moving it moves every clock at once, and a process restarted after a
    crash comes back at the moved time. The file is re-read only when it changes; a
    missing file means no offset. Refused in production (see the settings).
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._stamp: tuple[int, int] | None = None
        self._offset = timedelta()

    def now(self) -> datetime:
        try:
            status = os.stat(self._path)
            # The inode changes with every atomic replace, even within one mtime tick.
            stamp: tuple[int, int] | None = (status.st_ino, status.st_mtime_ns)
        except FileNotFoundError:
            stamp = None
        if stamp != self._stamp:
            text = self._path.read_text().strip() if stamp is not None else ""
            self._offset = timedelta(seconds=float(text or 0))
            self._stamp = stamp
        return datetime.now(UTC) + self._offset

    @staticmethod
    def move_to(path: Path, moment: datetime) -> None:
        """Set the file so that its clocks read ``moment`` now (written atomically)."""
        if moment.tzinfo is None:
            raise ValueError("OffsetFileClock needs timezone-aware times")
        offset = (moment - datetime.now(UTC)).total_seconds()
        partial = path.with_name(f".{path.name}.partial")
        partial.write_text(f"{offset:.6f}\n")
        partial.replace(path)
