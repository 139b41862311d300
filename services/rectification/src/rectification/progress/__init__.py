"""整改进展、销号与验收 Progress, done claims and acceptance."""
