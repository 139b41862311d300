"""干部任用必审 Promotion check."""
