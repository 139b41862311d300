"""到期提醒 Deadlines: due soon and overdue."""
