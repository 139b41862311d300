"""Periodic jobs of the findings service (time-based facts, each emitted once)."""

from __future__ import annotations

from collections.abc import Sequence

from xuncha_shared.app import PeriodicJob

from findings.letters.jobs import chase_letter_replies
from findings.public_reports.jobs import chase_forwarded_replies


def build_jobs() -> Sequence[PeriodicJob]:
    return [chase_forwarded_replies, chase_letter_replies]
