"""The overdue work list (逾期整改清单)."""
