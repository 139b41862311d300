"""催办 Deadlines, reminders (提醒函), supervision letters (督办函) and the monthly review."""
