"""The in-app inbox: one item per audience and event, read state per account, live stream."""
