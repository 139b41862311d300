"""承办部门接口 The receiving department's API: receipt, disposal, progress, outcome,
reconciliation."""
