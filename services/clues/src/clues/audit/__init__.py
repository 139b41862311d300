"""审计日志 The append-only log of every read of clue details and every change."""
