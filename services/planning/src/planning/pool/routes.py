"""HTTP routes: 人才库、巡察组与任务分配（含回避审查）.

Talent pool, groups, assignments and avoidance.
"""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["pool"])
