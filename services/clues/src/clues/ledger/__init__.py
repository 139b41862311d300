"""线索管理台账 The clue ledger: proposal, review, transfer, closing."""
