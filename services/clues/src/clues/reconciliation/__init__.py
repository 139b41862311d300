"""对账 Reconciliation: a receiving department's own ledger against the office's."""
