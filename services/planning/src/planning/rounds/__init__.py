"""轮次 Rounds of a term: their schedule, lifecycle and briefings."""
