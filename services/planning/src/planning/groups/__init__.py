"""Inspection groups (巡察组) of a round, their members and avoidance screening (回避审查)."""
