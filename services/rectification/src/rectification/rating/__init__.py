"""量化评估 Rating."""
