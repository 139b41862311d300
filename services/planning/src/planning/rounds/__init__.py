"""届、轮次与全覆盖 Terms, rounds and coverage."""
