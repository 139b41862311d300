"""HTTP routes: 村分类（四定量一定性）Village classification."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["villages"])
