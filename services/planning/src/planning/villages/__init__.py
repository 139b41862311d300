"""村分类（四定量一定性）Village classification."""
