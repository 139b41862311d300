"""Reminders (催办): the office, or a township for its villages, reminds an org of a task."""
