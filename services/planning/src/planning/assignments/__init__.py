"""Assignments (巡察任务): round × group × org, and a member's own tasks."""
