"""HTTP routes: 届、轮次与全覆盖 Terms, rounds and coverage."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["rounds"])
