"""A jurisdiction's rectification rules: the rhythm (plan due, concentrated period, report),
the warning windows, the card rules and the rating weights. Documented defaults apply
until the office sets its own (ARCHITECTURE.md, "Deadlines": a setting, not a constant)."""
