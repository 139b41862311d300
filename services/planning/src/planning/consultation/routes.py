"""HTTP routes: 巡前函询 Pre-inspection consultation."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["consultation"])
