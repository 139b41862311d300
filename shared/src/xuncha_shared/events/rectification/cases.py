"""The kinds of rectification failure (整改不力、敷衍整改、虚假整改、拒不整改) that a circular's
typical cases and an accountability record are about."""

from __future__ import annotations

from enum import StrEnum


class TypicalCaseKind(StrEnum):
    """What a typical case published in a circular (典型案例通报) is about (沅陵, 孟州 004, 002)."""

    weak = "weak"
    """整改不力"""
    perfunctory = "perfunctory"
    """敷衍整改"""
    fake = "fake"
    """虚假整改"""
    refused = "refused"
    """拒不整改"""
