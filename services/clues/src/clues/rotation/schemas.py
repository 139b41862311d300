"""API schema of key rotation: ReEncrypted."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ReEncrypted(BaseModel):
    clues: int = Field(title="本次重新加密的线索数")
    notes: int = Field(title="本次重新加密的备注数")
    remaining: bool = Field(title="是否还有未处理的记录", description="为真时请再次调用")
